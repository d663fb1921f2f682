"""A volunteer disputes one of their records; a leader or org admin upholds (posting a correction) or dismisses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.selectors import admins_over
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.core.services import notification_send
from redvest.records.access import may_change_record
from redvest.records.errors import (
    DisputeAlreadyOpen,
    DisputeClosed,
    InvalidMinutes,
    NotOwnRecord,
    RecordAlreadyReversed,
    ReversalNotCorrectable,
    SelfReview,
)
from redvest.records.models import DisputeStatus, RecordDispute, ServiceRecord
from redvest.records.services.ledger import (
    adds_credit,
    clean_reason,
    max_minutes_for,
    record_correct,
)
from redvest.records.services.proposals import correction_propose
from redvest.teams.models import Team

if TYPE_CHECKING:
    from redvest.accounts.models import User


def reviewers_for(record: ServiceRecord) -> list[User]:
    """Who reviews a record: the leaders and liaisons of the teams that ran its activity, else the org admins
    above the volunteer."""
    users: dict[int, User] = {}
    if record.activity_id is not None:
        teams = Team.objects.filter(activities=record.activity_id, is_active=True).select_related(
            "leader__user", "liaison__user"
        )
        for team in teams:
            for person in (team.leader, team.liaison):
                if person is not None and person.user is not None:
                    users[person.user.pk] = person.user
    if not users:
        for admin in admins_over(record.volunteer.org):
            users[admin.pk] = admin
    return list(users.values())


@transaction.atomic
def dispute_open(
    *, actor: User, record: ServiceRecord, reason: str, claimed_minutes: int | None = None
) -> RecordDispute:
    """A volunteer contests their own current record. Raises NotOwnRecord, ReversalNotCorrectable,
    RecordAlreadyReversed, DisputeAlreadyOpen, InvalidMinutes, ReasonRequired."""
    reason = clean_reason(reason)
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("volunteer__org", "activity")
        .get(pk=record.pk)
    )
    if record.volunteer.user_id is None or record.volunteer.user_id != actor.pk:
        raise NotOwnRecord()
    if record.reverses_id is not None:
        raise ReversalNotCorrectable("冲销记录不能提出异议")
    if ServiceRecord.objects.filter(reverses=record).exists():
        raise RecordAlreadyReversed("该记录已被更正，请对更正后的记录提出异议")
    if claimed_minutes is not None:
        cap = max_minutes_for(record)
        if claimed_minutes < 0 or claimed_minutes > cap:
            raise InvalidMinutes(f"应为时长须在 0–{cap} 分钟之间", field="claimed_minutes")
        if claimed_minutes == record.minutes:
            raise InvalidMinutes("应为时长与原记录相同", field="claimed_minutes")
    if RecordDispute.objects.filter(record=record, status=DisputeStatus.OPEN).exists():
        raise DisputeAlreadyOpen()
    dispute = RecordDispute.objects.create(
        record=record, volunteer=record.volunteer, reason=reason, claimed_minutes=claimed_minutes
    )
    audit_record(
        actor=actor,
        action="create",
        target=dispute,
        org=record.volunteer.org,
        after={"record_id": record.pk, "claimed_minutes": claimed_minutes},
        reason=reason,
    )
    notification_send(
        recipients=reviewers_for(record),
        title="服务记录异议待处理",
        body=f"{record.volunteer.name} 对 {record.served_on} 的服务记录提出异议：{reason}",
        url=reverse("records:dispute-review", args=[dispute.pk]),
    )
    return dispute


@transaction.atomic
def dispute_review(
    *, actor: User, dispute: RecordDispute, uphold: bool, note: str, minutes: int | None = None
) -> RecordDispute:
    """Uphold (post a correction to `minutes`, default the claimed value) or dismiss with a note. Upholding
    that adds credit minutes files a correction proposal (the dispute and note as its evidence) for approval
    from above instead of posting. Raises DisputeClosed, SelfReview, PermissionDenied, InvalidMinutes and record_correct's errors."""
    note = clean_reason(note, field="note")
    dispute = (
        RecordDispute.objects.select_for_update(of=("self",))
        .select_related("record__activity", "volunteer__user", "volunteer__org")
        .get(pk=dispute.pk)
    )
    if dispute.status != DisputeStatus.OPEN:
        raise DisputeClosed()
    if dispute.volunteer.user_id is not None and dispute.volunteer.user_id == actor.pk:
        raise SelfReview()
    if not may_change_record(actor, dispute.record):
        raise PermissionDenied("您无权处理该异议")
    before = dispute.status
    if uphold:
        target = dispute.claimed_minutes if minutes is None else minutes
        if target is None:
            raise InvalidMinutes("请填写更正后的时长（分钟）", field="minutes")
        if adds_credit(dispute.record, target):
            correction_propose(
                actor=actor,
                record=dispute.record,
                minutes=target,
                reason=f"异议更正：{note}",
                evidence_note=f"志愿者异议：{dispute.reason}",
            )
            note = f"{note}（增加时长已提交更正申请，待上级组织管理员审批）"[:300]
        else:
            record_correct(actor=actor, record=dispute.record, minutes=target, reason=f"异议更正：{note}")
        dispute.status = DisputeStatus.UPHELD
    else:
        dispute.status = DisputeStatus.DISMISSED
    dispute.reviewed_by = actor
    dispute.reviewed_at = timezone.now()
    dispute.decision_note = note
    dispute.save(update_fields=["status", "reviewed_by", "reviewed_at", "decision_note"])
    audit_record(
        actor=actor,
        action="update",
        target=dispute,
        org=dispute.volunteer.org,
        before={"status": before},
        after={"status": dispute.status},
        reason=note,
    )
    if dispute.volunteer.user is not None:
        notification_send(
            recipients=[dispute.volunteer.user],
            title="服务记录异议已处理",
            body=f"处理结果：{dispute.get_status_display()}。处理意见：{note}",
            url=reverse("records:my-service"),
        )
    return dispute
