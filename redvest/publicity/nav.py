"""Publicity's menu entries: commitments, stories, training."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.accounts.models import ADMIN_ROLES, Role
from redvest.accounts.policy import roles_of
from redvest.core.navigation import NavEntry


def entries(user: Any) -> list[NavEntry]:
    roles = roles_of(user)
    items: list[NavEntry] = []
    if Role.VOLUNTEER in roles:
        items += [
            NavEntry("oversight", "我的承诺", reverse("publicity:my-commitments"), order=20),
            NavEntry("activity", "我的培训", reverse("publicity:my-training"), order=5),
        ]
    if roles & ADMIN_ROLES:
        items += [
            NavEntry("oversight", "公开承诺", reverse("publicity:commitment-list"), order=21),
            NavEntry("oversight", "先进典型", reverse("publicity:exemplar-list"), order=22),
            NavEntry("activity", "培训", reverse("publicity:session-list"), order=16),
        ]
    return items
