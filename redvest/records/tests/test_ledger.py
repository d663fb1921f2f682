"""The append-only ledger: totals move with entries, corrections append, nothing is ever edited."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from redvest.accounts.tests.factories import UserFactory
from redvest.activities.models import ServiceCategory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.core.models import Notification
from redvest.orgs.tests.factories import org_node
from redvest.records.errors import (
    InvalidMinutes,
    LedgerAppendOnly,
    ReasonRequired,
    RecordAlreadyReversed,
    ReversalNotCorrectable,
    SameMinutes,
)
from redvest.records.models import (
    RecordKind,
    RecordSource,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)
from redvest.records.selectors import monthly_total_drift, total_differences
from redvest.records.services import correction_approve, correction_propose, record_correct, record_current
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import post_record
from redvest.volunteers.tests.factories import VolunteerFactory


def _total(volunteer: object, kind: str = RecordKind.CREDIT, year: int | None = None) -> int:
    year = year or timezone.localdate().year
    row = ServiceTotal.objects.filter(volunteer=volunteer, year=year, kind=kind).first()
    return row.minutes if row else 0


def test_append_moves_the_year_and_category_totals(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=90, activity=w.activity)
    post_record(volunteer=w.volunteer, minutes=30, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    year = timezone.localtime(w.activity.start_at).year
    assert _total(w.volunteer, RecordKind.CREDIT, year) == 90
    assert _total(w.volunteer, RecordKind.HONOUR) == 30
    by_category = ServiceCategoryTotal.objects.get(
        volunteer=w.volunteer, year=year, kind=RecordKind.CREDIT, category=w.activity.category
    )
    assert by_category.minutes == 90


def test_correction_appends_a_reversal_and_a_correction_with_who_when_why(w: World) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    result = record_correct(actor=w.leader_user, record=old, minutes=100, reason="签退时间有误")
    assert result.reversal.minutes == -120 and result.reversal.reverses_id == old.pk
    assert result.reversal.source == RecordSource.REVERSAL
    assert result.correction is not None
    assert result.correction.minutes == 100 and result.correction.corrects_id == old.pk
    for entry in (result.reversal, result.correction):
        assert entry.created_by == w.leader_user
        assert entry.reason == "签退时间有误"
        assert entry.created_at is not None
    old.refresh_from_db()
    assert old.minutes == 120  # the original row is untouched
    assert _total(w.volunteer, year=old.served_on.year) == 100
    assert AuditEntry.objects.filter(
        target_type="records.servicerecord", action="update", target_id=str(old.pk)
    ).exists()
    assert Notification.objects.filter(recipient=w.volunteer_user, title="服务记录已更正").exists()


def test_correction_to_zero_posts_only_the_reversal(w: World) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    result = record_correct(actor=w.admin_user, record=old, minutes=0, reason="未实际到场")
    assert result.correction is None
    assert ServiceRecord.objects.filter(volunteer=w.volunteer).count() == 2
    assert _total(w.volunteer, year=old.served_on.year) == 0


def test_a_reversed_record_cannot_be_corrected_again_but_its_correction_can(w: World) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    first = record_correct(actor=w.leader_user, record=old, minutes=100, reason="第一次更正")
    count = ServiceRecord.objects.count()
    with pytest.raises(RecordAlreadyReversed):
        record_correct(actor=w.leader_user, record=old, minutes=90, reason="再次更正原记录")
    assert ServiceRecord.objects.count() == count
    assert first.correction is not None
    second = record_correct(actor=w.leader_user, record=first.correction, minutes=90, reason="更正更正记录")
    assert second.correction is not None and second.correction.corrects_id == first.correction.pk
    assert record_current(old) == second.correction
    assert _total(w.volunteer, year=old.served_on.year) == 90


def test_a_reversal_entry_cannot_be_corrected(w: World) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    result = record_correct(actor=w.leader_user, record=old, minutes=100, reason="更正")
    with pytest.raises(ReversalNotCorrectable):
        record_correct(actor=w.leader_user, record=result.reversal, minutes=10, reason="更正冲销")


@pytest.mark.parametrize(
    ("minutes", "reason", "error"),
    [
        (120, "同样的时长", SameMinutes),
        (-5, "负数", InvalidMinutes),
        (121, "超过活动计划时长", InvalidMinutes),
        (100, "   ", ReasonRequired),
    ],
)
def test_bad_corrections_are_refused_and_write_nothing(w: World, minutes: int, reason: str, error: type) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    count, audits = ServiceRecord.objects.count(), AuditEntry.objects.count()
    with pytest.raises(error):
        record_correct(actor=w.leader_user, record=old, minutes=minutes, reason=reason)
    assert (ServiceRecord.objects.count(), AuditEntry.objects.count()) == (count, audits)
    assert _total(w.volunteer, year=old.served_on.year) == 120


@pytest.mark.parametrize("who", ["volunteer_user", "other_leader_user", "other_admin_user", "other_volunteer_user"])
def test_only_the_running_team_and_org_admins_may_correct(w: World, who: str) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    with pytest.raises(PermissionDenied):
        record_correct(actor=getattr(w, who), record=old, minutes=60, reason="越权更正")
    assert ServiceRecord.objects.count() == 1


def test_the_model_refuses_to_update_or_delete_a_record(w: World) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    old.minutes = 999
    with pytest.raises(LedgerAppendOnly):
        old.save()
    with pytest.raises(LedgerAppendOnly):
        old.delete()
    with pytest.raises(LedgerAppendOnly):
        ServiceRecord.objects.filter(pk=old.pk).update(minutes=1)
    with pytest.raises(LedgerAppendOnly):
        ServiceRecord.objects.filter(pk=old.pk).delete()
    assert ServiceRecord.objects.get(pk=old.pk).minutes == 120


def test_the_admin_cannot_add_change_or_delete_records(w: World, client: Client) -> None:
    old = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[ServiceRecord]
    request = RequestFactory().get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, old)
    assert not model_admin.has_delete_permission(request, old)
    client.force_login(superuser)
    response = client.post(f"/admin/records/servicerecord/{old.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert ServiceRecord.objects.filter(pk=old.pk).exists()


def test_totals_check_finds_a_drifted_total(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    assert total_differences() == []
    ServiceTotal.objects.filter(volunteer=w.volunteer).update(minutes=7)
    diffs = total_differences()
    assert [(d.volunteer_id, d.stored, d.recomputed, d.category) for d in diffs] == [(w.volunteer.pk, 7, 120, "")]


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("append"),
            st.integers(0, 1),  # volunteer
            st.sampled_from([RecordKind.CREDIT, RecordKind.HONOUR]),
            st.integers(0, 600),  # minutes
            st.integers(0, 2),  # years back
            st.sampled_from([ServiceCategory.COMMUNITY, ServiceCategory.HEALTH]),
        ),
        st.tuples(st.just("correct"), st.integers(0, 50), st.integers(0, 600)),
    ),
    max_size=20,
)


class TotalsEqualEntries(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=OPS)
    def test_totals_equal_the_sum_of_entries_after_any_appends_and_corrections(self, ops: list[tuple]) -> None:
        org = org_node(name="长兴县")
        town = org_node(name="雉城街道", parent=org)
        actor = UserFactory(is_superuser=True)
        approver = UserFactory(is_superuser=True)  # adding credit needs a second person's approval
        volunteers = [VolunteerFactory(org=org), VolunteerFactory(org=town)]
        today = timezone.localdate()
        for op in ops:
            if op[0] == "append":
                _, who, kind, minutes, back, category = op
                post_record(
                    volunteer=volunteers[who],
                    minutes=minutes,
                    kind=kind,
                    category=category,
                    served_on=today - datetime.timedelta(days=365 * back),
                )
                continue
            _, index, minutes = op
            current = list(ServiceRecord.objects.filter(reversed_by__isnull=True, reverses__isnull=True).order_by("id"))
            if not current:
                continue
            record = current[index % len(current)]
            if record.minutes == minutes:
                continue
            if record.kind == RecordKind.CREDIT and minutes > record.minutes:
                proposal = correction_propose(
                    actor=actor, record=record, minutes=minutes, reason="属性测试更正", evidence_note="签到表"
                )
                correction_approve(actor=approver, proposal=proposal, note="核实")
                continue
            record_correct(actor=actor, record=record, minutes=minutes, reason="属性测试更正")
        assert total_differences() == []
        assert monthly_total_drift() == []  # per org and month too
        for volunteer in volunteers:
            for total in ServiceTotal.objects.filter(volunteer=volunteer):
                entries = ServiceRecord.objects.filter(volunteer=volunteer, kind=total.kind, served_on__year=total.year)
                assert total.minutes == sum(e.minutes for e in entries)
