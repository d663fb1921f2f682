"""The org network's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.navigation import NavEntry
from redvest.core.policy import roles_of
from redvest.core.roles import STAFF_ROLES, Role


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & STAFF_ROLES or Role.VOLUNTEER in roles:
        items += [
            NavEntry("org", "组织网络", reverse("orgs:node-list"), order=1),
            NavEntry("org", "服务站点", reverse("orgs:station-list"), order=2),
        ]
    return items
