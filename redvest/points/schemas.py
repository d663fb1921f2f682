"""API shapes of the points bank. References are plain ids named after the field (org, merchant…)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from redvest.core.schemas import Id, UInt16, UInt32, omittable


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: dict[str, str] | None = None


# ---- ledger -------------------------------------------------------------------------------------


class TypeTotalOut(Schema):
    point_type: str
    label: str
    points: int


class RedemptionOut(Schema):
    id: int
    item: int
    item_title: str
    provider: str
    quantity: int
    points: int
    code: str | None
    status: str
    status_label: str
    volunteer_name: str
    expires_at: datetime.datetime
    created_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_item(obj: Any) -> int:
        return int(obj.item_id)

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return str(obj.item.title)

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return str(obj.item.provider_name)

    @staticmethod
    def resolve_code(obj: Any) -> str | None:
        return str(obj.code) if obj.is_held else None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name)


class MeOut(Schema):
    volunteer: int
    name: str
    account: int | None
    balance: int
    held_points: int
    year: int
    earned_this_year: int
    earned_by_type: list[TypeTotalOut]
    tier: int
    held: list[RedemptionOut]


class TokenOut(Schema):
    token: str
    expires_in: int


class EntryOut(Schema):
    id: int
    at: datetime.datetime = Field(..., alias="created_at")
    kind: str
    kind_label: str
    point_type: str
    memo: str
    delta: int
    balance_after: int

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.transaction.kind)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.transaction.get_kind_display())

    @staticmethod
    def resolve_point_type(obj: Any) -> str:
        return str(obj.transaction.point_type)

    @staticmethod
    def resolve_memo(obj: Any) -> str:
        return str(obj.transaction.memo)


class AccountOut(Schema):
    id: int
    kind: str
    name: str
    org: int | None = Field(None, alias="org_id")
    balance: int


class FundIn(Schema):
    org: Id
    name: str = Field(..., min_length=1, max_length=100)


class DonationIn(Schema):
    amount: int = Field(..., ge=1, le=2**31 - 1)
    fund: Id | None = None
    recipient_number: str | None = None
    note: str = Field("", max_length=100)


class DonationOut(Schema):
    transaction: int
    balance: int


class KindTotalOut(Schema):
    kind: str
    label: str
    points: int
    count: int


class RedeemedItemOut(Schema):
    item: int = Field(..., alias="item_id")
    title: str = Field(..., alias="item__title")
    quantity: int
    points: int
    count: int = Field(..., alias="n")


class BankReportOut(Schema):
    org: int
    start: datetime.date
    end: datetime.date
    outstanding: int
    escrow_balance: int
    by_kind: list[KindTotalOut]
    issued_by_type: list[TypeTotalOut]
    redeemed_items: list[RedeemedItemOut]

    @staticmethod
    def resolve_org(obj: Any) -> int:
        return int(obj.org.pk)


# ---- rules and policy ------------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    org: int = Field(..., alias="org_id")
    org_name: str
    point_type: str
    basis: str
    amount: int
    daily_cap: int | None
    yearly_cap: int | None
    requires_approval: bool
    description: str
    is_active: bool

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)


class RuleInForceOut(Schema):
    point_type: str
    label: str
    earns: bool
    rule: RuleOut | None


class RuleIn(Schema):
    org: int
    point_type: str
    basis: str
    amount: int
    daily_cap: int | None = None
    yearly_cap: int | None = None
    requires_approval: bool = False
    description: str = Field("", max_length=200)
    is_active: bool = True


class PolicyOut(Schema):
    allow_fund_donation: bool
    allow_transfer: bool
    expiry_years: int
    hold_hours: int


class PolicyIn(Schema):
    allow_fund_donation: bool | None = None
    allow_transfer: bool | None = None
    expiry_years: UInt16 | None = None
    hold_hours: UInt16 | None = None


# ---- claims ----------------------------------------------------------------------------------------


class ClaimOut(Schema):
    id: int
    volunteer: int = Field(..., alias="volunteer_id")
    volunteer_name: str
    point_type: str
    source: str
    title: str
    description: str
    occurred_on: datetime.date
    place: str
    has_evidence: bool
    reporter_role: str
    points: int
    status: str
    status_label: str
    review_note: str
    created_at: datetime.datetime
    reviewed_at: datetime.datetime | None

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name)

    @staticmethod
    def resolve_has_evidence(obj: Any) -> bool:
        return bool(obj.evidence)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class ClaimFilter(Schema):
    status: str = ""
    point_type: str = ""


class ApproveIn(Schema):
    points: int | None = Field(None, ge=1, le=2**31 - 1)
    note: str = Field("", max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)


# ---- rewards, merchants, redemptions ---------------------------------------------------------------


class ItemOut(Schema):
    id: int
    org: int = Field(..., alias="org_id")
    merchant: int | None = Field(None, alias="merchant_id")
    provider: str
    kind: str
    title: str
    description: str
    points_cost: int
    stock: int
    per_person_limit: int | None
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None
    min_tier: int
    is_active: bool

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return str(obj.provider_name)


class ItemFilter(Schema):
    q: str = ""
    kind: str = ""
    provider: str = ""
    merchant: Id | None = None


class ItemIn(Schema):
    org: Id | None = None
    merchant: Id | None = None
    title: str = Field(..., min_length=1, max_length=100)
    kind: str = "goods"
    description: str = ""
    points_cost: UInt32
    stock: UInt32
    per_person_limit: UInt32 | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    min_tier: UInt16 = 0
    is_active: bool = True


class ItemPatch(Schema):
    title: str = omittable()
    kind: str = omittable()
    description: str = omittable()
    points_cost: UInt32 = omittable()
    stock: UInt32 = omittable()
    per_person_limit: UInt32 | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    min_tier: UInt16 = omittable()
    is_active: bool = omittable()


class ReserveIn(Schema):
    quantity: int = Field(1, ge=1, le=10)


class CounterIn(Schema):
    code: str = Field(..., min_length=1, max_length=500, description="6位核销码，或志愿者二维码中的令牌")


class MerchantOut(Schema):
    id: int
    name: str
    org: int = Field(..., alias="org_id")
    org_name: str
    address: str
    description: str
    status: str
    status_label: str

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class MerchantFilter(Schema):
    status: str = "approved"
    q: str = ""


class MerchantIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    org: Id
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=1, max_length=20)
    address: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)
    credit_code: str = Field("", max_length=18)


class ReviewIn(Schema):
    action: str = Field(..., pattern="^(approve|reject|suspend)$")
    note: str = Field("", max_length=200)


class SettlementRowOut(Schema):
    id: int
    closed_at: datetime.datetime | None
    item_title: str
    quantity: int
    points: int
    volunteer_name: str

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return str(obj.item.title)

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name)


class SettlementOut(Schema):
    merchant: int
    month: str
    count: int
    quantity: int
    points: int


# ---- pioneer index ----------------------------------------------------------------------------------


class RankingRowOut(Schema):
    rank: int
    volunteer: int
    name: str
    number: str
    org_name: str
    credit_hours: Decimal
    points: int
    bonus: int
    deduction: int
    score: Decimal
    grade: str
    grade_label: str

    @staticmethod
    def resolve_volunteer(obj: Any) -> int:
        return int(obj.volunteer.pk)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.volunteer.name)

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.volunteer.org.name)


class RankingQuery(Schema):
    org: Id | None = None
    year: UInt16 | None = None


class PioneerEntryOut(Schema):
    id: int
    volunteer: int = Field(..., alias="volunteer_id")
    volunteer_name: str
    year: int
    category: str
    score: int
    reason: str
    created_at: datetime.datetime
    revoked: bool

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name)

    @staticmethod
    def resolve_revoked(obj: Any) -> bool:
        return obj.revoked_at is not None


class PioneerEntryFilter(Schema):
    year: UInt16 | None = None
    number: str = ""


class PioneerEntryIn(Schema):
    number: str = Field(..., min_length=1, max_length=20)
    year: UInt16
    category: str
    score: int | None = Field(None, ge=1, le=32767)
    reason: str = Field(..., min_length=1, max_length=200)


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class BreakdownOut(Schema):
    volunteer: int
    year: int
    base: int
    credit_hours: Decimal
    hours_score: Decimal
    points: int
    points_score: Decimal
    bonus: int
    deduction: int
    score: Decimal
    grade: str
    grade_label: str
    rank: int
    total: int
    entries: list[PioneerEntryOut]

    @staticmethod
    def resolve_volunteer(obj: Any) -> int:
        return int(obj.volunteer.pk)


class PioneerConfigIO(Schema):
    base_score: UInt16 = 60
    hour_weight_centi: UInt32 = 50
    points_weight_centi: UInt32 = 100
    award_score: UInt16 = 5
    exemplar_score: UInt16 = 5
    complaint_score: UInt16 = 5
    violation_score: UInt16 = 10
    grade_mode: str = "threshold"
    excellent_min: UInt16 = 90
    good_min: UInt16 = 75
    fair_min: UInt16 = 60
    excellent_pct: UInt16 = 10
    good_pct: UInt16 = 40
    fair_pct: UInt16 = 90
