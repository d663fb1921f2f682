"""Reads over the catalog, merchants, reservations and the counter."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from redvest.accounts.policy import Action, scope
from redvest.core.errors import NotFound
from redvest.points.errors import InvalidCounterCode
from redvest.points.models import Merchant, MerchantStatus, Redemption, RedemptionStatus, RewardItem
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

COUNTER_TOKEN_SALT = "redvest.points.counter"
COUNTER_TOKEN_MAX_AGE = 5 * 60  # seconds: the QR on the phone is refreshed before it runs out
CODE_RE = re.compile(r"^\d{6}$")


def catalog(
    *, user: User, q: str = "", kind: str = "", provider: str = "", org_id: Any = None, merchant_id: Any = None
) -> QuerySet[RewardItem]:
    """Items on offer now: active, inside their window, at a bank or an approved merchant."""
    now = timezone.now()
    qs = scope(user, "reward", RewardItem.objects.all()).filter(
        Q(is_active=True),
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        Q(merchant__isnull=True) | Q(merchant__status=MerchantStatus.APPROVED),
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if provider == "bank":
        qs = qs.filter(merchant__isnull=True)
    elif provider == "merchant":
        qs = qs.filter(merchant__isnull=False)
    if org_id:
        qs = qs.filter(org_id=org_id)
    if merchant_id:
        qs = qs.filter(merchant_id=merchant_id)
    return qs.select_related("org", "merchant").order_by("points_cost", "id")


def managed_items(*, user: User, merchant: Merchant | None = None, org_id: Any = None) -> QuerySet[RewardItem]:
    """Items the user may change (their bank counter's or their shop's), including withdrawn ones."""
    qs = scope(user, "reward", RewardItem.objects.all(), "change")
    if merchant is not None:
        qs = qs.filter(merchant=merchant)
    if org_id:
        qs = qs.filter(org_id=org_id)
    return qs.select_related("org", "merchant").order_by("-is_active", "points_cost", "id")


def item_get(*, user: User, item_id: Any, action: Action = "view") -> RewardItem:
    try:
        return scope(user, "reward", RewardItem.objects.select_related("org", "merchant"), action).get(pk=int(item_id))
    except (RewardItem.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("兑换物品不存在或您无权查看") from exc


def merchant_list(*, user: User, status: str = MerchantStatus.APPROVED, q: str = "") -> QuerySet[Merchant]:
    """Approved merchants (the alliance directory) or, for reviewers, merchants in another state."""
    action: Action = "view" if status == MerchantStatus.APPROVED else "change"
    qs = scope(user, "merchant", Merchant.objects.all(), action)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__icontains=q)
    return (
        qs.select_related("org")
        .annotate(item_count=Count("items", filter=Q(items__is_active=True)))
        .order_by("name", "id")
    )


def merchant_get(*, user: User, merchant_id: Any, action: Action = "view") -> Merchant:
    """A merchant the policy opens, or (to read only) the user's own application, whatever its state:
    an applicant holds no merchant role until the application is approved."""
    qs = scope(user, "merchant", Merchant.objects.all(), action)
    if action == "view" and getattr(user, "is_authenticated", False):
        qs = qs | Merchant.objects.filter(operator=user)
    try:
        return qs.select_related("org", "operator").get(pk=int(merchant_id))
    except (Merchant.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("商家不存在或您无权查看") from exc


def my_merchants(*, user: User) -> QuerySet[Merchant]:
    """Shops the user operates (any state): where their applications stand."""
    if not getattr(user, "is_authenticated", False):
        return Merchant.objects.none()
    return Merchant.objects.filter(operator=user).select_related("org").order_by("-created_at")


def merchant_held_count(*, merchants: QuerySet[Merchant]) -> int:
    """Reservations waiting to be redeemed at the counter of these shops."""
    return Redemption.objects.filter(item__merchant__in=merchants, status=RedemptionStatus.HELD).count()


def my_redemptions(*, volunteer: Volunteer, status: str = "") -> QuerySet[Redemption]:
    qs = Redemption.objects.filter(volunteer=volunteer)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("item__org", "item__merchant", "volunteer").order_by("-created_at", "-id")


def counter_redemptions(*, user: User, status: str = RedemptionStatus.HELD) -> QuerySet[Redemption]:
    """Reservations at the counters the user runs."""
    qs = scope(user, "redemption", Redemption.objects.all(), "change")
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("item__org", "item__merchant", "volunteer").order_by("-created_at", "-id")


def redemption_get(*, user: User, redemption_id: Any) -> Redemption:
    """One reservation the user may see: their own, or one at a counter they run."""
    qs = scope(user, "redemption", Redemption.objects.all())
    try:
        return qs.select_related("item__org", "item__merchant", "volunteer__user").get(pk=int(redemption_id))
    except (Redemption.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("兑换记录不存在或您无权查看") from exc


def counter_token(*, volunteer: Volunteer) -> str:
    """A short-lived signed token for the volunteer's QR code (it names the volunteer and nothing else)."""
    return signing.dumps({"v": volunteer.pk}, salt=COUNTER_TOKEN_SALT, compress=True)


def counter_token_volunteer_id(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=COUNTER_TOKEN_SALT, max_age=COUNTER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    value = data.get("v") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def counter_lookup(*, user: User, text: str) -> list[Redemption]:
    """Held reservations at the user's counters matching a typed 6-digit pickup code or a scanned QR
    token. Raises InvalidCounterCode when nothing matches."""
    value = (text or "").strip()
    qs = counter_redemptions(user=user)
    if CODE_RE.match(value):
        rows = list(qs.filter(code=value))
    else:
        volunteer_id = counter_token_volunteer_id(value)
        rows = list(qs.filter(volunteer_id=volunteer_id)) if volunteer_id is not None else []
    if not rows:
        raise InvalidCounterCode()
    return rows


@dataclass(frozen=True)
class Settlement:
    merchant: Merchant
    month: datetime.date
    rows: QuerySet[Redemption]
    count: int
    quantity: int
    points: int


def month_of(text: str) -> datetime.date | None:
    """'2026-07' → 2026-07-01; empty → this month; anything else → None."""
    if not text:
        return timezone.localdate().replace(day=1)
    try:
        year, month = (int(p) for p in text.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return None


def month_range(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    return start, following


def merchant_settlement(*, merchant: Merchant, month: datetime.date) -> Settlement:
    """Redemptions the merchant confirmed in a calendar month (Shanghai time), for settlement."""
    start, end = month_range(month)
    rows = (
        Redemption.objects.filter(
            item__merchant=merchant, status=RedemptionStatus.FULFILLED, closed_at__gte=start, closed_at__lt=end
        )
        .select_related("item", "volunteer", "closed_by")
        .order_by("closed_at", "id")
    )
    totals = rows.aggregate(n=Count("id"), q=Sum("quantity"), p=Sum("points"))
    return Settlement(
        merchant=merchant,
        month=month,
        rows=rows,
        count=int(totals["n"] or 0),
        quantity=int(totals["q"] or 0),
        points=int(totals["p"] or 0),
    )
