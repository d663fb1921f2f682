"""Background work on the "care" queue: the daily visit reminders."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.tasks import task
from django.utils import timezone

from redvest.care.services import DEFAULT_REMIND_LEAD_DAYS, care_remind


@task(queue_name="care")
def care_remind_daily(lead_days: int = DEFAULT_REMIND_LEAD_DAYS) -> dict[str, Any]:
    """Run once a day (`manage.py care_remind` does the same from cron)."""
    return dataclasses.asdict(care_remind(today=timezone.localdate(), lead_days=lead_days))
