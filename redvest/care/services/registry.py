"""The registry of people in need: register, change, end care, reveal the phone (audited)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record
from redvest.care.access import can_log_care_visit
from redvest.care.models import (
    CarePairing,
    CareRecipient,
    LivingSituation,
    PairingStatus,
    RecipientStatus,
)
from redvest.care.services.pairings import end_pairing, reschedule
from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.validation import model_errors
from redvest.core.validators import normalize_phone, phone_error
from redvest.demand.models import Resident
from redvest.orgs.models import OrgKind, OrgNode

if TYPE_CHECKING:
    from redvest.accounts.models import User

RECIPIENT_ORG_KINDS = frozenset({OrgKind.COMMUNITY, OrgKind.GRID})


@dataclass
class RecipientData:
    """What the form or the API sent for a person in need. Parsed, not yet validated."""

    org_id: int | None
    name: str
    gender: str
    category: str
    birth_year: int | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    address: str = ""
    other_categories: list[str] = field(default_factory=list)
    living_situation: str = LivingSituation.OTHER
    living_note: str = ""
    cadence_days: int | None = None


def _clean_recipient(recipient: CareRecipient, data: RecipientData, *, actor: User) -> tuple[OrgNode, str]:
    """Set the form's values on `recipient` and check every field at once: the org against the actor and
    the phone here, the rest by the model (`CareRecipient.clean`). Returns the org and the normalised phone."""
    errors: dict[str, str] = {}
    org = OrgNode.objects.filter(pk=data.org_id).first() if data.org_id else None
    if org is None:
        errors["org"] = "请选择所在村社区"
    elif org.kind not in RECIPIENT_ORG_KINDS:
        errors["org"] = "帮扶对象应登记在村社区（或网格）"
    elif not can_administer(actor, org):
        errors["org"] = "所选村社区不在您的管理范围内"
    recipient.name = (data.name or "").strip()
    recipient.gender = data.gender
    recipient.category = data.category
    recipient.other_categories = [c for c in dict.fromkeys(data.other_categories or []) if c != data.category]
    recipient.birth_year = data.birth_year
    recipient.birth_date = data.birth_date
    recipient.address = (data.address or "").strip()
    recipient.living_situation = data.living_situation
    recipient.living_note = (data.living_note or "").strip()
    recipient.cadence_days = data.cadence_days
    errors.update(model_errors(recipient, exclude=["phone_encrypted", "phone_hash", "phone_masked"]))
    phone = normalize_phone(data.phone)
    if phone and (message := phone_error(phone)) is not None:
        errors["phone"] = message
    if errors or org is None:
        raise ValidationFailed(errors)
    recipient.org = org
    return org, phone


def _resident_for_phone(phone: str) -> Any:
    return Resident.objects.filter(phone_hash=blind_index(phone)).first() if phone else None


def _set_phone(recipient: CareRecipient, phone: str) -> None:
    recipient.phone_encrypted = encrypt(phone)
    recipient.phone_hash = blind_index(phone)
    recipient.phone_masked = mask_phone(phone) if phone else ""
    recipient.resident = _resident_for_phone(phone)


def _audit_values(recipient: CareRecipient) -> dict[str, Any]:
    return {
        "org": recipient.org_id,
        "name": recipient.name,
        "category": recipient.category,
        "other_categories": recipient.other_categories,
        "phone": recipient.phone_masked,
        "living_situation": recipient.living_situation,
        "cadence_days": recipient.cadence_days,
        "status": recipient.status,
    }


@transaction.atomic
def recipient_create(*, actor: User, data: RecipientData) -> CareRecipient:
    """Register a person in need at a village/community the actor administers; the phone is stored
    encrypted with a masked copy and linked to a known demand resident with the same phone."""
    recipient = CareRecipient(created_by=actor)
    org, phone = _clean_recipient(recipient, data, actor=actor)
    _set_phone(recipient, phone)
    recipient.save()
    audit_record(actor=actor, action="create", target=recipient, org=org, after=_audit_values(recipient))
    return recipient


@transaction.atomic
def recipient_update(*, actor: User, recipient: CareRecipient, data: RecipientData) -> CareRecipient:
    """Change a person's details (administrators over both the old and the new node). A changed
    cadence override moves the next due date of their active pairings."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权修改该帮扶对象")
    before = _audit_values(recipient)
    old_cadence = (recipient.cadence_days, recipient.category)
    _org, phone = _clean_recipient(recipient, data, actor=actor)
    if phone != recipient.phone:
        _set_phone(recipient, phone)
    recipient.save()
    after = _audit_values(recipient)
    if after != before:
        audit_record(actor=actor, action="update", target=recipient, org=recipient.org, before=before, after=after)
    if old_cadence != (recipient.cadence_days, recipient.category):
        reschedule(CarePairing.objects.filter(recipient=recipient))
    return recipient


@transaction.atomic
def recipient_end(*, actor: User, recipient: CareRecipient, reason: str) -> CareRecipient:
    """End care for a person (moved away, passed away, no longer in need): their active pairings end too."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权修改该帮扶对象")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写结束帮扶的原因"})
    if recipient.status == RecipientStatus.ENDED:
        raise Conflict("该帮扶对象已结束帮扶")
    today = timezone.localdate()
    for pairing in CarePairing.objects.select_for_update(of=("self",)).filter(
        recipient=recipient, status=PairingStatus.ACTIVE
    ):
        end_pairing(actor=actor, pairing=pairing, reason=f"帮扶结束：{reason}"[:200], on=today, org=recipient.org)
    recipient.status, recipient.ended_reason, recipient.ended_at = RecipientStatus.ENDED, reason[:200], timezone.now()
    recipient.save(update_fields=["status", "ended_reason", "ended_at", "updated_at"])
    audit_record(
        actor=actor, action="update", target=recipient, org=recipient.org, after={"status": "ended"}, reason=reason
    )
    return recipient


@transaction.atomic
def recipient_phone_reveal(*, actor: User, recipient: CareRecipient) -> str:
    """The full phone for administrators over the person and their active partners; audited."""
    if not can_log_care_visit(actor, recipient):
        raise PermissionDenied("您无权查看该联系电话")
    audit_record(actor=actor, action="view_sensitive", target=recipient, org=recipient.org, reason="联系电话")
    return recipient.phone
