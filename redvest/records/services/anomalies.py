"""Resolving anomaly flags from the review queue: cleared after checking, or corrected."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.utils import timezone

from redvest.audit.models import AuditAction
from redvest.audit.services import AuditItem, audit_record, audit_record_many
from redvest.core.errors import PermissionDenied
from redvest.records.access import may_review_anomaly
from redvest.records.errors import (
    AnomalyClosed,
    AnomalyHasNoRecord,
    AnomalyNeedsAttendanceConfirm,
    InvalidMinutes,
    SelfReview,
)
from redvest.records.models import (
    Anomaly,
    AnomalyKind,
    AnomalyStatus,
    CorrectionProposal,
    RecordSource,
    ServiceRecord,
)
from redvest.records.services.ledger import clean_reason, record_correct, record_current

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.activities.models import Attendance

AnomalyAction = Literal["clear", "correct"]


def made_by(anomaly: Anomaly) -> set[int]:
    """Who made the change a correction or grant flag is about: the entry's author and, for an approved
    proposal, its proposer. They do not review their own change."""
    if anomaly.kind not in {AnomalyKind.CORRECTION, AnomalyKind.DUPLICATE_HONOUR} or anomaly.record is None:
        return set()
    people = {anomaly.record.created_by_id}
    people |= set(
        CorrectionProposal.objects.filter(correction_id=anomaly.record_id).values_list("proposed_by_id", flat=True)
    )
    return {pk for pk in people if pk is not None}


def anomaly_record(anomaly: Anomaly) -> ServiceRecord | None:
    """The entry that stands now for what the anomaly flags: its record (after corrections) or its attendance's."""
    record = anomaly.record
    if record is None and anomaly.attendance_id is not None:
        record = ServiceRecord.objects.filter(
            attendance_id=anomaly.attendance_id, source=RecordSource.ATTENDANCE
        ).first()
    return record_current(record) if record is not None else None


@transaction.atomic
def anomaly_resolve(
    *, actor: User, anomaly: Anomaly, action: AnomalyAction, note: str, minutes: int | None = None
) -> Anomaly:
    """核实无误 (clear) or correct (post a correction to `minutes`), with a note. Auto-closed attendance is
    confirmed in the activity's attendance page instead. Raises AnomalyClosed, AnomalyNeedsAttendanceConfirm,
    AnomalyHasNoRecord, InvalidMinutes, PermissionDenied, SelfReview (a flag on one's own correction or grant)
    and record_correct's errors (adding credit minutes needs a proposal)."""
    note = clean_reason(note, field="note")
    anomaly = (
        Anomaly.objects.select_for_update(of=("self",))
        .select_related("record__activity", "activity", "volunteer__org")
        .get(pk=anomaly.pk)
    )
    if anomaly.status != AnomalyStatus.OPEN:
        raise AnomalyClosed()
    if not may_review_anomaly(actor, anomaly):
        raise PermissionDenied("您无权处理该异常")
    if actor.pk in made_by(anomaly):
        raise SelfReview("不能复核本人作出的更正或授予，请由其他负责人或组织管理员复核")
    if anomaly.kind == AnomalyKind.AUTO_CLOSED:
        raise AnomalyNeedsAttendanceConfirm()
    if action == "correct":
        record = anomaly_record(anomaly)
        if record is None:
            raise AnomalyHasNoRecord()
        if minutes is None:
            raise InvalidMinutes("请填写更正后的时长（分钟）", field="minutes")
        record_correct(actor=actor, record=record, minutes=minutes, reason=f"异常复核更正：{note}")
        anomaly.status = AnomalyStatus.CORRECTED
    elif action == "clear":
        anomaly.status = AnomalyStatus.CLEARED
    else:
        raise InvalidMinutes("处理方式无效", field="action", code="invalid_action")
    anomaly.reviewed_by = actor
    anomaly.reviewed_at = timezone.now()
    anomaly.review_note = note
    anomaly.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="update",
        target=anomaly,
        org=anomaly.volunteer.org,
        before={"status": AnomalyStatus.OPEN},
        after={"status": anomaly.status, "kind": anomaly.kind},
        reason=note,
    )
    return anomaly


@transaction.atomic
def anomaly_settle_for_attendance(
    *,
    actor: User | None,
    attendance: Attendance,
    corrected: bool = False,
    at: datetime.datetime | None = None,
    note: str = "",
) -> int:
    """For the activities app: a leader confirmed an auto-closed stay (`corrected` when they set the real
    check-out time), which settles its open AUTO_CLOSED flags: 核实无误 (cleared) or 已更正 (corrected),
    reviewed by the actor at `at`, one audit row each as `anomaly_resolve` writes them. A constant number
    of queries (lock, one UPDATE, one bulk audit insert). Returns how many flags were settled."""
    flags = list(
        Anomaly.objects.select_for_update(of=("self",))
        .filter(attendance=attendance, kind=AnomalyKind.AUTO_CLOSED, status=AnomalyStatus.OPEN)
        .values_list("pk", "volunteer__org_id")
    )
    if not flags:
        return 0
    status = AnomalyStatus.CORRECTED if corrected else AnomalyStatus.CLEARED
    note = (note or "负责人已确认签退时间")[:300]
    Anomaly.objects.filter(pk__in=[pk for pk, _org in flags]).update(
        status=status,
        reviewed_by=actor if actor is not None and actor.is_authenticated else None,
        reviewed_at=at or timezone.now(),
        review_note=note,
    )
    audit_record_many(
        actor=actor,
        action=AuditAction.UPDATE,
        items=(
            AuditItem.of(
                Anomaly(pk=pk, kind=AnomalyKind.AUTO_CLOSED, status=status),  # its label, as stored after saving
                org_id=org_id,
                before={"status": AnomalyStatus.OPEN},
                after={"status": status, "kind": AnomalyKind.AUTO_CLOSED},
            )
            for pk, org_id in flags
        ),
        reason=note,
    )
    return len(flags)
