"""The annual awards' menu entry (judges also reach their ballots from the workbench)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & ADMIN_ROLES or Role.VOLUNTEER in roles:
        items.append(NavEntry("oversight", "年度评选", reverse("awards:campaign-list"), order=10))
    return items
