"""Reads over the ledger: my points, statements, bank reports, funds, claims."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from redvest.accounts.policy import can, can_administer, home_orgs, is_system_admin, scope
from redvest.core.errors import NotFound, PermissionDenied
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.points.access import bank_nodes_q, can_manage_bank
from redvest.points.errors import NotAVolunteer
from redvest.points.models import (
    AccountKind,
    PointsAccount,
    PointsClaim,
    PointsEarnedYear,
    PointsEntry,
    PointType,
    Redemption,
    RedemptionStatus,
    TxnKind,
)
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.points.selectors.config import RuleInForce


def volunteer_of(*, user: User) -> Volunteer:
    """The signed-in user's volunteer record; raises NotAVolunteer."""
    volunteer = (
        Volunteer.objects.filter(user=user)
        .exclude(status=VolunteerStatus.DEREGISTERED)
        .select_related("org", "user")
        .first()
    )
    if volunteer is None:
        raise NotAVolunteer()
    return volunteer


@dataclass(frozen=True)
class TypeTotal:
    point_type: str
    label: str
    points: int


@dataclass(frozen=True)
class MyPoints:
    volunteer: Volunteer
    account: PointsAccount | None
    balance: int
    held: list[Redemption]
    held_points: int
    year: int
    earned_by_type: list[TypeTotal]
    earned_this_year: int
    tier: int
    rules: list[RuleInForce] = field(default_factory=list)


def my_points(*, user: User) -> MyPoints:
    """Balance, open reservations, this year's points by type and the privilege tier of the user."""
    from redvest.points.selectors.config import volunteer_tier

    volunteer = volunteer_of(user=user)
    account = PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER, volunteer=volunteer).first()
    held = list(
        Redemption.objects.filter(volunteer=volunteer, status=RedemptionStatus.HELD)
        .select_related("item__merchant", "item__org")
        .order_by("expires_at")
    )
    year = timezone.localdate().year
    by_type = dict(PointsEarnedYear.objects.filter(volunteer=volunteer, year=year).values_list("point_type", "points"))
    earned = [TypeTotal(point_type=t.value, label=t.label, points=int(by_type.get(t.value, 0))) for t in PointType]
    return MyPoints(
        volunteer=volunteer,
        account=account,
        balance=account.balance if account else 0,
        held=held,
        held_points=sum(r.points for r in held),
        year=year,
        earned_by_type=earned,
        earned_this_year=sum(t.points for t in earned),
        tier=volunteer_tier(volunteer=volunteer),
    )


def account_get(*, user: User, account_id: Any) -> PointsAccount:
    """An account the user may read: a volunteer's (policy "points_account"), a bank, escrow or fund
    (who runs that bank), a merchant's (policy "merchant"). Raises NotFound."""
    try:
        account = PointsAccount.objects.select_related("volunteer__org", "org", "merchant__org").get(pk=int(account_id))
    except (PointsAccount.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("积分账户不存在或您无权查看") from exc
    if account.kind == AccountKind.VOLUNTEER:
        allowed = can(user, "view", account)
    elif account.kind == AccountKind.MERCHANT:
        allowed = account.merchant is not None and can(user, "view", account.merchant)
    elif account.kind == AccountKind.FUND:
        allowed = account.org is not None and can_administer(user, account.org)
    else:
        allowed = account.org is not None and can_manage_bank(user, account.org)
    if not allowed:
        raise NotFound("积分账户不存在或您无权查看")
    return account


def statement(*, account: PointsAccount) -> QuerySet[PointsEntry]:
    """The account's entries, newest first, each with its running balance (`balance_after`)."""
    return (
        PointsEntry.objects.filter(account=account)
        .select_related("transaction__redemption")
        .only(
            "id",
            "delta",
            "balance_after",
            "created_at",
            "account_id",
            "transaction__id",
            "transaction__kind",
            "transaction__point_type",
            "transaction__memo",
            "transaction__redemption__id",
            "transaction__redemption__status",
        )
        .order_by("-id")
    )


def volunteer_statement(*, volunteer: Volunteer) -> QuerySet[PointsEntry]:
    """Every entry of the volunteer's own points account, oldest first (for their data download)."""
    return (
        PointsEntry.objects.filter(account__kind=AccountKind.VOLUNTEER, account__volunteer=volunteer)
        .select_related("transaction")
        .order_by("id")
    )


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    points: int
    count: int


@dataclass(frozen=True)
class BankReport:
    org: OrgNode
    account: PointsAccount | None
    start: datetime.date
    end: datetime.date
    by_kind: list[KindTotal]
    issued_by_type: list[TypeTotal]
    redeemed_items: list[dict[str, Any]]
    escrow_balance: int

    @property
    def outstanding(self) -> int:
        """Points this bank issued that are still in circulation."""
        return -self.account.balance if self.account else 0


def _local_range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return lo, hi


def bank_report(*, user: User, org: OrgNode, start: datetime.date, end: datetime.date) -> BankReport:
    """What a node's bank issued and took back in a period, by business and by point type, and the
    items redeemed at its counter. Raises PermissionDenied."""
    if not can_manage_bank(user, org):
        raise PermissionDenied("只有该兑换点的站点管理员或上级管理员可以查看银行报表")
    lo, hi = _local_range(start, end)
    account = PointsAccount.objects.filter(kind=AccountKind.BANK, org=org).first()
    escrow = PointsAccount.objects.filter(kind=AccountKind.ESCROW, org=org).first()
    by_kind: list[KindTotal] = []
    issued: list[TypeTotal] = []
    if account is not None:
        in_period = PointsEntry.objects.filter(account=account, created_at__gte=lo, created_at__lt=hi)
        rows = (
            in_period.values("transaction__kind")
            .annotate(points=Sum("delta"), n=Count("id"))
            .order_by("transaction__kind")
        )
        labels = dict(TxnKind.choices)
        by_kind = [
            KindTotal(
                kind=r["transaction__kind"],
                label=labels.get(r["transaction__kind"], ""),
                points=-int(r["points"]),
                count=r["n"],
            )
            for r in rows
        ]
        type_rows = dict(
            in_period.filter(transaction__kind__in=[TxnKind.EARN, TxnKind.AWARD, TxnKind.REVERSAL])
            .values("transaction__point_type")
            .annotate(points=Sum("delta"))
            .values_list("transaction__point_type", "points")
        )
        issued = [
            TypeTotal(point_type=t.value, label=t.label, points=-int(type_rows.get(t.value, 0))) for t in PointType
        ]
    redeemed = [
        dict(row)
        for row in Redemption.objects.filter(
            item__org=org,
            item__merchant__isnull=True,
            status=RedemptionStatus.FULFILLED,
            closed_at__gte=lo,
            closed_at__lt=hi,
        )
        .values("item_id", "item__title")
        .annotate(quantity=Sum("quantity"), points=Sum("points"), n=Count("id"))
        .order_by("-points")
    ]
    return BankReport(
        org=org,
        account=account,
        start=start,
        end=end,
        by_kind=by_kind,
        issued_by_type=issued,
        redeemed_items=redeemed,
        escrow_balance=escrow.balance if escrow else 0,
    )


def bank_orgs(*, user: User) -> QuerySet[OrgNode]:
    """Nodes whose bank the user runs: stations they keep and the subtrees they administer."""
    return OrgNode.objects.filter(bank_nodes_q(user))


def funds_for(*, volunteer: Volunteer) -> QuerySet[PointsAccount]:
    """Care funds a volunteer can donate to: those at their node and above."""
    return PointsAccount.objects.filter(
        kind=AccountKind.FUND, is_active=True, org__path__in=ancestors_paths(volunteer.org.path)
    ).select_related("org")


def fund_list(*, user: User) -> QuerySet[PointsAccount]:
    """Funds in the subtrees the user administers."""
    paths = list(OrgNode.objects.filter(pk__in=home_orgs(user)).values_list("path", flat=True))

    if is_system_admin(user):
        return PointsAccount.objects.filter(kind=AccountKind.FUND).select_related("org").order_by("org__path", "name")
    q = Q(pk__in=[])
    for path in paths:
        q |= in_subtree_q("org__path", path)
    return PointsAccount.objects.filter(q, kind=AccountKind.FUND).select_related("org").order_by("org__path", "name")


def claim_list(*, user: User, status: str = "", point_type: str = "") -> QuerySet[PointsClaim]:
    """Claims the user may see (policy "points_claim", which includes what they reported)."""
    qs = scope(user, "points_claim", PointsClaim.objects.all())
    if status:
        qs = qs.filter(status=status)
    if point_type:
        qs = qs.filter(point_type=point_type)
    return qs.select_related("volunteer__org", "reporter", "reviewed_by").order_by("-created_at", "-id")


def claim_get(*, user: User, claim_id: Any) -> PointsClaim:
    try:
        return claim_list(user=user).get(pk=int(claim_id))
    except (PointsClaim.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("积分申报不存在或您无权查看") from exc


def volunteer_by_number(*, number: str) -> Volunteer | None:
    """Look a registered volunteer up by their number (for reports and transfers: the number is what
    people quote; no personal data is shown beyond the name)."""
    return (
        Volunteer.objects.filter(number=(number or "").strip(), status=VolunteerStatus.REGISTERED)
        .select_related("org", "user")
        .first()
    )
