"""The volunteer ledger's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, LEAD_ROLES, STAFF_ROLES
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & (STAFF_ROLES | LEAD_ROLES):
        items.append(NavEntry("org", "志愿者", reverse("volunteers:volunteer-list"), order=3))
    if roles & ADMIN_ROLES:
        items.append(NavEntry("org", "注销申请", reverse("volunteers:deregistration-list"), order=5))
        items.append(NavEntry("org", "转移接续", reverse("volunteers:transfer-list"), order=6))
    return items
