"""Background work on the "oversight" queue: the daily reminder and overdue-alert sweep."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.tasks import task
from django.utils import timezone

from redvest.core.periodic import periodic
from redvest.reports.services import reminders_send


@task(queue_name="oversight")
def reports_remind() -> dict[str, Any]:
    """Reminders before the 季报 deadline and overdue alerts after it (`manage.py reports_remind` does the same)."""
    return dataclasses.asdict(reminders_send(today=timezone.localdate()))


@periodic("30 8 * * *", queue_name="oversight", name="reports_remind")
def reports_remind_periodic() -> dict[str, Any]:
    """Daily at 08:30 (Shanghai): 季报 reminders and overdue alerts, each sent once."""
    return dataclasses.asdict(reminders_send(today=timezone.localdate()))
