"""Corrections that add credit minutes: proposed with evidence, approved or rejected from above.

Credit minutes feed stars, points, rankings and awards, so one person alone must not raise them: the
leader (or admin) proposes, an org admin strictly above the activity's organiser node and its teams decides,
and only approval posts the reversal and correction through the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.policy import can
from redvest.accounts.selectors import admins_over
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.core.services import notification_send
from redvest.records.access import may_change_record
from redvest.records.errors import (
    EvidenceRequired,
    InvalidMinutes,
    ProposalClosed,
    ProposalPending,
    ProposalStale,
    RecordAlreadyReversed,
    SelfApproval,
)
from redvest.records.models import CorrectionProposal, ProposalStatus, ServiceRecord
from redvest.records.services.grants import evidence_check
from redvest.records.services.ledger import (
    Correction,
    adds_credit,
    check_correction,
    clean_reason,
    lock_record,
    post_correction,
    record_correct,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode


@dataclass(frozen=True)
class CorrectionOutcome:
    """What a correction request became: applied at once, or a proposal awaiting approval."""

    correction: Correction | None = None
    proposal: CorrectionProposal | None = None


def approval_anchor(record: ServiceRecord) -> OrgNode:
    """The node an approver must be strictly above: the shallowest of the activity's organiser node and the
    nodes of the teams that ran it (the volunteer's node for an entry without an activity)."""
    activity = record.activity
    if activity is None:
        return record.volunteer.org
    nodes = [activity.org, *(team.org for team in activity.teams.select_related("org"))]
    return min(nodes, key=lambda node: len(node.path))


def approvers_for(anchor: OrgNode) -> list[User]:
    """The org admins strictly above the anchor (the people a new proposal is sent to)."""
    return admins_over(anchor, strictly=True)


def _proposal_url(proposal: CorrectionProposal) -> str:
    return reverse("records:proposal-detail", args=[proposal.pk])


@transaction.atomic
def correction_propose(
    *,
    actor: User,
    record: ServiceRecord,
    minutes: int,
    reason: str,
    evidence: Any = None,
    evidence_note: str = "",
) -> CorrectionProposal:
    """Propose raising a credit entry: evidence (a file and/or a description) required, nothing posted until
    approved. Raises PermissionDenied, InvalidMinutes (not an increase), check_correction's errors,
    EvidenceRequired/EvidenceInvalid, ProposalPending, ReasonRequired."""
    reason = clean_reason(reason)
    old = lock_record(record)
    if not may_change_record(actor, old):
        raise PermissionDenied("您无权更正该服务记录")
    check_correction(old=old, minutes=minutes)
    if not adds_credit(old, minutes):
        raise InvalidMinutes("只有增加服务信用时长的更正需要申请审批，其余更正请直接提交", field="minutes")
    note = (evidence_note or "").strip()
    if len(note) > 500:
        raise EvidenceRequired("佐证说明不能超过500字", field="evidence_note")
    has_file = evidence is not None and bool(getattr(evidence, "name", ""))
    if has_file:
        evidence_check(evidence)
    elif not note:
        raise EvidenceRequired(
            "增加时长须提供佐证：上传材料或填写佐证说明（如签到表、现场照片的说明）", field="evidence"
        )
    if CorrectionProposal.objects.filter(record=old, status=ProposalStatus.PENDING).exists():
        raise ProposalPending()
    try:
        with transaction.atomic():
            proposal = CorrectionProposal.objects.create(
                record=old,
                volunteer=old.volunteer,
                anchor_org=approval_anchor(old),
                minutes_before=old.minutes,
                minutes=minutes,
                reason=reason,
                evidence=evidence if has_file else "",
                evidence_note=note,
                proposed_by=actor,
            )
    except IntegrityError:  # a concurrent proposal on the same record won the race
        raise ProposalPending() from None
    audit_record(
        actor=actor,
        action="create",
        target=proposal,
        org=old.volunteer.org,
        after={"record_id": old.pk, "minutes_before": old.minutes, "minutes": minutes},
        reason=reason,
    )
    notification_send(
        recipients=[u for u in approvers_for(proposal.anchor_org) if u.pk != actor.pk],
        title="服务时长更正待审批",
        body=f"{old.volunteer.name} {old.served_on} 的服务记录申请由 {old.minutes} 分钟增加为 {minutes} 分钟：{reason}",
        url=_proposal_url(proposal),
    )
    return proposal


def correction_submit(
    *,
    actor: User,
    record: ServiceRecord,
    minutes: int,
    reason: str,
    evidence: Any = None,
    evidence_note: str = "",
) -> CorrectionOutcome:
    """One entry point for the correction form: adding credit minutes becomes a proposal, anything else
    (reducing credit, honour entries) is applied at once and flagged for review."""
    if adds_credit(record, minutes):
        proposal = correction_propose(
            actor=actor, record=record, minutes=minutes, reason=reason, evidence=evidence, evidence_note=evidence_note
        )
        return CorrectionOutcome(proposal=proposal)
    return CorrectionOutcome(correction=record_correct(actor=actor, record=record, minutes=minutes, reason=reason))


def _locked_pending(*, actor: User, proposal: CorrectionProposal) -> CorrectionProposal:
    """The proposal under its lock, still pending, decidable by the actor. Raises ProposalClosed,
    SelfApproval, PermissionDenied."""
    proposal = (
        CorrectionProposal.objects.select_for_update(of=("self",))
        .select_related("record__activity", "volunteer__org", "volunteer__user", "proposed_by", "anchor_org")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PENDING:
        raise ProposalClosed()
    if proposal.proposed_by_id == actor.pk or proposal.volunteer.user_id == actor.pk:
        raise SelfApproval()
    if not can(actor, "change", proposal):
        raise PermissionDenied("只有活动组织单位（及其服务队）上级的组织管理员可以审批该更正申请")
    return proposal


def _decide(*, actor: User, proposal: CorrectionProposal, status: str, note: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "correction"])
    audit_record(
        actor=actor,
        action="update",
        target=proposal,
        org=proposal.volunteer.org,
        before={"status": ProposalStatus.PENDING},
        after={"status": status, "correction_id": proposal.correction_id},
        reason=note,
    )
    if proposal.proposed_by is not None:
        notification_send(
            recipients=[proposal.proposed_by],
            title=f"更正申请{proposal.get_status_display()}",
            body=f"{proposal.volunteer.name} 的记录 {proposal.minutes_before}→{proposal.minutes} 分钟。审批意见：{note}",
            url=_proposal_url(proposal),
        )


@transaction.atomic
def correction_approve(*, actor: User, proposal: CorrectionProposal, note: str) -> CorrectionProposal:
    """Approve: the reversal and correction are posted through the ledger (totals, points and stars follow),
    audited and flagged for review. Raises ProposalClosed, SelfApproval, PermissionDenied, ProposalStale,
    check_correction's errors (the activity may have been shortened since), ReasonRequired."""
    note = clean_reason(note, field="note")
    proposal = _locked_pending(actor=actor, proposal=proposal)
    old = lock_record(proposal.record)
    try:
        check_correction(old=old, minutes=proposal.minutes)
    except RecordAlreadyReversed:
        raise ProposalStale() from None
    proposer = str(proposal.proposed_by) if proposal.proposed_by is not None else "—"
    result = post_correction(
        actor=actor,
        old=old,
        minutes=proposal.minutes,
        reason=f"更正审批通过：{proposal.reason}",
        evidence=proposal.evidence.name or None,
        detail=(
            f"{old.served_on} 的记录经审批由 {old.minutes} 分钟增加为 {proposal.minutes} 分钟"
            f"（申请人 {proposer}，审批意见：{note}）"
        ),
    )
    proposal.correction = result.correction
    _decide(actor=actor, proposal=proposal, status=ProposalStatus.APPROVED, note=note)
    return proposal


@transaction.atomic
def correction_reject(*, actor: User, proposal: CorrectionProposal, note: str) -> CorrectionProposal:
    """Reject with a reason; the ledger is untouched. Raises ProposalClosed, SelfApproval, PermissionDenied,
    ReasonRequired."""
    note = clean_reason(note, field="note")
    proposal = _locked_pending(actor=actor, proposal=proposal)
    _decide(actor=actor, proposal=proposal, status=ProposalStatus.REJECTED, note=note)
    return proposal
