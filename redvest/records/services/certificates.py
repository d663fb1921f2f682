"""志愿服务证明: issue a frozen snapshot of a period's service, revoke it."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.core.services import notification_send
from redvest.records.errors import CertificateRevoked, InvalidPeriod, NothingToCertify, ReasonRequired
from redvest.records.models import Certificate, RecordKind
from redvest.records.services.ledger import clean_reason

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

EARLIEST_PERIOD_START = datetime.date(2000, 1, 1)


def _new_number(today: datetime.date) -> str:
    """ZM + issue date + 8 random digits; retried on the (unlikely) clash with an existing number."""
    while True:
        number = f"ZM{today:%Y%m%d}{secrets.randbelow(10**8):08d}"
        if not Certificate.objects.filter(number=number).exists():
            return number


@transaction.atomic
def certificate_issue(
    *, actor: User, volunteer: Volunteer, period_start: datetime.date, period_end: datetime.date
) -> Certificate:
    """Issue a certificate for the volunteer's service in [period_start, period_end]: the volunteer for
    themselves or an org admin over them. Raises PermissionDenied, InvalidPeriod, NothingToCertify."""
    from redvest.records.selectors import period_activities, period_minutes

    # The "certificate" rule before the row exists (own, or an org admin's subtree) is the volunteer change rule.
    if not can(actor, "change", volunteer):
        raise PermissionDenied("只能为本人或本辖区志愿者出具服务证明")
    today = timezone.localdate()
    if period_start > period_end:
        raise InvalidPeriod("起始日期不能晚于截止日期", field="period_start")
    if period_end > today:
        raise InvalidPeriod("截止日期不能晚于今天", field="period_end")
    if period_start < EARLIEST_PERIOD_START:
        raise InvalidPeriod("起始日期过早", field="period_start")
    totals = period_minutes(volunteer=volunteer, start=period_start, end=period_end)
    credit, honour = totals[RecordKind.CREDIT], totals[RecordKind.HONOUR]
    if credit <= 0 and honour <= 0:
        raise NothingToCertify()
    certificate = Certificate.objects.create(
        number=_new_number(today),
        verify_token=secrets.token_urlsafe(24),
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        credit_minutes=max(credit, 0),
        honour_minutes=max(honour, 0),
        issuing_org=volunteer.org,
        activities_snapshot=period_activities(volunteer=volunteer, start=period_start, end=period_end),
        issued_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        target=certificate,
        org=volunteer.org,
        after={
            "number": certificate.number,
            "period": f"{period_start}~{period_end}",
            "credit_minutes": certificate.credit_minutes,
            "honour_minutes": certificate.honour_minutes,
        },
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """An org admin over the volunteer withdraws a certificate; the verification page then says so.
    Raises PermissionDenied, CertificateRevoked, ReasonRequired."""
    reason = clean_reason(reason)
    if len(reason) > 200:
        raise ReasonRequired("撤销原因不能超过200字", field="reason")
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("volunteer__org", "volunteer__user")
        .get(pk=certificate.pk)
    )
    if not can_administer(actor, certificate.volunteer.org):
        raise PermissionDenied("只有组织管理员可以撤销服务证明")
    if certificate.revoked_at is not None:
        raise CertificateRevoked()
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="update",
        target=certificate,
        org=certificate.volunteer.org,
        before={"revoked": False},
        after={"revoked": True},
        reason=reason,
    )
    if certificate.volunteer.user is not None:
        notification_send(
            recipients=[certificate.volunteer.user],
            title="志愿服务证明已撤销",
            body=f"证明编号 {certificate.number} 已被撤销。原因：{reason}",
            url=reverse("records:certificate-list"),
        )
    return certificate
