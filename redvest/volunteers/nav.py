"""The volunteer ledger's menu entries."""

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
    if roles & (STAFF | LEADS):
        items.append(NavEntry("org", "志愿者", reverse("volunteers:volunteer-list"), order=3))
    if roles & ADMINS:
        items.append(NavEntry("org", "注销申请", reverse("volunteers:deregistration-list"), order=5))
    return items
