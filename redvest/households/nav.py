"""联户's menu entries: the admins' list, the liaisons' own households."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, LEAD_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & ADMIN_ROLES:
        items.append(NavEntry("org", "联系户", reverse("households:household-list"), order=40))
    if roles & (LEAD_ROLES | {Role.VOLUNTEER}):
        items.append(NavEntry("org", "我的联系户", reverse("households:my-households"), order=41))
    return items
