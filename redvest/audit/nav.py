"""The audit log's menu entry."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.navigation import NavEntry
from redvest.core.policy import roles_of
from redvest.core.roles import ADMIN_ROLES


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & ADMIN_ROLES:
        items.append(NavEntry("data", "审计日志", reverse("audit:entry-list"), order=9))
    return items
