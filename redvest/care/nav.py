"""Care pairing's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, LEAD_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & (ADMIN_ROLES | {Role.DISPATCHER}):
        items.append(NavEntry("care", "结对帮扶", reverse("care:recipient-list"), order=1))
        items.append(NavEntry("care", "逾期走访", reverse("care:overdue"), order=3))
    if roles & (LEAD_ROLES | {Role.VOLUNTEER}):
        items.append(NavEntry("care", "我的结对", reverse("care:my-pairings"), order=2))
    return items
