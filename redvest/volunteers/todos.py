"""The volunteer ledger's part of the workbench: registrations to review, deregistrations and transfers to decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.workbench import Todo
from redvest.volunteers.models import VolunteerStatus
from redvest.volunteers.selectors import deregistrations_pending, pending_registration_count, transfers_pending_count


def todos(user: Any) -> list[Todo]:
    url = f"{reverse('volunteers:volunteer-list')}?status={VolunteerStatus.PENDING}"
    return [
        Todo("待审核的志愿者注册", url=url, count=pending_registration_count(user=user), order=7),
        Todo(
            "待确认的注销申请",
            url=reverse("volunteers:deregistration-list"),
            count=deregistrations_pending(user=user).count(),
            order=13,
        ),
        Todo(
            "待接收的转移接续",
            url=f"{reverse('volunteers:transfer-list')}?incoming=1",
            count=transfers_pending_count(user=user),
            order=14,
        ),
    ]
