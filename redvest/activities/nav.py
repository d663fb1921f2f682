"""The activities' menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, LEAD_ROLES, STAFF_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & STAFF_ROLES or Role.VOLUNTEER in roles:
        items += [
            NavEntry("activity", "志愿活动", reverse("activities:activity-list"), order=1),
            NavEntry("activity", "活动日历", reverse("activities:calendar"), order=2),
        ]
    if roles & (ADMIN_ROLES | LEAD_ROLES):
        items.append(NavEntry("activity", "我组织的活动", reverse("activities:activity-manage"), order=3))
    return items
