"""The teams app's part of the workbench: requests to join, teams below their minimum size."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.workbench import Todo
from redvest.teams.selectors import join_request_inbox, teams_below_minimum_count, unread_announcement_count


def todos(user: Any) -> list[Todo]:
    return [
        Todo(
            "未读群公告",
            url=reverse("teams:announcement-mine"),
            count=unread_announcement_count(user=user),
            urgent=True,
            order=5,
        ),
        Todo(
            "入队申请待审批",
            url=reverse("teams:joinrequest-list"),
            count=join_request_inbox(user=user).count(),
            order=9,
        ),
        Todo(
            "人数不足最低要求的服务队",
            url=f"{reverse('teams:team-list')}?below_min=1",
            count=teams_below_minimum_count(user=user),
            order=30,
        ),
    ]
