"""Dashboards' menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry

ADMINS = {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}
LEADS = {Role.TEAM_LEADER, Role.TEAM_LIAISON}
STAFF = ADMINS | {Role.DISPATCHER, Role.STATION_KEEPER}


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & (ADMINS | {Role.DISPATCHER}):
        items.append(NavEntry("data", "数据看板", reverse("dashboards:home"), order=1))
    if roles & ADMINS:
        items += [
            NavEntry("data", "大屏", reverse("dashboards:big-screen-home"), order=2),
            NavEntry("data", "数据导出", reverse("dashboards:export"), order=3),
        ]
    return items
