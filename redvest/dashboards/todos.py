"""The dashboard's part of the workbench: an administrator's own figures, those of the subtree they look
after, counted as the 数据看板 counts them (so the two pages agree) and linking to it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.core.workbench import Figure
from redvest.dashboards.selectors import admin_overview


def figures(user: Any) -> list[Figure]:
    overview = admin_overview(user=user)
    if overview is None:
        return []
    url = reverse("dashboards:dashboard", args=[overview.node.pk])
    year = timezone.localdate().year
    hours = overview.credit_minutes // 60
    return [
        Figure(f"{overview.node.name}在册志愿者", f"{overview.volunteers}名", url=url, order=20),
        Figure("服务队", f"{overview.teams}支", url=url, order=21),
        Figure(f"{year}年活动", f"{overview.activities}场", url=url, order=22),
        Figure(f"{year}年服务时长", f"{hours}小时", url=url, order=23),
    ]
