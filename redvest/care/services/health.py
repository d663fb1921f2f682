"""The separate consent for health data, and the encrypted health and disability record it allows."""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record
from redvest.care.access import can_view_care_health
from redvest.care.errors import ConsentRequired
from redvest.care.models import (
    CareConsent,
    CareHealthRecord,
    CareRecipient,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
)
from redvest.care.services._files import file_errors, has_file
from redvest.core.crypto import decrypt, encrypt
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from redvest.accounts.models import User


@transaction.atomic
def consent_record(
    *,
    actor: User,
    recipient: CareRecipient,
    given_by: str,
    giver_name: str,
    method: str,
    given_on: datetime.date | None,
    evidence: Any = None,
) -> CareConsent:
    """Record the separate consent to keep health data (administrators over the person). One consent is
    in force at a time; a scanned form is optional and checked by type and content."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权为该帮扶对象登记同意")
    errors: dict[str, str] = {}
    if given_by not in ConsentGiver.values:
        errors["given_by"] = "请选择同意人（本人或监护人）"
    giver_name = (giver_name or "").strip()
    if not giver_name:
        errors["giver_name"] = "请填写同意人姓名"
    elif len(giver_name) > 50:
        errors["giver_name"] = "同意人姓名不能超过50字"
    if method not in ConsentMethod.values:
        errors["method"] = "请选择同意方式（书面、口头或电子）"
    if given_on is None:
        errors["given_on"] = "请填写同意日期"
    elif given_on > timezone.localdate():
        errors["given_on"] = "同意日期不能晚于今天"
    if has_file(evidence):
        errors.update(file_errors(evidence, field="evidence"))
    if errors or given_on is None:
        raise ValidationFailed(errors)
    if CareConsent.objects.filter(recipient=recipient, withdrawn_at__isnull=True).exists():
        raise Conflict("该帮扶对象已有有效的单独同意，如需重新登记请先撤回")
    consent = CareConsent.objects.create(
        recipient=recipient,
        given_by=given_by,
        giver_name=giver_name,
        method=method,
        given_on=given_on,
        evidence=evidence if has_file(evidence) else "",
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        target=consent,
        org=recipient.org,
        after={"recipient": recipient.pk, "given_by": given_by, "method": method, "given_on": str(given_on)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: CareConsent, reason: str = "") -> CareConsent:
    """Withdraw a consent: the health data kept under it is wiped in the same transaction (it cannot be
    read again; a new consent starts from an empty record)."""
    consent = CareConsent.objects.select_for_update(of=("self",)).select_related("recipient__org").get(pk=consent.pk)
    recipient = consent.recipient
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权撤回该同意")
    if consent.withdrawn_at is not None:
        raise Conflict("该同意已撤回")
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
    consent.withdraw_reason = (reason or "").strip()[:200]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    wiped = CareHealthRecord.objects.filter(recipient=recipient).delete()[0]
    audit_record(
        actor=actor,
        action="update",
        target=consent,
        org=recipient.org,
        after={"withdrawn": True, "health_record_wiped": bool(wiped)},
        reason=consent.withdraw_reason,
    )
    return consent


@dataclass
class HealthData:
    conditions: str = ""
    disability_type: str = ""
    disability_grade: int | None = None
    medication: str = ""
    care_notes: str = ""

    @property
    def disability_type_display(self) -> str:
        return str(dict(DisabilityType.choices).get(self.disability_type, ""))


def _clean_health(data: HealthData) -> HealthData:
    errors: dict[str, str] = {}
    for name, limit in (("conditions", 2000), ("medication", 1000), ("care_notes", 2000)):
        if len(getattr(data, name) or "") > limit:
            errors[name] = f"不能超过{limit}字"
    if data.disability_type not in DisabilityType.values:
        errors["disability_type"] = "残疾类别无效"
    if data.disability_grade is not None and not 1 <= data.disability_grade <= 4:
        errors["disability_grade"] = "残疾等级应为一至四级"
    if data.disability_grade is not None and not data.disability_type:
        errors["disability_grade"] = "填写残疾等级时请同时选择残疾类别"
    if errors:
        raise ValidationFailed(errors)
    return HealthData(
        conditions=(data.conditions or "").strip(),
        disability_type=data.disability_type,
        disability_grade=data.disability_grade,
        medication=(data.medication or "").strip(),
        care_notes=(data.care_notes or "").strip(),
    )


def active_consent(recipient: CareRecipient) -> CareConsent | None:
    return CareConsent.objects.filter(recipient=recipient, withdrawn_at__isnull=True).first()


@transaction.atomic
def health_save(*, actor: User, recipient: CareRecipient, data: HealthData) -> CareHealthRecord:
    """Write health and disability details (administrators over the person), encrypted at rest. Refused
    with ConsentRequired, writing nothing, unless a separate consent is in force. The audit row names
    the change, never the content."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权记录该帮扶对象的健康信息")
    consent = active_consent(recipient)
    if consent is None:
        raise ConsentRequired()
    cleaned = _clean_health(data)
    payload = encrypt(json.dumps(asdict(cleaned), ensure_ascii=False))
    record, created = CareHealthRecord.objects.update_or_create(
        recipient=recipient, defaults={"consent": consent, "data_encrypted": payload, "updated_by": actor}
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target=record,
        org=recipient.org,
        after={"recipient": recipient.pk, "consent": consent.pk},
    )
    return record


@transaction.atomic
def health_reveal(*, actor: User, recipient: CareRecipient) -> HealthData | None:
    """Health data for the roles that need it (`care.access.can_view_care_health`), read under a consent in
    force only; each read writes a `view_sensitive` audit row. None when nothing is kept."""
    if not can_view_care_health(actor, recipient):
        raise PermissionDenied("您无权查看该帮扶对象的健康信息")
    record = (
        CareHealthRecord.objects.filter(recipient=recipient, consent__withdrawn_at__isnull=True)
        .only("data_encrypted")
        .first()
    )
    if record is None or not record.data_encrypted:
        return None
    audit_record(actor=actor, action="view_sensitive", target=recipient, org=recipient.org, reason="健康信息")
    raw = decrypt(record.data_encrypted)
    return HealthData(**json.loads(raw)) if raw else None
