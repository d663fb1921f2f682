"""Quarterly reports' menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & ADMIN_ROLES:
        items += [
            NavEntry("oversight", "季报", reverse("reports:home"), order=1),
            NavEntry("oversight", "情况通报", reverse("reports:circular-list"), order=2),
        ]
    return items
