"""Demo points: county rules, points for every credit record, a bank catalog, an alliance merchant
and a few redemptions — all through the points services, so the double-entry ledger balances."""

from __future__ import annotations

from dataclasses import dataclass, replace

from redvest.accounts.models import User
from redvest.orgs.models import OrgNode
from redvest.points.models import (
    EarningBasis,
    ItemKind,
    PointsAccount,
    PointType,
    PostingOutcome,
    RecordPosting,
    Redemption,
    RewardItem,
)
from redvest.points.services.config import RuleData, rule_set
from redvest.points.services.redemption import redemption_confirm, redemption_reserve
from redvest.points.services.rewards import ItemData, MerchantData, item_create, merchant_apply, merchant_review
from redvest.records.models import ServiceRecord
from redvest.volunteers.models import Volunteer

RULES = (
    RuleData(
        PointType.SERVICE,
        EarningBasis.PER_CREDIT_HOUR,
        10,
        daily_cap=120,
        yearly_cap=3000,
        description="每服务信用小时计10分",
    ),
    RuleData(PointType.CONVENIENCE, EarningBasis.PER_EVENT, 5, description="便民服务每件5分"),
    RuleData(
        PointType.GOOD_DEED, EarningBasis.PER_EVENT, 20, requires_approval=True, description="好人好事经审核每件20分"
    ),
    RuleData(PointType.CHARITY, EarningBasis.PER_EVENT, 30, requires_approval=True, description="慈善捐赠经审核计分"),
    RuleData(PointType.BRAVERY, EarningBasis.PER_EVENT, 200, requires_approval=True, description="见义勇为经审核计分"),
)
BANK_ITEMS = (
    ItemData("环保购物袋", 30, 200, ItemKind.GOODS, "可重复使用的帆布袋", per_person_limit=2),
    ItemData("洗衣液（2kg）", 80, 100, ItemKind.GOODS, "日用品"),
    ItemData("免费理发券", 50, 60, ItemKind.SERVICE, "县城合作理发店通用"),
    ItemData("县图书馆借阅礼遇卡", 100, 30, ItemKind.PRIVILEGE, "优先借阅新书", min_tier=0),
)
MERCHANT = MerchantData(
    name="长兴玉兰便民超市",
    org=None,  # type: ignore[arg-type]  # filled in with the demo town below
    contact_name="金玉兰",
    contact_phone="19905720007",
    address="雉城街道金陵北路18号",
    description="凭积分兑换日用品，志愿者购物九五折",
    credit_code="91330522MA2B3C4D5E",
)
MERCHANT_ITEMS = (
    ItemData("食用油（5L）", 150, 40, ItemKind.GOODS, "联盟商家兑换"),
    ItemData("购物九五折券", 20, 500, ItemKind.DISCOUNT, "单次购物满50元可用", per_person_limit=5),
)


@dataclass
class PointsSummary:
    rules: int
    postings: int
    items: int
    redemptions: int


def write_rules(*, county: User, root: OrgNode) -> None:
    """The county's earning rules, set before any service time is recorded (the ledger may post points
    as each entry is appended)."""
    for rule in RULES:
        rule_set(actor=county, org=root, data=rule)


def write_points(
    *,
    county: User,
    root: OrgNode,
    town: OrgNode,
    merchant_user: User,
    records: list[ServiceRecord],
    spenders: list[tuple[User, Volunteer]],
) -> PointsSummary:
    # The ledger posted each record's points as it was appended (the rules came first): count them.
    postings = RecordPosting.objects.filter(record__in=[r.pk for r in records], outcome=PostingOutcome.POSTED).count()
    items = [item_create(actor=county, data=d, org=root) for d in BANK_ITEMS]
    merchant = merchant_apply(actor=merchant_user, data=replace(MERCHANT, org=town))
    merchant = merchant_review(actor=county, merchant=merchant, approve=True, note="资料齐全，同意加盟")
    items += [item_create(actor=merchant_user, data=d, merchant=merchant) for d in MERCHANT_ITEMS]
    redemptions: list[Redemption] = []
    for user, volunteer in spenders:
        balance = PointsAccount.objects.get(volunteer=volunteer).balance if _has_account(volunteer) else 0
        for item in sorted(items, key=lambda i: i.points_cost):
            if item.points_cost > balance:
                break
            redemptions.append(redemption_reserve(actor=user, volunteer=volunteer, item=item))
            balance -= item.points_cost
            if len(redemptions) % 2 == 1:
                counter = merchant_user if item.merchant_id else county
                redemption_confirm(actor=counter, redemption=redemptions[-1])
            if len(redemptions) >= 6:
                break
    return PointsSummary(
        rules=len(RULES),
        postings=postings,
        items=RewardItem.objects.count(),
        redemptions=len(redemptions),
    )


def _has_account(volunteer: Volunteer) -> bool:
    return PointsAccount.objects.filter(volunteer=volunteer).exists()
