"""The org network's part of the workbench: stations short of the 五有 checklist."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.workbench import Todo
from redvest.orgs.selectors import stations_short_count


def todos(user: Any) -> list[Todo]:
    short = stations_short_count(user=user)
    return [Todo("五有未达标的站点", url=f"{reverse('orgs:station-list')}?shortfall=on", count=short, order=20)]
