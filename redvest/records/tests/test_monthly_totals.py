"""MonthlyServiceTotal: per org node, month and kind, moved with every ledger entry, and the period minutes
read from it (what the quarterly report's figures use)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from redvest.accounts.tests.factories import UserFactory
from redvest.records.models import MonthlyServiceTotal, RecordKind, RecordSource, ServiceRecord
from redvest.records.selectors import monthly_total_drift, period_minutes_by_org
from redvest.records.services import record_correct
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import post_record

JULY = datetime.date(2026, 7, 1)


def _monthly(org_id: int, month: datetime.date, kind: str = RecordKind.CREDIT) -> int:
    row = MonthlyServiceTotal.objects.filter(org_id=org_id, month=month, kind=kind).first()
    return row.minutes if row else 0


def _ledger(org_ids: list[int], first: datetime.date, last: datetime.date) -> dict[tuple[int, str], int]:
    rows = (
        ServiceRecord.objects.filter(org_id__in=org_ids, served_on__gte=first, served_on__lte=last)
        .values("org_id", "kind")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return {(r["org_id"], r["kind"]): r["total"] for r in rows}


def test_monthly_total_follows_appends_corrections_and_reversals(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, served_on=JULY + datetime.timedelta(days=9))
    post_record(volunteer=w.other_volunteer, minutes=45, served_on=JULY + datetime.timedelta(days=20))
    assert _monthly(w.tree.town_a.pk, JULY) == 165
    fixed = record_correct(actor=w.admin_user, record=record, minutes=90, reason="签退时间有误")
    assert _monthly(w.tree.town_a.pk, JULY) == 135  # −120 reversal, +90 correction
    record_correct(actor=w.admin_user, record=fixed.correction, minutes=0, reason="未实际参加")
    assert _monthly(w.tree.town_a.pk, JULY) == 45  # reversed to nothing
    assert monthly_total_drift() == []


def test_kinds_and_months_are_kept_apart(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, served_on=JULY)
    post_record(volunteer=w.volunteer, minutes=60, served_on=JULY, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    post_record(volunteer=w.volunteer, minutes=30, served_on=datetime.date(2026, 8, 31))
    assert _monthly(w.tree.town_a.pk, JULY) == 120
    assert _monthly(w.tree.town_a.pk, JULY, RecordKind.HONOUR) == 60
    assert _monthly(w.tree.town_a.pk, datetime.date(2026, 8, 1)) == 30
    assert monthly_total_drift() == []


def test_monthly_total_stays_with_the_sending_org_after_a_transfer(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, served_on=JULY)
    w.volunteer.org = w.tree.town_b  # what an accepted 转移接续 changes
    w.volunteer.save()
    post_record(volunteer=w.volunteer, minutes=30, served_on=JULY)
    record_correct(actor=UserFactory(is_superuser=True), record=record, minutes=100, reason="签退时间有误")
    # the old entry's correction stays with town A, where the time was earned
    assert (_monthly(w.tree.town_a.pk, JULY), _monthly(w.tree.town_b.pk, JULY)) == (100, 30)
    assert monthly_total_drift() == []


def test_check_names_a_drifted_monthly_total(w: World, capsys: pytest.CaptureFixture[str]) -> None:
    post_record(volunteer=w.volunteer, minutes=120, served_on=JULY)
    MonthlyServiceTotal.objects.filter(org=w.tree.town_a).update(minutes=100)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_service_totals")
    assert exit_info.value.code == 1
    assert f"org={w.tree.town_a.pk} month=2026-07 credit: stored=100 recomputed=120" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("first", "last", "queries"),
    [
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), 1),  # a quarter: the monthly rows alone
        (datetime.date(2026, 7, 1), datetime.date(2026, 7, 31), 1),
        (datetime.date(2026, 7, 15), datetime.date(2026, 9, 30), 2),  # cut at the start
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 10), 2),  # cut at the end
        (datetime.date(2026, 7, 15), datetime.date(2026, 9, 10), 2),  # cut at both ends
        (datetime.date(2026, 8, 5), datetime.date(2026, 8, 20), 1),  # inside one month: the entries alone
        (datetime.date(2026, 12, 2), datetime.date(2027, 1, 31), 2),  # across a year
    ],
)
def test_period_minutes_equal_the_entries_sums(
    w: World, first: datetime.date, last: datetime.date, queries: int
) -> None:
    days = [datetime.date(2026, 6, 30), datetime.date(2026, 7, 1), datetime.date(2026, 7, 14)]
    days += [datetime.date(2026, 7, 15), datetime.date(2026, 8, 10), datetime.date(2026, 9, 10)]
    days += [datetime.date(2026, 9, 11), datetime.date(2026, 9, 30), datetime.date(2026, 12, 31)]
    days += [datetime.date(2027, 1, 1), datetime.date(2027, 1, 31)]
    for n, day in enumerate(days):
        record = post_record(volunteer=w.volunteer, minutes=10 + n, served_on=day)
        post_record(volunteer=w.other_volunteer, minutes=100 + n, served_on=day)
        if n % 3 == 0:
            record_correct(actor=w.admin_user, record=record, minutes=5, reason="签退时间有误")
    post_record(volunteer=w.volunteer, minutes=7, served_on=days[4], kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    nodes = [w.tree.town_a.pk, w.tree.town_b.pk]
    with CaptureQueriesContext(connection) as captured:
        got = period_minutes_by_org(first=first, last=last, org_ids=nodes)
    assert len(captured.captured_queries) == queries
    expected = _ledger(nodes, first, last)
    assert got == {key: value for key, value in expected.items() if value}
    assert period_minutes_by_org(first=first, last=last, org_ids=None) == got  # every node: the same here


def test_period_minutes_leave_out_nodes_not_asked_for(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, served_on=JULY)
    moved: Any = w.other_volunteer
    moved.org = w.tree.town_b
    moved.save()
    post_record(volunteer=moved, minutes=30, served_on=JULY)
    quarter = {"first": JULY, "last": datetime.date(2026, 9, 30)}
    assert period_minutes_by_org(**quarter, org_ids=[w.tree.town_b.pk]) == {(w.tree.town_b.pk, RecordKind.CREDIT): 30}


def test_the_backfill_rebuilds_the_monthly_totals_from_the_ledger(w: World) -> None:
    from importlib import import_module

    from django.apps import apps

    record = post_record(volunteer=w.volunteer, minutes=120, served_on=JULY)
    record_correct(actor=w.admin_user, record=record, minutes=90, reason="签退时间有误")
    post_record(
        volunteer=w.other_volunteer,
        minutes=60,
        served_on=datetime.date(2026, 8, 3),
        kind=RecordKind.HONOUR,
        source=RecordSource.HONOUR,
    )
    MonthlyServiceTotal.objects.all().delete()  # as before records.0010
    import_module("redvest.records.migrations.0011_monthly_service_totals").fill_from_ledger(apps, None)
    assert monthly_total_drift() == []
    assert _monthly(w.tree.town_a.pk, JULY) == 90
    assert _monthly(w.tree.town_a.pk, datetime.date(2026, 8, 1), RecordKind.HONOUR) == 60
