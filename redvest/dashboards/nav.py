"""Dashboards' menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & (ADMIN_ROLES | {Role.DISPATCHER}):
        items.append(NavEntry("data", "数据看板", reverse("dashboards:home"), order=1))
    if roles & ADMIN_ROLES:
        items += [
            NavEntry("data", "大屏", reverse("dashboards:big-screen-home"), order=2),
            NavEntry("data", "数据导出", reverse("dashboards:export"), order=3),
        ]
    return items
