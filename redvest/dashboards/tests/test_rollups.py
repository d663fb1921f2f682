"""The rollups agree with direct aggregates over the ledgers, and the incremental refresh recomputes only
the months touched since the last run."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from redvest.activities.models import Activity, ActivityStatus
from redvest.care.models import CareVisit
from redvest.dashboards.models import MonthlyOrgStat, OrgStock, RefreshRun
from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.services.rollups import month_start
from redvest.dashboards.tests.factories import County, months_ago
from redvest.demand.models import Callback, ServiceRequest
from redvest.orgs.selectors import in_subtree_q
from redvest.points.models import AccountKind, PointsEntry, TxnKind
from redvest.records.models import RecordKind, ServiceRecord
from redvest.records.tests.factories import post_record
from redvest.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _rollup(path: str) -> dict[str, int]:
    sums = MonthlyOrgStat.objects.filter(in_subtree_q("path", path)).aggregate(
        credit=Sum("credit_minutes"),
        honour=Sum("honour_minutes"),
        records=Sum("records"),
        activities=Sum("activities"),
        earned=Sum("points_earned"),
        opened=Sum("requests_opened"),
        closed=Sum("requests_closed"),
        on_time=Sum("requests_on_time"),
        satisfied=Sum("callbacks_satisfied"),
        joined=Sum("volunteers_joined"),
        care=Sum("care_visits"),
    )
    return {k: int(v or 0) for k, v in sums.items()}


def _direct(path: str) -> dict[str, int]:
    records = ServiceRecord.objects.filter(in_subtree_q("org__path", path)).aggregate(
        credit=Sum("minutes", filter=Q(kind=RecordKind.CREDIT)),
        honour=Sum("minutes", filter=Q(kind=RecordKind.HONOUR)),
        records=Count("id"),
    )
    earned = PointsEntry.objects.filter(
        in_subtree_q("account__volunteer__org__path", path),
        account__kind=AccountKind.VOLUNTEER,
        transaction__kind__in=[TxnKind.EARN, TxnKind.AWARD],
    ).aggregate(n=Sum("delta"))["n"]
    requests = ServiceRequest.objects.filter(in_subtree_q("area__path", path))
    return {
        "credit": int(records["credit"] or 0),
        "honour": int(records["honour"] or 0),
        "records": records["records"],
        "activities": Activity.objects.filter(in_subtree_q("org__path", path), status=ActivityStatus.PUBLISHED).count(),
        "earned": int(earned or 0),
        "opened": requests.count(),
        "closed": requests.filter(status__in=["resolved", "closed"]).count(),
        "on_time": requests.filter(status__in=["resolved", "closed"], resolved_at__lte=F("resolution_due_at")).count(),
        "satisfied": Callback.objects.filter(in_subtree_q("request__area__path", path), rating="satisfied").count(),
        "joined": Volunteer.objects.filter(in_subtree_q("org__path", path)).exclude(status="pending").count(),
        "care": CareVisit.objects.filter(in_subtree_q("recipient__org__path", path)).count(),
    }


def test_full_refresh_matches_direct_aggregates_for_every_subtree(world: County) -> None:
    dashboards_refresh(full=True)
    for node in (world.tree.county, world.tree.town_a, world.tree.community_a, world.tree.town_b):
        assert _rollup(node.path) == _direct(node.path), node.name


def test_correction_lowers_the_minutes_of_the_corrected_month(world: County) -> None:
    dashboards_refresh(full=True)
    row = MonthlyOrgStat.objects.get(org=world.tree.community_a, month=month_start(months_ago(2)))
    # 120 posted, −120 reversal, +45 correction: three entries, 45 minutes.
    assert (row.credit_minutes, row.records) == (45, 3)
    assert ServiceRecord.objects.filter(minutes__lt=0).exists()


def test_a_transfer_leaves_past_credit_with_the_sending_org(world: County) -> None:
    dashboards_refresh(full=True)
    before = {n.pk: _rollup(n.path)["credit"] for n in (world.tree.community_a, world.tree.town_b)}
    mover = world.volunteers["community_a"]
    mover.org = world.tree.town_b  # what an accepted 转移接续 changes
    mover.save(update_fields=["org"])
    post_record(volunteer=mover, minutes=60, served_on=months_ago(0, day=1))
    dashboards_refresh(full=True)
    assert _rollup(world.tree.community_a.path)["credit"] == before[world.tree.community_a.pk]
    assert _rollup(world.tree.town_b.path)["credit"] == before[world.tree.town_b.pk] + 60


def test_points_earned_follow_the_ledger(world: County) -> None:
    dashboards_refresh(full=True)
    earned = MonthlyOrgStat.objects.filter(in_subtree_q("path", world.tree.county.path)).aggregate(
        n=Sum("points_earned")
    )
    assert earned["n"] > 0
    assert _rollup(world.tree.county.path)["earned"] == _direct(world.tree.county.path)["earned"]


def test_stock_counts_volunteers_by_political_status_teams_and_stations(world: County) -> None:
    dashboards_refresh(full=True)
    stock = OrgStock.objects.filter(in_subtree_q("path", world.tree.town_a.path)).aggregate(
        v=Sum("volunteers"), party=Sum("party_members"), masses=Sum("masses"), teams=Sum("teams"), st=Sum("stations")
    )
    assert stock == {"v": 2, "party": 1, "masses": 1, "teams": 2, "st": 2}


def test_incremental_refresh_recomputes_only_touched_months(world: County) -> None:
    dashboards_refresh(full=True)
    old_month = month_start(months_ago(6))
    post_record(volunteer=world.volunteers["town_b"], minutes=30, served_on=months_ago(6))
    run = dashboards_refresh()
    assert not run.full
    assert old_month.isoformat() in run.months
    assert month_start(months_ago(3)).isoformat() not in run.months  # untouched
    row = MonthlyOrgStat.objects.get(org=world.tree.town_b, month=old_month)
    assert row.credit_minutes == 30
    assert _rollup(world.tree.county.path) == _direct(world.tree.county.path)


def test_incremental_refresh_keeps_untouched_months(world: County) -> None:
    dashboards_refresh(full=True)
    before = _rollup(world.tree.county.path)
    dashboards_refresh()
    assert _rollup(world.tree.county.path) == before


def test_first_run_is_a_full_rebuild_and_the_command_reports(world: County, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("dashboards_refresh")
    assert RefreshRun.objects.get().full
    call_command("dashboards_refresh")
    out = capsys.readouterr().out
    assert "已刷新全部月份" in out and "个月份" in out
    call_command("dashboards_refresh", "--full")
    assert RefreshRun.objects.filter(full=True).count() == 2


def test_refresh_task_runs_on_the_oversight_queue(world: County) -> None:
    from redvest.dashboards.tasks import dashboards_refresh_task

    assert dashboards_refresh_task.queue_name == "oversight"
    result = dashboards_refresh_task.enqueue(True)
    assert result.return_value["full"] is True
