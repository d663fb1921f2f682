"""The data exchange's menu entry: administrators only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    if roles_of(user) & ADMIN_ROLES:
        return [NavEntry("data", "数据交换", reverse("exchange:home"), order=4)]
    return []
