"""Disputes (volunteer → leader) and the anomaly review queue."""

from __future__ import annotations

import pytest

from redvest.activities.models import Attendance, AttendanceMethod, AttendanceStatus
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.core.models import Notification
from redvest.records.errors import (
    AnomalyClosed,
    AnomalyHasNoRecord,
    AnomalyNeedsAttendanceConfirm,
    DisputeAlreadyOpen,
    DisputeClosed,
    InvalidMinutes,
    NotOwnRecord,
    RecordAlreadyReversed,
    SelfReview,
)
from redvest.records.models import (
    AnomalyKind,
    AnomalyStatus,
    CorrectionProposal,
    DisputeStatus,
    ProposalStatus,
    RecordDispute,
    ServiceRecord,
)
from redvest.records.selectors import anomaly_queue
from redvest.records.services import (
    anomaly_resolve,
    anomaly_settle_for_attendance,
    dispute_open,
    dispute_review,
    record_correct,
)
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import AnomalyFactory, post_record


def test_volunteer_disputes_own_record_and_the_leader_is_notified(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="实际服务了两小时", claimed_minutes=120)
    assert dispute.status == DisputeStatus.OPEN and dispute.volunteer == w.volunteer
    assert Notification.objects.filter(recipient=w.leader_user, title="服务记录异议待处理").exists()
    assert AuditEntry.objects.filter(target_type="records.recorddispute", action="create").exists()


@pytest.mark.parametrize("who", ["other_volunteer_user", "leader_user", "admin_user"])
def test_disputing_someone_elses_record_is_refused(w: World, who: str) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    with pytest.raises(NotOwnRecord):
        dispute_open(actor=getattr(w, who), record=record, reason="不是我的记录")
    assert not RecordDispute.objects.exists()


def test_a_second_open_dispute_on_one_record_is_refused(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute_open(actor=w.volunteer_user, record=record, reason="时长不对")
    with pytest.raises(DisputeAlreadyOpen):
        dispute_open(actor=w.volunteer_user, record=record, reason="再提一次")


def test_a_reversed_record_cannot_be_disputed(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=30, reason="更正")
    with pytest.raises(RecordAlreadyReversed):
        dispute_open(actor=w.volunteer_user, record=record, reason="时长不对")


def test_claimed_minutes_beyond_the_activity_are_refused(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    with pytest.raises(InvalidMinutes):
        dispute_open(actor=w.volunteer_user, record=record, reason="时长不对", claimed_minutes=500)


def test_upholding_a_dispute_posts_a_correction_and_notifies_the_volunteer(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="实际只有一小时", claimed_minutes=60)
    dispute_review(actor=w.leader_user, dispute=dispute, uphold=True, note="核实签到表属实")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD and dispute.reviewed_by == w.leader_user
    correction = ServiceRecord.objects.get(corrects=record)
    assert correction.minutes == 60 and correction.reason == "异议更正：核实签到表属实"
    assert Notification.objects.filter(recipient=w.volunteer_user, title="服务记录异议已处理").exists()


def test_upholding_a_dispute_that_adds_credit_files_a_proposal_instead_of_posting(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="实际两小时", claimed_minutes=120)
    dispute_review(actor=w.leader_user, dispute=dispute, uphold=True, note="核实签到表属实")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD and "待上级组织管理员审批" in dispute.decision_note
    assert not ServiceRecord.objects.filter(corrects=record).exists()
    proposal = CorrectionProposal.objects.get(record=record)
    assert (proposal.minutes, proposal.proposed_by, proposal.status) == (120, w.leader_user, ProposalStatus.PENDING)
    assert proposal.evidence_note == "志愿者异议：实际两小时"


def test_dismissing_a_dispute_keeps_the_record(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="实际两小时", claimed_minutes=120)
    dispute_review(actor=w.admin_user, dispute=dispute, uphold=False, note="签到记录准确")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decision_note) == (DisputeStatus.DISMISSED, "签到记录准确")
    assert ServiceRecord.objects.count() == 1
    with pytest.raises(DisputeClosed):
        dispute_review(actor=w.admin_user, dispute=dispute, uphold=True, note="改判")


@pytest.mark.parametrize("who", ["other_leader_user", "other_admin_user", "other_volunteer_user"])
def test_only_reviewers_of_the_record_may_review(w: World, who: str) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="时长不对", claimed_minutes=90)
    with pytest.raises(PermissionDenied):
        dispute_review(actor=getattr(w, who), dispute=dispute, uphold=True, note="越权")
    assert ServiceRecord.objects.count() == 1


def test_a_leader_cannot_review_their_own_dispute(w: World) -> None:
    record = post_record(volunteer=w.leader, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.leader_user, record=record, reason="时长不对", claimed_minutes=90)
    with pytest.raises(SelfReview):
        dispute_review(actor=w.leader_user, dispute=dispute, uphold=True, note="自己批")


def test_upholding_without_any_minutes_is_refused(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    dispute = dispute_open(actor=w.volunteer_user, record=record, reason="活动名称不对")
    with pytest.raises(InvalidMinutes):
        dispute_review(actor=w.leader_user, dispute=dispute, uphold=True, note="成立")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


# ---- anomalies ---------------------------------------------------------------------------------


def _flag(w: World, **kw: object) -> object:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    defaults = {"volunteer": w.volunteer, "activity": w.activity, "record": record}
    defaults.update(kw)
    return AnomalyFactory(**defaults)


def test_the_queue_shows_flags_to_the_running_team_and_org_admins_only(w: World) -> None:
    anomaly = _flag(w)
    assert list(anomaly_queue(user=w.leader_user)) == [anomaly]
    assert list(anomaly_queue(user=w.admin_user)) == [anomaly]
    for who in (w.other_leader_user, w.other_admin_user, w.volunteer_user):
        assert list(anomaly_queue(user=who)) == []


def test_clearing_an_anomaly_records_the_note(w: World) -> None:
    anomaly = _flag(w)
    anomaly_resolve(actor=w.leader_user, anomaly=anomaly, action="clear", note="连续两场活动，属实")
    anomaly.refresh_from_db()
    assert (anomaly.status, anomaly.review_note, anomaly.reviewed_by) == (
        AnomalyStatus.CLEARED,
        "连续两场活动，属实",
        w.leader_user,
    )
    with pytest.raises(AnomalyClosed):
        anomaly_resolve(actor=w.leader_user, anomaly=anomaly, action="clear", note="再次")


def test_correcting_an_anomaly_posts_a_correction(w: World) -> None:
    anomaly = _flag(w)
    anomaly_resolve(actor=w.admin_user, anomaly=anomaly, action="correct", note="签退过晚", minutes=60)
    anomaly.refresh_from_db()
    assert anomaly.status == AnomalyStatus.CORRECTED
    assert ServiceRecord.objects.get(corrects=anomaly.record).minutes == 60


def test_an_attendance_flag_is_corrected_through_its_record(w: World) -> None:
    attendance = Attendance.objects.create(
        activity=w.activity,
        volunteer=w.volunteer,
        check_in_at=w.activity.start_at,
        check_out_at=w.activity.end_at,
        check_in_method=AttendanceMethod.CODE,
        status=AttendanceStatus.CLOSED,
    )
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity, attendance=attendance)
    anomaly = AnomalyFactory(
        kind=AnomalyKind.FAR_FROM_SITE, volunteer=w.volunteer, activity=w.activity, attendance=attendance
    )
    anomaly_resolve(actor=w.leader_user, anomaly=anomaly, action="correct", note="未在现场", minutes=0)
    assert ServiceRecord.objects.filter(reverses=record).exists()


def test_an_attendance_flag_without_a_record_cannot_be_corrected(w: World) -> None:
    anomaly = AnomalyFactory(kind=AnomalyKind.LATE_SYNC, volunteer=w.volunteer, activity=w.activity)
    with pytest.raises(AnomalyHasNoRecord):
        anomaly_resolve(actor=w.leader_user, anomaly=anomaly, action="correct", note="x", minutes=10)


def test_auto_closed_attendance_is_confirmed_in_the_activity_not_here(w: World) -> None:
    attendance = Attendance.objects.create(
        activity=w.activity,
        volunteer=w.volunteer,
        check_in_at=w.activity.start_at,
        check_out_at=w.activity.end_at,
        check_in_method=AttendanceMethod.CODE,
        status=AttendanceStatus.AUTO_CLOSED,
    )
    anomaly = AnomalyFactory(
        kind=AnomalyKind.AUTO_CLOSED, volunteer=w.volunteer, activity=w.activity, attendance=attendance
    )
    assert anomaly in anomaly_queue(user=w.leader_user)
    with pytest.raises(AnomalyNeedsAttendanceConfirm):
        anomaly_resolve(actor=w.leader_user, anomaly=anomaly, action="clear", note="确认")
    assert anomaly_settle_for_attendance(actor=w.leader_user, attendance=attendance) == 1
    anomaly.refresh_from_db()
    assert anomaly.status == AnomalyStatus.CLEARED


def test_settling_for_a_corrected_stay_marks_its_flags_corrected_once(w: World) -> None:
    attendance = Attendance.objects.create(
        activity=w.activity,
        volunteer=w.volunteer,
        check_in_at=w.activity.start_at,
        check_out_at=w.activity.end_at,
        check_in_method=AttendanceMethod.CODE,
        status=AttendanceStatus.AUTO_CLOSED,
    )
    anomaly = AnomalyFactory(
        kind=AnomalyKind.AUTO_CLOSED, volunteer=w.volunteer, activity=w.activity, attendance=attendance
    )
    settled = anomaly_settle_for_attendance(actor=w.leader_user, attendance=attendance, corrected=True, note="已更正")
    assert settled == 1
    anomaly.refresh_from_db()
    assert (anomaly.status, anomaly.reviewed_by, anomaly.review_note) == (
        AnomalyStatus.CORRECTED,
        w.leader_user,
        "已更正",
    )
    entry = AuditEntry.objects.get(target_type="records.anomaly", target_id=str(anomaly.pk))
    assert (entry.org_id, entry.reason) == (w.volunteer.org_id, "已更正")
    assert anomaly_settle_for_attendance(actor=w.leader_user, attendance=attendance) == 0
    assert AuditEntry.objects.filter(target_type="records.anomaly").count() == 1


@pytest.mark.parametrize("who", ["other_leader_user", "other_admin_user", "volunteer_user"])
def test_outsiders_cannot_resolve_anomalies(w: World, who: str) -> None:
    anomaly = _flag(w)
    with pytest.raises(PermissionDenied):
        anomaly_resolve(actor=getattr(w, who), anomaly=anomaly, action="clear", note="越权")
