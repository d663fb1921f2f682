"""服装装备's menu entry: keepers and admins manage stations' kit, volunteers see what they hold."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    if roles & (ADMIN_ROLES | {Role.STATION_KEEPER}):
        return [NavEntry("org", "服装装备", reverse("equipment:home"), order=42)]
    if Role.VOLUNTEER in roles:
        return [NavEntry("org", "我的服装装备", reverse("equipment:home"), order=42)]
    return []
