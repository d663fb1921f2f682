"""The hotline and dispatch menu entries."""

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
        items += [
            NavEntry("demand", "热线受理", reverse("demand:console"), order=1),
            NavEntry("demand", "调度看板", reverse("demand:board"), order=2),
            NavEntry("demand", "回访", reverse("demand:callback-list"), order=5),
        ]
    if roles & (ADMIN_ROLES | {Role.STATION_KEEPER}):
        items.append(NavEntry("demand", "服务点登记", reverse("demand:walkin"), order=3))
    if roles & (ADMIN_ROLES | LEAD_ROLES | {Role.VOLUNTEER, Role.STATION_KEEPER}):
        items.append(NavEntry("demand", "我的工单", reverse("demand:my-tasks"), order=6))
    if roles & {Role.RESIDENT, Role.VOLUNTEER}:
        items.append(NavEntry("demand", "我的求助", reverse("demand:my-requests"), order=7))
    return items
