"""The rewards catalog, alliance merchants (加盟企业) and redemptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MerchantStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已加盟"
    REJECTED = "rejected", "未通过"
    SUSPENDED = "suspended", "已暂停"


class Merchant(models.Model):
    """An alliance merchant: applies with a form, is approved by an org admin of its node's subtree,
    then publishes items and confirms redemptions at its counter."""

    name = models.CharField("商家名称", max_length=100)
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="所在组织")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    description = models.TextField("优惠说明", blank=True, default="")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merchants", verbose_name="经营人账号"
    )
    status = models.CharField(max_length=10, choices=MerchantStatus.choices, default=MerchantStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "加盟商家"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == MerchantStatus.APPROVED


class ItemKind(models.TextChoices):
    GOODS = "goods", "实物"
    SERVICE = "service", "服务"
    DISCOUNT = "discount", "折扣优惠"
    PRIVILEGE = "privilege", "志愿者礼遇"


class RewardItem(models.Model):
    """Something points buy, at a bank counter (merchant empty) or at a merchant. `stock` only moves
    through conditional UPDATEs (`stock >= n`), so it never goes below zero."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="兑换点")
    merchant = models.ForeignKey(
        Merchant, null=True, blank=True, on_delete=models.PROTECT, related_name="items", verbose_name="商家"
    )
    kind = models.CharField("类别", max_length=10, choices=ItemKind.choices, default=ItemKind.GOODS)
    title = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True, default="")
    points_cost = models.PositiveIntegerField("所需积分")
    stock = models.PositiveIntegerField("库存")
    per_person_limit = models.PositiveIntegerField("每人限兑", null=True, blank=True, help_text="留空为不限")
    valid_from = models.DateTimeField("兑换开始", null=True, blank=True)
    valid_until = models.DateTimeField("兑换截止", null=True, blank=True)
    min_tier = models.PositiveSmallIntegerField("礼遇星级", default=0, help_text="0 为所有志愿者；N 为 N 星及以上")
    is_active = models.BooleanField("上架", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "兑换物品"
        ordering = ["points_cost", "id"]
        indexes = [models.Index(fields=["is_active", "points_cost"]), models.Index(fields=["org", "is_active"])]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_not_negative"),
            models.CheckConstraint(condition=Q(points_cost__gte=1), name="reward_cost_positive"),
            models.CheckConstraint(condition=Q(min_tier__lte=5), name="reward_tier_0_5"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def provider_name(self) -> str:
        return self.merchant.name if self.merchant_id and self.merchant else f"{self.org.name}好人好事银行"


class RedemptionStatus(models.TextChoices):
    HELD = "held", "待核销"
    FULFILLED = "fulfilled", "已兑换"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "已过期"


class Redemption(models.Model):
    """A reservation: points held in escrow until the counter confirms it (or it is cancelled or
    expires and the points and the stock go back). `code` is the 6-digit pickup code (核销码)."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="redemptions")
    item = models.ForeignKey(RewardItem, on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    points = models.PositiveIntegerField("积分")
    code = models.CharField("核销码", max_length=6)
    status = models.CharField(max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.HELD)
    expires_at = models.DateTimeField("保留至")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "积分兑换"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(status="held"), name="one_held_redemption_per_code"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="redemption_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["item", "status", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}"

    @property
    def is_held(self) -> bool:
        return self.status == RedemptionStatus.HELD
