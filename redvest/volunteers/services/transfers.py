"""转移接续 inside one deployment: a volunteer moves to another org node and keeps their number, records
and honours. The volunteer or an admin over the sending node asks; an admin over the receiving node
accepts or refuses with a reason; the asker, the volunteer or a sending admin may withdraw before then.

Credit does not move: every service record carries the org it was earned for (records app), so the
sending side keeps its history and the receiving side shows the earlier hours as 转入记录, never as its
own. Accepting only changes `Volunteer.org` and ends team memberships outside the new subtree.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import User
from redvest.accounts.selectors import admins_over
from redvest.audit.services import audit_record
from redvest.core.errors import Conflict, PermissionDenied
from redvest.core.services import notification_send
from redvest.orgs.models import OrgNode
from redvest.volunteers import hooks
from redvest.volunteers.errors import TransferDecided, TransferInvalid, TransferPending
from redvest.volunteers.models import TransferStatus, Volunteer, VolunteerStatus, VolunteerTransfer

MAX_TEXT = 200


def _text(value: str, *, field: str, label: str, required: bool, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = f"请填写{label}"
    elif len(value) > MAX_TEXT:
        errors[field] = f"{label}不能超过{MAX_TEXT}个字"
    return value


def is_own(actor: User, volunteer: Volunteer) -> bool:
    return volunteer.user_id is not None and volunteer.user_id == actor.pk


@transaction.atomic
def transfer_request(*, actor: User, volunteer: Volunteer, to_org: OrgNode | None, reason: str) -> VolunteerTransfer:
    """The volunteer themself or an admin over their org asks to move them to `to_org` (any node of the tree);
    the receiving admins are notified. Raises PermissionDenied, TransferInvalid (fields `to_org`, `reason`),
    Conflict (deregistered) or TransferPending."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org").get(pk=volunteer.pk)
    if not (is_own(actor, volunteer) or policy.can_manage_under(actor, volunteer.org)):
        raise PermissionDenied("只有志愿者本人或所属组织的管理员可以申请转移接续")
    if volunteer.status == VolunteerStatus.DEREGISTERED:
        raise Conflict("该志愿者已注销，不能转移接续", code="already_deregistered")
    errors: dict[str, str] = {}
    if to_org is None:
        errors["to_org"] = "请选择转入组织"
    elif to_org.pk == volunteer.org_id:
        errors["to_org"] = "转入组织不能是当前所属组织"
    reason = _text(reason, field="reason", label="申请原因", required=True, errors=errors)
    if errors or to_org is None:
        raise TransferInvalid(errors)
    try:
        with transaction.atomic():
            transfer = VolunteerTransfer.objects.create(
                volunteer=volunteer, from_org=volunteer.org, to_org=to_org, requested_by=actor, reason=reason
            )
    except IntegrityError as exc:
        raise TransferPending() from exc
    audit_record(
        actor=actor,
        action="create",
        target=transfer,
        org=volunteer.org,
        after={"status": transfer.status, "from_org": volunteer.org.name, "to_org": to_org.name},
        reason=reason,
    )
    notification_send(
        recipients=admins_over(to_org),
        title="转移接续待接收",
        body=f"{volunteer.name}（{volunteer.number}）申请由 {volunteer.org.name} 转入 {to_org.name}。",
        url=reverse("volunteers:transfer-list"),
    )
    return transfer


def _lock(transfer: VolunteerTransfer) -> VolunteerTransfer:
    transfer = (
        VolunteerTransfer.objects.select_for_update(of=("self",))
        .select_related("from_org", "to_org")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise TransferDecided()
    return transfer


def _stamp(*, actor: User, transfer: VolunteerTransfer, status: str, note: str) -> None:
    before = transfer.status
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    for org in {transfer.from_org, transfer.to_org}:  # each side finds the step in its own audit log
        audit_record(
            actor=actor,
            action="update",
            target=transfer,
            org=org,
            before={"status": before},
            after={"status": status},
            reason=note,
        )


@transaction.atomic
def transfer_decide(*, actor: User, transfer: VolunteerTransfer, accept: bool, note: str = "") -> VolunteerTransfer:
    """An admin over the receiving node accepts (the volunteer's org becomes `to_org`; memberships of teams
    outside it end) or refuses with a reason (`note`). Raises PermissionDenied, TransferInvalid (`note`),
    TransferDecided, or Conflict when the volunteer left the sending node or was deregistered meanwhile."""
    transfer = _lock(transfer)
    if not policy.can_administer(actor, transfer.to_org):
        raise PermissionDenied("只有转入组织的管理员可以接收或拒绝转移接续")
    errors: dict[str, str] = {}
    note = _text(note, field="note", label="拒绝理由", required=not accept, errors=errors)
    if errors:
        raise TransferInvalid(errors)
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",)).select_related("org", "user").get(pk=transfer.volunteer_id)
    )
    if accept:
        if volunteer.status == VolunteerStatus.DEREGISTERED:
            raise Conflict("该志愿者已注销，不能转移接续", code="already_deregistered")
        if volunteer.org_id != transfer.from_org_id:
            raise Conflict("该志愿者的所属组织已变化，请撤回后重新申请", code="transfer_stale")
        volunteer.org = transfer.to_org
        volunteer.save(update_fields=["org", "updated_at"])
        audit_record(
            actor=actor,
            action="update",
            target=volunteer,
            org=transfer.to_org,
            before={"org": transfer.from_org.name},
            after={"org": transfer.to_org.name},
            reason=f"转移接续：{transfer.reason}",
        )
        hooks.volunteer_transferred(actor, volunteer, transfer.reason)
    _stamp(
        actor=actor, transfer=transfer, status=TransferStatus.ACCEPTED if accept else TransferStatus.REFUSED, note=note
    )
    recipients = [u for u in [volunteer.user, transfer.requested_by] if u is not None]
    notification_send(
        recipients=list({u.pk: u for u in recipients}.values()),
        title=f"转移接续{'已接收' if accept else '被拒绝'}",
        body=f"{volunteer.name}转入 {transfer.to_org.name}" + (f"：{note}" if note else ""),
        url=reverse("volunteers:transfer-list"),
    )
    return transfer


@transaction.atomic
def transfer_withdraw(*, actor: User, transfer: VolunteerTransfer, note: str = "") -> VolunteerTransfer:
    """Before the decision, the asker, the volunteer or an admin over the sending node withdraws.
    Raises PermissionDenied, TransferInvalid (`note`) or TransferDecided."""
    transfer = _lock(transfer)
    volunteer = Volunteer.objects.only("id", "user_id").get(pk=transfer.volunteer_id)
    allowed = (
        transfer.requested_by_id == actor.pk
        or is_own(actor, volunteer)
        or policy.can_administer(actor, transfer.from_org)
    )
    if not allowed:
        raise PermissionDenied("只有申请人、志愿者本人或转出组织的管理员可以撤回")
    errors: dict[str, str] = {}
    note = _text(note, field="note", label="撤回说明", required=False, errors=errors)
    if errors:
        raise TransferInvalid(errors)
    _stamp(actor=actor, transfer=transfer, status=TransferStatus.WITHDRAWN, note=note)
    return transfer
