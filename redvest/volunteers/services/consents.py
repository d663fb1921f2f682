"""Consents to processing personal data, given at registration (个人信息保护法 §14, §29, §31)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.crypto import mask_phone
from redvest.core.validators import id_birth_date, id_number_error, normalize_phone
from redvest.volunteers.consent import CURRENT_TEXTS
from redvest.volunteers.models import ConsentKind, ConsentMethod, IdType, PersonalDataConsent, Volunteer
from redvest.volunteers.services.validation import GUARDIAN_AGE, VolunteerData, age_on

CONSENT_FIELDS: dict[str, str] = {
    ConsentKind.PROCESSING: "consent_processing",
    ConsentKind.SENSITIVE: "consent_sensitive",
    ConsentKind.GUARDIAN: "consent_guardian",
}
CONSENT_MISSING: dict[str, str] = {
    ConsentKind.PROCESSING: "请阅读并勾选同意《个人信息处理告知同意书》",
    ConsentKind.SENSITIVE: "请阅读并勾选同意《敏感个人信息单独同意书》（身份证号等）",
    ConsentKind.GUARDIAN: "未满18周岁须由监护人阅读并勾选《监护人同意书》",
}


@dataclass(frozen=True)
class ConsentChoices:
    processing: bool = False
    sensitive: bool = False
    guardian: bool = False

    def given(self, kind: str) -> bool:
        return bool(getattr(self, kind))


def birth_date_of(data: VolunteerData) -> datetime.date | None:
    """The birth date the registration states: a valid resident ID decides it, else the date entered."""
    number = re.sub(r"\s", "", data.id_number or "").upper()
    if data.id_type == IdType.RESIDENT_ID and number and id_number_error(number) is None:
        return id_birth_date(number)
    return data.birth_date


def required_consents(*, birth_date: datetime.date | None, today: datetime.date) -> list[str]:
    """Everyone: processing and the separate sensitive-data consent (ID number); under 18 also the guardian's."""
    kinds: list[str] = [ConsentKind.PROCESSING, ConsentKind.SENSITIVE]
    if birth_date is not None and age_on(birth_date, today) < GUARDIAN_AGE:
        kinds.append(ConsentKind.GUARDIAN)
    return kinds


def consent_errors(*, choices: ConsentChoices, data: VolunteerData, today: datetime.date) -> dict[str, str]:
    kinds = required_consents(birth_date=birth_date_of(data), today=today)
    return {CONSENT_FIELDS[k]: CONSENT_MISSING[k] for k in kinds if not choices.given(k)}


def consents_record(
    *, volunteer: Volunteer, choices: ConsentChoices, method: str = ConsentMethod.ONLINE
) -> list[PersonalDataConsent]:
    """Store each consent given, with the current text version; the guardian's names the guardian."""
    now = timezone.now()
    guardian_phone = normalize_phone(volunteer.guardian_phone)
    rows = []
    for kind, text in CURRENT_TEXTS.items():
        if not choices.given(kind):
            continue
        by_guardian = kind == ConsentKind.GUARDIAN
        rows.append(
            PersonalDataConsent(
                volunteer=volunteer,
                kind=kind,
                policy_version=text.version,
                given_at=now,
                given_by=volunteer.guardian_name if by_guardian else "本人",
                given_by_phone_masked=mask_phone(guardian_phone) if by_guardian and guardian_phone else "",
                method=method,
            )
        )
    PersonalDataConsent.objects.bulk_create(rows)
    for row in rows:
        audit_record(actor=volunteer.user, action="create", target=row, org=volunteer.org, after=_consent_after(row))
    return rows


def _consent_after(row: PersonalDataConsent) -> dict[str, str]:
    return {
        "kind": row.kind,
        "policy_version": row.policy_version,
        "given_by": row.given_by,
        "method": row.method,
    }
