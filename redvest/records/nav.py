"""The service-time ledger's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, LEAD_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if Role.VOLUNTEER in roles:
        items.append(NavEntry("activity", "我的服务", reverse("records:my-service"), order=4))
    if roles & (ADMIN_ROLES | LEAD_ROLES):
        items += [
            NavEntry("activity", "服务记录", reverse("records:record-list"), order=10),
            NavEntry("activity", "异常复核", reverse("records:review-queue"), order=11),
            NavEntry("activity", "记录异议", reverse("records:dispute-list"), order=12),
        ]
    if roles & ADMIN_ROLES:
        items.append(NavEntry("activity", "更正审批", reverse("records:proposal-list"), order=12))
    if roles & ADMIN_ROLES or Role.VOLUNTEER in roles:
        items.append(NavEntry("activity", "服务证明", reverse("records:certificate-list"), order=13))
    if roles & ADMIN_ROLES:
        items += [
            NavEntry("activity", "时长排行", reverse("records:ranking"), order=14),
            NavEntry("activity", "星级标准", reverse("records:star-levels"), order=15),
        ]
    if Role.SYSTEM_ADMIN in roles:
        items.append(NavEntry("activity", "工作日历", reverse("records:calendar"), order=16))
    return items
