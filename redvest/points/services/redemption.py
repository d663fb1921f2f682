"""Redemption: reserve (points to escrow, stock down) → confirm at the counter (escrow → merchant or
bank), or cancel / expire (escrow → volunteer, stock back)."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from redvest.accounts.policy import can
from redvest.core.errors import DomainError, PermissionDenied
from redvest.points.errors import (
    AlreadyConfirmed,
    InsufficientBalance,
    ItemExpired,
    ItemNotAvailable,
    LimitReached,
    MerchantNotApproved,
    OutOfStock,
    RedemptionClosed,
    RedemptionExpired,
    TierTooLow,
    VolunteerNotActive,
)
from redvest.points.models import MerchantStatus, Redemption, RedemptionStatus, RewardItem, TxnKind
from redvest.points.selectors.config import policy_for, volunteer_tier
from redvest.points.services._common import notify_later
from redvest.points.services.ledger import (
    accounts_lock,
    bank_account,
    escrow_account,
    ledger_post,
    volunteer_account,
)
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.points.models import PointsAccount

MAX_QUANTITY = 10
CODE_ATTEMPTS = 20


def _local(dt: datetime.datetime) -> str:
    return date_format(timezone.localtime(dt), "Y-m-d H:i")


def _check_item(item: RewardItem, *, now: datetime.datetime) -> None:
    if not item.is_active:
        raise ItemNotAvailable("该物品已下架，不能兑换")
    if item.valid_from and now < item.valid_from:
        raise ItemNotAvailable(f"该物品 {_local(item.valid_from)} 起才能兑换")
    if item.valid_until and now >= item.valid_until:
        raise ItemExpired(f"该物品已于 {_local(item.valid_until)} 截止兑换")
    if item.merchant_id is not None and item.merchant is not None and item.merchant.status != MerchantStatus.APPROVED:
        raise MerchantNotApproved()


def _new_code() -> str:
    for _attempt in range(CODE_ATTEMPTS):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not Redemption.objects.filter(code=code, status=RedemptionStatus.HELD).exists():
            return code
    raise DomainError("暂时无法生成核销码，请稍后再试", code="code_exhausted")


@transaction.atomic
def redemption_reserve(*, actor: User, volunteer: Volunteer, item: RewardItem, quantity: int = 1) -> Redemption:
    """Reserve an item: points move to the counter's escrow and the stock goes down, both or neither.
    Raises PermissionDenied, VolunteerNotActive, ItemNotAvailable, ItemExpired, MerchantNotApproved,
    TierTooLow, LimitReached, InsufficientBalance, OutOfStock."""
    account = volunteer_account(volunteer=volunteer)
    if not can(actor, "change", account):
        raise PermissionDenied("只能用自己的积分兑换")
    if volunteer.status != VolunteerStatus.REGISTERED:
        raise VolunteerNotActive()
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(f"每次兑换数量应在 1 至 {MAX_QUANTITY} 之间", field="quantity", code="invalid_quantity")
    item = RewardItem.objects.select_related("merchant", "org").get(pk=item.pk)
    now = timezone.now()
    _check_item(item, now=now)
    if item.min_tier and volunteer_tier(volunteer=volunteer) < item.min_tier:
        raise TierTooLow(f"该礼遇仅限{item.min_tier}星及以上志愿者兑换")
    escrow = escrow_account(org=item.org)
    locked = accounts_lock(ids=[account.pk, escrow.pk])  # one volunteer's reservations run one at a time
    if item.per_person_limit is not None:
        taken = (
            Redemption.objects.filter(
                volunteer=volunteer, item=item, status__in=[RedemptionStatus.HELD, RedemptionStatus.FULFILLED]
            ).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
        if taken + quantity > item.per_person_limit:
            raise LimitReached(f"该物品每人限兑 {item.per_person_limit} 件，您已兑换或预约 {taken} 件")
    cost = item.points_cost * quantity
    if locked[account.pk].balance < cost:
        raise InsufficientBalance(f"积分余额不足：当前可用 {max(locked[account.pk].balance, 0)} 分，需要 {cost} 分")
    if not RewardItem.objects.filter(pk=item.pk, stock__gte=quantity).update(stock=F("stock") - quantity):
        raise OutOfStock()
    hold_hours = policy_for(org=item.org).hold_hours
    redemption = _create_held(volunteer=volunteer, item=item, quantity=quantity, cost=cost, now=now, hours=hold_hours)
    ledger_post(
        kind=TxnKind.HOLD,
        legs=[(account, -cost), (escrow, cost)],
        actor=actor,
        memo=f"预约兑换：{item.title}×{quantity}",
        redemption=redemption,
    )
    return redemption


def _create_held(
    *, volunteer: Volunteer, item: RewardItem, quantity: int, cost: int, now: datetime.datetime, hours: int
) -> Redemption:
    """The reservation row with a pickup code no other open reservation uses (the partial unique
    constraint settles the rare race between the check and the insert)."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Redemption.objects.create(
                    volunteer=volunteer,
                    item=item,
                    quantity=quantity,
                    points=cost,
                    code=_new_code(),
                    expires_at=now + datetime.timedelta(hours=hours),
                    created_at=now,
                )
        except IntegrityError:
            continue
    raise DomainError("暂时无法生成核销码，请稍后再试", code="code_exhausted")


def _locked(redemption: Redemption) -> Redemption:
    return (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("item__merchant", "item__org", "volunteer__user")
        .get(pk=redemption.pk)
    )


def _refuse_closed(redemption: Redemption) -> None:
    if redemption.status == RedemptionStatus.FULFILLED:
        when = _local(redemption.closed_at) if redemption.closed_at else ""
        raise AlreadyConfirmed(f"该兑换已于 {when} 核销，请勿重复确认")
    if redemption.status != RedemptionStatus.HELD:
        raise RedemptionClosed(f"该预约{redemption.get_status_display()}，不能再操作")


@transaction.atomic
def redemption_confirm(*, actor: User, redemption: Redemption) -> Redemption:
    """The counter (merchant, station keeper, org admin) hands the item over: escrow → merchant or bank.
    Raises PermissionDenied, AlreadyConfirmed, RedemptionClosed, RedemptionExpired, MerchantNotApproved."""
    if not can(actor, "change", redemption):
        raise PermissionDenied("只能在该物品的兑换点核销")
    redemption = _locked(redemption)
    _refuse_closed(redemption)
    now = timezone.now()
    if redemption.expires_at <= now:
        raise RedemptionExpired()
    item = redemption.item
    if item.merchant is not None and item.merchant.status != MerchantStatus.APPROVED:
        raise MerchantNotApproved("该商家已暂停，不能核销；请取消预约退还积分")
    escrow = escrow_account(org=item.org)
    payee: PointsAccount = item.merchant.account if item.merchant is not None else bank_account(org=item.org)
    ledger_post(
        kind=TxnKind.FULFIL,
        legs=[(escrow, -redemption.points), (payee, redemption.points)],
        actor=actor,
        memo=f"兑换核销：{item.title}×{redemption.quantity}（{redemption.volunteer.name}）",
        redemption=redemption,
    )
    redemption.status = RedemptionStatus.FULFILLED
    redemption.closed_at = now
    redemption.closed_by = actor
    redemption.save(update_fields=["status", "closed_at", "closed_by"])
    if redemption.volunteer.user is not None:
        notify_later(
            recipients=[redemption.volunteer.user],
            title=f"兑换成功：{item.title}",
            body=f"扣除 {redemption.points} 分",
            url=reverse("points:statement"),
        )
    return redemption


def _refund(*, actor: User | None, redemption: Redemption, status: str, note: str) -> Redemption:
    item = redemption.item
    account = volunteer_account(volunteer=redemption.volunteer)
    escrow = escrow_account(org=item.org)
    label = "取消" if status == RedemptionStatus.CANCELLED else "过期"
    ledger_post(
        kind=TxnKind.REFUND,
        legs=[(escrow, -redemption.points), (account, redemption.points)],
        actor=actor,
        memo=f"兑换{label}退还：{item.title}×{redemption.quantity}",
        redemption=redemption,
    )
    RewardItem.objects.filter(pk=item.pk).update(stock=F("stock") + redemption.quantity)
    redemption.status = status
    redemption.closed_at = timezone.now()
    redemption.closed_by = actor
    redemption.note = note[:200]
    redemption.save(update_fields=["status", "closed_at", "closed_by", "note"])
    return redemption


@transaction.atomic
def redemption_cancel(*, actor: User, redemption: Redemption, reason: str = "") -> Redemption:
    """The volunteer (or the counter) cancels a held reservation: points and stock go back.
    Raises PermissionDenied, AlreadyConfirmed, RedemptionClosed."""
    own = redemption.volunteer.points_account if hasattr(redemption.volunteer, "points_account") else None
    if not (can(actor, "change", redemption) or (own is not None and can(actor, "change", own))):
        raise PermissionDenied("您不能取消该预约")
    redemption = _locked(redemption)
    _refuse_closed(redemption)
    return _refund(actor=actor, redemption=redemption, status=RedemptionStatus.CANCELLED, note=reason or "本人取消")


def redemptions_expire(*, now: datetime.datetime | None = None) -> int:
    """Refund every reservation past its hold time, each in its own transaction; returns how many."""
    moment = now or timezone.now()
    due = list(
        Redemption.objects.filter(status=RedemptionStatus.HELD, expires_at__lte=moment)
        .order_by("expires_at")
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            redemption = (
                Redemption.objects.select_for_update(of=("self",)).select_related("item", "volunteer").get(pk=pk)
            )
            if redemption.status != RedemptionStatus.HELD or redemption.expires_at > moment:
                continue
            _refund(actor=None, redemption=redemption, status=RedemptionStatus.EXPIRED, note="超过保留时间未核销")
            done += 1
    return done
