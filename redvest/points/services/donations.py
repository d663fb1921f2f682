"""Giving points away: to a care fund (爱心基金) or to another volunteer, when the org allows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from redvest.accounts.policy import can
from redvest.core.errors import DomainError, PermissionDenied
from redvest.orgs.selectors import ancestors_paths
from redvest.points.errors import DonationNotAllowed, InvalidAmount, VolunteerNotActive
from redvest.points.models import AccountKind, PointsAccount, PointsTransaction, TxnKind
from redvest.points.selectors.config import policy_for
from redvest.points.services._common import notify_later
from redvest.points.services.ledger import accounts_lock, ledger_post, volunteer_account
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

MAX_DONATION = 1_000_000


def _giver(*, actor: User, volunteer: Volunteer, amount: int) -> PointsAccount:
    account = volunteer_account(volunteer=volunteer)
    if not can(actor, "change", account):
        raise PermissionDenied("只能捐赠自己的积分")
    if volunteer.status != VolunteerStatus.REGISTERED:
        raise VolunteerNotActive()
    if not 1 <= amount <= MAX_DONATION:
        raise InvalidAmount("捐赠积分应至少为 1 分", field="amount")
    return account


@transaction.atomic
def donate_to_fund(
    *, actor: User, volunteer: Volunteer, fund: PointsAccount, amount: int, note: str = ""
) -> PointsTransaction:
    """Donate to a care fund at the volunteer's node or above. Raises PermissionDenied, DonationNotAllowed,
    InvalidAmount, InsufficientBalance."""
    account = _giver(actor=actor, volunteer=volunteer, amount=amount)
    if fund.kind != AccountKind.FUND or not fund.is_active or fund.org is None:
        raise DomainError("请选择爱心基金", field="fund", code="invalid_fund")
    if fund.org.path not in ancestors_paths(volunteer.org.path):
        raise DomainError("只能捐赠给本人所在组织或上级组织的爱心基金", field="fund", code="fund_out_of_reach")
    if not policy_for(org=volunteer.org).allow_fund_donation:
        raise DonationNotAllowed("您所在组织未开放积分捐赠")
    accounts_lock(ids=[account.pk, fund.pk])
    return ledger_post(
        kind=TxnKind.DONATION,
        legs=[(account, -amount), (fund, amount)],
        actor=actor,
        memo=f"捐赠给{fund.name}" + (f"：{note.strip()}" if note.strip() else ""),
    )


@transaction.atomic
def transfer_to_volunteer(
    *, actor: User, volunteer: Volunteer, recipient: Volunteer, amount: int, note: str = ""
) -> PointsTransaction:
    """Give points to another registered volunteer. Raises PermissionDenied, DonationNotAllowed,
    InvalidAmount, InsufficientBalance, DomainError."""
    account = _giver(actor=actor, volunteer=volunteer, amount=amount)
    if recipient.pk == volunteer.pk:
        raise DomainError("不能转赠给自己", field="recipient", code="self_transfer")
    if recipient.status != VolunteerStatus.REGISTERED:
        raise DomainError("受赠人尚未注册审核通过", field="recipient", code="recipient_not_active")
    if not policy_for(org=volunteer.org).allow_transfer:
        raise DonationNotAllowed("您所在组织未开放积分转赠")
    target = volunteer_account(volunteer=recipient)
    accounts_lock(ids=[account.pk, target.pk])
    txn = ledger_post(
        kind=TxnKind.TRANSFER,
        legs=[(account, -amount), (target, amount)],
        actor=actor,
        memo=f"{volunteer.name} 转赠给 {recipient.name}" + (f"：{note.strip()}" if note.strip() else ""),
    )
    if recipient.user is not None:
        notify_later(
            recipients=[recipient.user],
            title=f"收到积分转赠 {amount} 分",
            body=f"来自 {volunteer.name}",
            url=reverse("points:statement"),
        )
    return txn
