"""Certificates: lists, the period's totals and activities, the public verification view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from redvest.accounts.policy import scope
from redvest.activities.models import ServiceCategory
from redvest.core.crypto import mask_name
from redvest.core.errors import NotFound
from redvest.records.models import (
    Certificate,
    RecordKind,
    ServiceRecord,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer


def certificate_list(*, user: User) -> QuerySet[Certificate]:
    return scope(user, "certificate", Certificate.objects.select_related("volunteer", "issuing_org")).order_by(
        "-issued_at", "-id"
    )


def certificate_for(*, user: User, pk: int) -> Certificate:
    certificate = certificate_list(user=user).select_related("volunteer__org").filter(pk=pk).first()
    if certificate is None:
        raise NotFound()
    return certificate


def certificate_by_token(*, token: str) -> Certificate:
    """For the public verification page: no login, found only by its unguessable token."""
    certificate = Certificate.objects.select_related("volunteer", "issuing_org").filter(verify_token=token).first()
    if certificate is None:
        raise NotFound("未找到该证明，请核对二维码或链接")
    return certificate


def period_minutes(*, volunteer: Volunteer, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Credit and honour minutes served in [start, end]: one indexed aggregate over the volunteer's entries."""
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer, served_on__range=(start, end))
        .values("kind")
        .annotate(total=Sum("minutes"))
        .values_list("kind", "total")
    )
    totals = {RecordKind.CREDIT.value: 0, RecordKind.HONOUR.value: 0}
    totals.update({kind: int(total or 0) for kind, total in rows})
    return totals


def period_activities(*, volunteer: Volunteer, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Activities with net credit minutes in [start, end], oldest first (reversals net out)."""
    rows = (
        ServiceRecord.objects.filter(
            volunteer=volunteer, kind=RecordKind.CREDIT, served_on__range=(start, end), activity__isnull=False
        )
        .values("activity_id", "activity__title", "activity__start_at", "activity__org__name", "activity__category")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .order_by("activity__start_at", "activity_id")
    )
    labels = dict(ServiceCategory.choices)
    return [
        {
            "title": row["activity__title"],
            "date": timezone.localtime(row["activity__start_at"]).date().isoformat(),
            "org": row["activity__org__name"],
            "category": labels.get(row["activity__category"], row["activity__category"]),
            "minutes": int(row["total"]),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class CertificateVerification:
    """What the public verification page may show: no ID number, phone or full name."""

    number: str
    masked_name: str
    period_start: datetime.date
    period_end: datetime.date
    credit_minutes: int
    honour_minutes: int
    activity_count: int
    issuing_org: str
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def certificate_verification(*, token: str) -> CertificateVerification:

    c = certificate_by_token(token=token)
    return CertificateVerification(
        number=c.number,
        masked_name=mask_name(c.volunteer.name),
        period_start=c.period_start,
        period_end=c.period_end,
        credit_minutes=c.credit_minutes,
        honour_minutes=c.honour_minutes,
        activity_count=len(c.activities_snapshot or []),
        issuing_org=c.issuing_org.name,
        issued_at=c.issued_at,
        revoked_at=c.revoked_at,
    )
