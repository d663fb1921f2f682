"""Alliance merchants (apply → approve) and the items banks and merchants publish."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.policy import can, can_administer
from redvest.accounts.services import role_ensure
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.points.access import can_manage_bank
from redvest.points.errors import MerchantNotApproved, MerchantNotPending, NoteRequired
from redvest.points.models import (
    AccountKind,
    ItemKind,
    Merchant,
    MerchantStatus,
    PointsAccount,
    RewardItem,
)
from redvest.points.services._common import admins_nearest, notify_later

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

PHONE_RE = re.compile(r"^[0-9+\-\s]{7,20}$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
MAX_ITEM_POINTS = 1_000_000
MAX_STOCK = 1_000_000


@dataclass(frozen=True)
class MerchantData:
    name: str
    org: OrgNode
    contact_name: str
    contact_phone: str
    address: str = ""
    description: str = ""
    credit_code: str = ""


def _merchant_errors(data: MerchantData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip() or len(data.name.strip()) > 100:
        errors["name"] = "请填写商家名称（不超过100字）"
    if not data.contact_name.strip() or len(data.contact_name.strip()) > 50:
        errors["contact_name"] = "请填写联系人（不超过50字）"
    if not PHONE_RE.match(data.contact_phone.strip()):
        errors["contact_phone"] = "请填写正确的联系电话"
    if data.credit_code and not CREDIT_CODE_RE.match(data.credit_code.strip().upper()):
        errors["credit_code"] = "统一社会信用代码应为18位数字或大写字母"
    if len(data.address) > 200:
        errors["address"] = "地址不能超过200字"
    if len(data.description) > 2000:
        errors["description"] = "优惠说明不能超过2000字"
    return errors


@transaction.atomic
def merchant_apply(*, actor: User, data: MerchantData) -> Merchant:
    """Anyone signed in applies to join the alliance: a pending merchant and its points account.
    Raises ValidationFailed."""
    errors = _merchant_errors(data)
    if errors:
        raise ValidationFailed(errors)
    merchant = Merchant.objects.create(
        name=data.name.strip(),
        org=data.org,
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        address=data.address.strip(),
        description=data.description.strip(),
        credit_code=data.credit_code.strip().upper(),
        operator=actor,
    )
    PointsAccount.objects.create(kind=AccountKind.MERCHANT, merchant=merchant, name=merchant.name)
    audit_record(actor=actor, action="create", target=merchant, org=data.org, after=snapshot(merchant))
    notify_later(
        recipients=admins_nearest(org=data.org),
        title="有加盟商家申请待审核",
        body=merchant.name,
        url=reverse("points:merchant-detail", args=[merchant.pk]),
    )
    return merchant


@transaction.atomic
def merchant_review(*, actor: User, merchant: Merchant, approve: bool, note: str = "") -> Merchant:
    """An org admin over the merchant's node approves (the operator gets the merchant role there) or
    rejects with a note. Raises PermissionDenied, MerchantNotPending, NoteRequired."""
    if not can_administer(actor, merchant.org):
        raise PermissionDenied("只有商家所在组织的管理员可以审核加盟申请")
    merchant = Merchant.objects.select_for_update(of=("self",)).select_related("org", "operator").get(pk=merchant.pk)
    if merchant.status not in (MerchantStatus.PENDING, MerchantStatus.SUSPENDED):
        raise MerchantNotPending(f"该商家{merchant.get_status_display()}，不能重复审核")
    text = (note or "").strip()[:200]
    if not approve and not text:
        raise NoteRequired("请填写不通过的原因", field="note")
    before = merchant.status
    merchant.status = MerchantStatus.APPROVED if approve else MerchantStatus.REJECTED
    merchant.reviewed_by = actor
    merchant.reviewed_at = timezone.now()
    merchant.review_note = text
    merchant.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        role_ensure(actor=actor, user=merchant.operator, role=Role.MERCHANT, org=merchant.org)
    audit_record(
        actor=actor,
        action="update",
        target=merchant,
        org=merchant.org,
        before={"status": before},
        after={"status": merchant.status},
        reason=text,
    )
    notify_later(
        recipients=[merchant.operator],
        title="加盟申请已通过" if approve else "加盟申请未通过",
        body=text or merchant.name,
        url=reverse("points:merchant-detail", args=[merchant.pk]),
    )
    return merchant


@transaction.atomic
def merchant_suspend(*, actor: User, merchant: Merchant, note: str) -> Merchant:
    """Stop a merchant's items and counter (reservations held there can still be cancelled and refunded).
    Raises PermissionDenied, NoteRequired, MerchantNotPending."""
    if not can_administer(actor, merchant.org):
        raise PermissionDenied("只有商家所在组织的管理员可以暂停商家")
    text = (note or "").strip()[:200]
    if not text:
        raise NoteRequired("请填写暂停原因", field="note")
    merchant = Merchant.objects.select_for_update(of=("self",)).get(pk=merchant.pk)
    if merchant.status != MerchantStatus.APPROVED:
        raise MerchantNotPending("只有已加盟的商家可以暂停")
    merchant.status = MerchantStatus.SUSPENDED
    merchant.review_note = text
    merchant.save(update_fields=["status", "review_note"])
    audit_record(
        actor=actor, action="update", target=merchant, org=merchant.org, after={"status": "suspended"}, reason=text
    )
    return merchant


@dataclass(frozen=True)
class ItemData:
    title: str
    points_cost: int
    stock: int
    kind: str = ItemKind.GOODS
    description: str = ""
    per_person_limit: int | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    min_tier: int = 0
    is_active: bool = True


def _item_errors(data: ItemData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip() or len(data.title.strip()) > 100:
        errors["title"] = "请填写名称（不超过100字）"
    if data.kind not in ItemKind.values:
        errors["kind"] = "请选择类别"
    if not 1 <= data.points_cost <= MAX_ITEM_POINTS:
        errors["points_cost"] = f"所需积分应在 1 至 {MAX_ITEM_POINTS} 之间"
    if not 0 <= data.stock <= MAX_STOCK:
        errors["stock"] = f"库存应在 0 至 {MAX_STOCK} 之间"
    if data.per_person_limit is not None and data.per_person_limit < 1:
        errors["per_person_limit"] = "每人限兑至少为 1，不限请留空"
    if not 0 <= data.min_tier <= 5:
        errors["min_tier"] = "礼遇星级应在 0 至 5 之间"
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        errors["valid_until"] = "兑换截止时间应晚于开始时间"
    if len(data.description) > 2000:
        errors["description"] = "说明不能超过2000字"
    return errors


def _item_values(data: ItemData) -> dict[str, object]:
    return {
        "title": data.title.strip(),
        "kind": data.kind,
        "description": data.description.strip(),
        "points_cost": data.points_cost,
        "stock": data.stock,
        "per_person_limit": data.per_person_limit,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "min_tier": data.min_tier,
        "is_active": data.is_active,
    }


@transaction.atomic
def item_create(
    *, actor: User, data: ItemData, org: OrgNode | None = None, merchant: Merchant | None = None
) -> RewardItem:
    """Publish an item at a bank counter (org) or at a merchant. Raises PermissionDenied,
    MerchantNotApproved, ValidationFailed."""
    if merchant is not None:
        if not can(actor, "change", merchant):
            raise PermissionDenied("只有商家本人或其所在组织的管理员可以发布该商家的物品")
        if not merchant.is_approved:
            raise MerchantNotApproved("商家尚未通过加盟审核或已暂停，不能发布兑换物品")
        org = merchant.org
    if org is None:
        raise ValidationFailed({"org": "请选择兑换点"})
    if merchant is None and not can_manage_bank(actor, org):
        raise PermissionDenied("只有兑换点的站点管理员或上级管理员可以发布物品")
    errors = _item_errors(data)
    if errors:
        raise ValidationFailed(errors)
    item = RewardItem.objects.create(org=org, merchant=merchant, created_by=actor, **_item_values(data))
    audit_record(actor=actor, action="create", target=item, org=org, after=snapshot(item))
    return item


@transaction.atomic
def item_update(*, actor: User, item: RewardItem, data: ItemData) -> RewardItem:
    """Change an item (stock is set under the row lock, so it races no reservation).
    Raises PermissionDenied, ValidationFailed."""
    if not can(actor, "change", item):
        raise PermissionDenied("您不能修改该物品")
    errors = _item_errors(data)
    if errors:
        raise ValidationFailed(errors)
    item = RewardItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    before = snapshot(item)
    for key, value in _item_values(data).items():
        setattr(item, key, value)
    item.save()
    old, new = diff(before, snapshot(item))
    audit_record(actor=actor, action="update", target=item, org=item.org, before=old, after=new)
    return item
