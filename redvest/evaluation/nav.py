"""Evaluation's menu entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if roles & ADMIN_ROLES:
        items += [
            NavEntry("oversight", "评议晾晒", reverse("evaluation:round-list"), order=3),
            NavEntry("oversight", "组团加分", reverse("evaluation:bonus"), order=4),
        ]
    if Role.VOLUNTEER in roles:
        items.append(NavEntry("oversight", "我的评价", reverse("evaluation:my-evaluation"), order=5))
    return items
