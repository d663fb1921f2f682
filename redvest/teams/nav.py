"""The teams' menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import LEAD_ROLES, STAFF_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & STAFF_ROLES or Role.VOLUNTEER in roles:
        items.append(NavEntry("org", "服务队", reverse("teams:team-list"), order=4))
    if roles & (LEAD_ROLES | {Role.VOLUNTEER}):
        items.append(NavEntry("org", "群公告", reverse("teams:announcement-mine"), order=6))
    return items
