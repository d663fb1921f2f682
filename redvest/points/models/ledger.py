"""The points ledger: accounts, transactions of balanced entries, earned totals, earning rules, claims.

Points are integers. Every transaction holds two or more entries whose deltas sum to zero. Entries
and transactions are never updated or deleted; a mistake is fixed by a reversing transaction. The
account's `balance` moves in the same database transaction as its entries, under the row lock, and
each entry keeps `balance_after`, so a statement's running balance is read, not recomputed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from redvest.core.append_only import AppendOnlyModel
from redvest.points.errors import LedgerAppendOnly


class PointType(models.TextChoices):
    SERVICE = "service", "志愿服务"
    CONVENIENCE = "convenience", "便民服务"
    GOOD_DEED = "good_deed", "好人好事"
    CHARITY = "charity", "慈善捐赠"
    BRAVERY = "bravery", "见义勇为"


# Types a person reports (with evidence) rather than earns from recorded service time.
REPORTED_TYPES = (PointType.CONVENIENCE, PointType.GOOD_DEED, PointType.CHARITY, PointType.BRAVERY)


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿者积分账户"
    BANK = "bank", "好人好事银行"
    ESCROW = "escrow", "兑换冻结账户"
    MERCHANT = "merchant", "加盟商家账户"
    FUND = "fund", "爱心基金"


class TxnKind(models.TextChoices):
    EARN = "earn", "服务积分"
    AWARD = "award", "申报积分"
    HOLD = "hold", "兑换冻结"
    FULFIL = "fulfil", "兑换核销"
    REFUND = "refund", "兑换退还"
    DONATION = "donation", "捐赠爱心基金"
    TRANSFER = "transfer", "积分转赠"
    REVERSAL = "reversal", "冲正"
    EXPIRY = "expiry", "积分过期"


# Transactions whose volunteer-side credit counts as "earned" (caps, yearly totals, pioneer index).
EARNING_KINDS = (TxnKind.EARN, TxnKind.AWARD)


class PointsLedgerRow(AppendOnlyModel):
    """Bulk updates and deletes would bypass balances, so the ledger tables refuse them (core guard)."""

    append_only_error = LedgerAppendOnly

    class Meta:
        abstract = True


class PointsAccount(models.Model):
    """One balance. A volunteer has one; each org node may run a bank (the issuer, the only account
    allowed below zero) and an escrow for reservations at its counter; merchants and funds have one each.
    A volunteer may also fall below zero, but only when earned points they already spent are reversed."""

    kind = models.CharField("类型", max_length=10, choices=AccountKind.choices)
    name = models.CharField("名称", max_length=100, blank=True, default="")
    volunteer = models.OneToOneField(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT, related_name="points_account"
    )
    org = models.ForeignKey("orgs.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merchant = models.OneToOneField(
        "points.Merchant", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    balance = models.BigIntegerField("余额", default=0)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "积分账户"
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(kind="bank"), name="one_bank_per_org"),
            models.UniqueConstraint(fields=["org"], condition=Q(kind="escrow"), name="one_escrow_per_org"),
            models.CheckConstraint(
                condition=Q(kind__in=["bank", "volunteer"]) | Q(balance__gte=0), name="points_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="volunteer", volunteer__isnull=False)
                    | Q(kind="merchant", merchant__isnull=False)
                    | Q(kind__in=["bank", "escrow", "fund"], org__isnull=False)
                ),
                name="points_account_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()}#{self.pk}"

    @property
    def may_go_negative(self) -> bool:
        return self.kind == AccountKind.BANK


class PointsTransaction(PointsLedgerRow):
    """One business event (earning, reservation, confirmation, refund, donation, reversal…)."""

    kind = models.CharField("业务", max_length=10, choices=TxnKind.choices)
    point_type = models.CharField("积分类型", max_length=12, choices=PointType.choices, blank=True, default="")
    memo = models.CharField("摘要", max_length=200, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    earned_on = models.DateField("计分日期", null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    service_record = models.OneToOneField(
        "records.ServiceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claim = models.ForeignKey(
        "points.PointsClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    redemption = models.ForeignKey(
        "points.Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "积分交易"
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"


class PointsEntry(PointsLedgerRow):
    """One leg of a transaction on one account: signed delta and the account's balance after it."""

    transaction = models.ForeignKey(PointsTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries")
    delta = models.BigIntegerField("变动")
    balance_after = models.BigIntegerField("变动后余额")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "积分流水"
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "-id"], name="points_statement_idx")]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="points_entry_delta_not_zero")]

    def __str__(self) -> str:
        return f"{self.delta:+d} → {self.balance_after}"


class PointsEarnedDay(models.Model):
    """Per volunteer, point type and day: points earned (net of reversed earnings), for the daily cap."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    point_type = models.CharField(max_length=12, choices=PointType.choices)
    day = models.DateField()
    points = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "每日得分合计"
        constraints = [models.UniqueConstraint(fields=["volunteer", "point_type", "day"], name="uniq_points_day")]


class PointsEarnedYear(models.Model):
    """Per volunteer, point type and year: points earned, for the yearly cap and the pioneer index."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    point_type = models.CharField(max_length=12, choices=PointType.choices)
    year = models.PositiveSmallIntegerField()
    points = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "年度得分合计"
        constraints = [models.UniqueConstraint(fields=["volunteer", "year", "point_type"], name="uniq_points_year")]


class EarningBasis(models.TextChoices):
    PER_CREDIT_HOUR = "per_hour", "每服务信用小时"
    PER_ACTIVITY = "per_activity", "每参加一次活动"
    PER_EVENT = "per_event", "每件经审核的事迹"


class EarningRule(models.Model):
    """How one point type is earned under an org node. The nearest rule of a type up the tree is in
    force; an inactive rule switches that type off for the subtree."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="组织")
    point_type = models.CharField("积分类型", max_length=12, choices=PointType.choices)
    basis = models.CharField("计分方式", max_length=12, choices=EarningBasis.choices)
    amount = models.PositiveIntegerField("积分")
    daily_cap = models.PositiveIntegerField("每日上限", null=True, blank=True, help_text="留空为不设上限")
    yearly_cap = models.PositiveIntegerField("每年上限", null=True, blank=True, help_text="留空为不设上限")
    requires_approval = models.BooleanField("需审核", default=False)
    description = models.CharField("说明", max_length=200, blank=True, default="")
    is_active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        ordering = ["org_id", "point_type"]
        constraints = [models.UniqueConstraint(fields=["org", "point_type"], name="one_rule_per_org_and_type")]

    def __str__(self) -> str:
        return f"{self.org}：{self.get_point_type_display()}"


class PointsPolicy(models.Model):
    """Donation, expiry and reservation settings of an org node; an empty field inherits from above."""

    org = models.OneToOneField("orgs.OrgNode", on_delete=models.CASCADE, related_name="points_policy")
    allow_fund_donation = models.BooleanField("允许捐赠给爱心基金", null=True, blank=True)
    allow_transfer = models.BooleanField("允许转赠给其他志愿者", null=True, blank=True)
    expiry_years = models.PositiveSmallIntegerField(
        "积分有效期（年）", null=True, blank=True, help_text="0 为永久有效；N 表示获得当年起第 N 年年底过期"
    )
    hold_hours = models.PositiveSmallIntegerField("预约保留时长（小时）", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "积分政策"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已撤销"


class ClaimSource(models.TextChoices):
    REPORT = "report", "事迹登记"
    SERVICE = "service", "服务时数"


class PointsClaim(models.Model):
    """Points waiting for a reviewer: a reported good deed (好人好事登记) with evidence, or service time
    under a rule that needs approval."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="points_claims")
    point_type = models.CharField("积分类型", max_length=12, choices=PointType.choices)
    source = models.CharField(max_length=10, choices=ClaimSource.choices, default=ClaimSource.REPORT)
    service_record = models.OneToOneField(
        "records.ServiceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("事迹", max_length=100)
    description = models.TextField("经过", blank=True, default="")
    occurred_on = models.DateField("发生日期")
    place = models.CharField("地点", max_length=200, blank=True, default="")
    evidence = models.FileField("佐证材料", upload_to="points/claims/%Y/%m/", blank=True, default="")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reporter_role = models.CharField("登记人身份", max_length=20, blank=True, default="")
    points = models.PositiveIntegerField("积分", default=0)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "积分申报"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"]), models.Index(fields=["volunteer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_point_type_display()}：{self.title}"


class PostingOutcome(models.TextChoices):
    POSTED = "posted", "已入账"
    PENDING = "pending", "待审核"
    NONE = "none", "不计积分"
    REVERSED = "reversed", "已冲正"


class RecordPosting(models.Model):
    """What a service record earned (or why not): makes posting points for a record idempotent."""

    record = models.OneToOneField(
        "records.ServiceRecord", primary_key=True, on_delete=models.PROTECT, related_name="points_posting"
    )
    outcome = models.CharField(max_length=10, choices=PostingOutcome.choices)
    points = models.BigIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True, default="")
    transaction = models.ForeignKey(
        PointsTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务积分入账"
