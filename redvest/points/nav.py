"""The points bank's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, STAFF_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry
from redvest.points.models import MerchantStatus
from redvest.points.selectors import my_merchants


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if Role.VOLUNTEER in roles:
        items.append(NavEntry("points", "我的积分", reverse("points:home"), order=1))
    if roles & STAFF_ROLES or roles & {Role.VOLUNTEER, Role.MERCHANT, Role.RESIDENT}:
        items.append(NavEntry("points", "积分兑换", reverse("points:catalog"), order=2))
    if roles & (ADMIN_ROLES | {Role.MERCHANT, Role.STATION_KEEPER}):
        items.append(NavEntry("points", "兑换核销", reverse("points:counter"), order=3))
    merchant = (
        my_merchants(user=user).filter(status=MerchantStatus.APPROVED).first() if Role.MERCHANT in roles else None
    )
    if merchant is not None:
        items.append(NavEntry("points", "月度结算", reverse("points:merchant-settlement", args=[merchant.pk]), order=4))
    return items
