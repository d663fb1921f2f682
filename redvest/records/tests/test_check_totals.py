"""`manage.py check_service_totals` and the org node copied onto the totals."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from redvest.records.models import RecordKind, ServiceTotal
from redvest.records.selectors import ranking, service_summary, total_org_drift
from redvest.records.services import record_correct
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import post_record


def test_check_passes_when_totals_match_the_entries(w: World, capsys: pytest.CaptureFixture[str]) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=30, reason="早退")
    call_command("check_service_totals")
    assert "所有合计与服务记录一致" in capsys.readouterr().out


def test_check_exits_non_zero_and_names_the_drifted_total(w: World, capsys: pytest.CaptureFixture[str]) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    ServiceTotal.objects.filter(volunteer=w.volunteer).update(minutes=100)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_service_totals")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert f"volunteer={w.volunteer.pk}" in out and "stored=100 recomputed=120" in out


def test_totals_stay_with_the_org_the_time_was_earned_for_after_a_transfer(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    assert ServiceTotal.objects.get(volunteer=w.volunteer).org == w.tree.town_a
    year = timezone.localtime(w.activity.start_at).year
    assert list(ranking(user=w.admin_user, org=w.tree.town_a, year=year).values_list("volunteer_id", flat=True)) == [
        w.volunteer.pk
    ]
    w.volunteer.org = w.tree.town_b  # what an accepted 转移接续 changes
    w.volunteer.save()
    post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    call_command("check_service_totals")
    assert total_org_drift() == []
    # the sending org keeps its 120 minutes; the receiving org ranks only the 30 earned there
    assert ranking(user=w.admin_user, org=w.tree.town_a, year=year).get().minutes == 120
    assert ranking(user=w.other_admin_user, org=w.tree.town_b, year=year).get().minutes == 30
    assert service_summary(volunteer=w.volunteer).credit_minutes == 150


def test_check_names_a_total_credited_to_the_wrong_org(w: World, capsys: pytest.CaptureFixture[str]) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    ServiceTotal.objects.filter(volunteer=w.volunteer).update(org=w.tree.town_b)
    assert [(d.org_id, d.stored, d.recomputed) for d in total_org_drift()] == [
        (w.tree.town_a.pk, 0, 120),
        (w.tree.town_b.pk, 120, 0),
    ]
    with pytest.raises(SystemExit):
        call_command("check_service_totals")


def test_ranking_for_a_leader_shows_only_whom_the_policy_lets_them_see(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)  # a member of the leader's team
    post_record(volunteer=w.other_volunteer, minutes=300, activity=w.activity)  # not a member
    year = timezone.localtime(w.activity.start_at).year
    rows = ranking(user=w.leader_user, org=w.tree.town_a, year=year)
    assert list(rows.values_list("volunteer_id", flat=True)) == [w.volunteer.pk]
    assert ServiceTotal.objects.filter(kind=RecordKind.CREDIT).count() == 2
