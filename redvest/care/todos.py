"""The care app's part of the workbench: visits due for a paired volunteer or team, overdue visits in
an admin's subtree."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.care.selectors import my_pairings, overdue_pairings
from redvest.core.workbench import Todo

DUE_SOON = datetime.timedelta(days=2)


def todos(user: Any) -> list[Todo]:
    today = timezone.localdate()
    due = my_pairings(user=user).filter(next_visit_due__lte=today + DUE_SOON).count()
    return [
        Todo("结对走访（两天内到期）", url=reverse("care:my-pairings"), count=due, urgent=True, order=6),
        Todo(
            "逾期未走访的结对",
            url=reverse("care:overdue"),
            count=overdue_pairings(user=user, today=today).count(),
            order=12,
        ),
    ]
