"""Visit logs: who may log one, which pairing it meets, and a need found becoming a demand request."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.policy import can_administer, grants_for
from redvest.audit.services import audit_record
from redvest.care.access import can_log_care_visit
from redvest.care.models import CarePairing, CareRecipient, CareVisit, PairingStatus, RecipientStatus, VisitForm
from redvest.care.selectors import cadence_days_for
from redvest.care.services._files import file_errors, has_file
from redvest.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from redvest.demand.access import may_take_requests
from redvest.demand.models import RequestChannel
from redvest.demand.services import RequestData, request_create

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass
class VisitData:
    visited_on: datetime.date | None
    form: str = VisitForm.HOME
    duration_minutes: int = 0
    notes: str = ""
    need_found: str = ""
    need_item_code: str = ""
    create_request: bool = False
    pairing_id: int | None = None
    photo: Any = None


def _clean_visit(data: VisitData) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.visited_on is None:
        errors["visited_on"] = "请填写走访日期"
    elif data.visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    elif data.visited_on < today - datetime.timedelta(days=60):
        errors["visited_on"] = "只能补记60天内的走访"
    if data.form not in VisitForm.values:
        errors["form"] = "请选择走访形式"
    if not isinstance(data.duration_minutes, int) or not 0 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "时长应在0到1440分钟之间"
    if len(data.notes or "") > 4000:
        errors["notes"] = "走访情况不能超过4000字"
    if len(data.need_found or "") > 2000:
        errors["need_found"] = "发现的需求不能超过2000字"
    if data.create_request:
        if not (data.need_found or "").strip():
            errors["need_found"] = "转为需求工单时请填写发现的需求"
        if not (data.need_item_code or "").strip():
            errors["need_item_code"] = "转为需求工单时请选择服务项目"
    if has_file(data.photo):
        errors.update(file_errors(data.photo, field="photo"))
    return errors


def _pairing_for_visit(*, actor: User, recipient: CareRecipient, pairing_id: int | None) -> CarePairing | None:
    """The pairing a visit counts for: the one chosen, else the actor's own active pairing with the person.
    Administrators may log a visit outside any pairing."""
    active = CarePairing.objects.select_for_update(of=("self",)).filter(
        recipient=recipient, status=PairingStatus.ACTIVE
    )
    if pairing_id is not None:
        pairing = active.filter(pk=pairing_id).first()
        if pairing is None:
            raise ValidationFailed({"pairing": "所选结对不存在或已解除"})
        if not can_administer(actor, recipient.org) and pairing.pk not in _my_pairing_ids(actor, recipient):
            raise PermissionDenied("只能为自己的结对记录走访", field="pairing")
        return pairing
    mine = _my_pairing_ids(actor, recipient)
    return active.filter(pk__in=mine).order_by("next_visit_due", "id").first() if mine else None


def _my_pairing_ids(actor: User, recipient: CareRecipient) -> list[int]:
    volunteers = [g.volunteer_id for g in grants_for(actor) if g.role == Role.VOLUNTEER and g.volunteer_id]
    teams = [g.team_id for g in grants_for(actor) if g.role in {Role.TEAM_LEADER, Role.TEAM_LIAISON} and g.team_id]
    if not volunteers and not teams:
        return []
    return list(
        CarePairing.objects.filter(
            Q(volunteer_id__in=volunteers) | Q(team_id__in=teams), recipient=recipient, status=PairingStatus.ACTIVE
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def visit_log(*, actor: User, recipient: CareRecipient, data: VisitData, now: datetime.datetime) -> CareVisit:
    """Log a visit (the person's active partners, or administrators over them). The visit meets its
    pairing's due date and sets the next one from the cadence; a need found can become a demand request
    in the same transaction (refused as a whole, writing nothing, when the request is invalid)."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_log_care_visit(actor, recipient):
        raise PermissionDenied("您不是该帮扶对象的结对志愿者，不能记录走访")
    if recipient.status != RecipientStatus.ACTIVE:
        raise Conflict("该帮扶对象已结束帮扶")
    errors = _clean_visit(data)
    if errors:
        raise ValidationFailed(errors)
    assert data.visited_on is not None  # checked above
    pairing = _pairing_for_visit(actor=actor, recipient=recipient, pairing_id=data.pairing_id)
    visit = CareVisit(
        recipient=recipient,
        pairing=pairing,
        visited_on=data.visited_on,
        form=data.form,
        duration_minutes=data.duration_minutes,
        notes=(data.notes or "").strip(),
        need_found=(data.need_found or "").strip(),
        need_item_code=(data.need_item_code or "").strip(),
        due_on=pairing.next_visit_due if pairing is not None else None,
        visitor=actor,
    )
    if has_file(data.photo):
        visit.photo = data.photo
    if data.create_request:
        visit.request = _request_for_need(actor=actor, recipient=recipient, visit=visit, now=now)
    visit.save()
    if pairing is not None:
        last = max(pairing.last_visited_on or data.visited_on, data.visited_on)
        pairing.last_visited_on = last
        pairing.next_visit_due = last + datetime.timedelta(days=cadence_days_for(recipient))
        pairing.save(update_fields=["last_visited_on", "next_visit_due"])
    audit_record(
        actor=actor,
        action="create",
        target=visit,
        org=recipient.org,
        after={
            "recipient": recipient.pk,
            "pairing": getattr(pairing, "pk", None),
            "visited_on": str(data.visited_on),
            "request": getattr(visit.request, "number", None),
        },
    )
    return visit


# Demand's field names on the visit form.
_NEED_FIELDS = {"item": "need_item_code", "description": "need_found", "address": "need_found"}


def _request_for_need(*, actor: User, recipient: CareRecipient, visit: CareVisit, now: datetime.datetime) -> Any:
    """A need found becomes a demand request through demand's own intake, in the visit's transaction.
    Administrators register it as a walk-in with the person as the caller; a volunteer files it through
    the web channel (demand's web intake makes the submitter the contact), naming the person and address
    in the description."""
    walk_in = may_take_requests(actor, RequestChannel.WALK_IN) and bool(recipient.phone)
    description = visit.need_found
    if not walk_in:
        description = f"{description}\n（结对帮扶走访发现，帮扶对象：{recipient.name}，{recipient.address or recipient.org.name}）"
    data = RequestData(
        item_code=visit.need_item_code,
        description=description,
        address=recipient.address or recipient.org.name,
        area_id=recipient.org_id,
        caller_name=recipient.name if walk_in else "",
        caller_phone=recipient.phone if walk_in else "",
    )
    channel = RequestChannel.WALK_IN if walk_in else RequestChannel.WEB
    try:
        return request_create(actor=actor, channel=channel, data=data, now=now).request
    except ValidationFailed as exc:
        raise ValidationFailed({_NEED_FIELDS.get(k, k): v for k, v in exc.errors.items()}) from None
    except DomainError as exc:
        raise ValidationFailed({_NEED_FIELDS.get(exc.field or "", "need_item_code"): exc.message}) from None
