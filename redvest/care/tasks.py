"""Periodic work of the care app: the daily visit reminders (`manage.py care_remind` does the same by hand)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone

from redvest.care.services import care_remind
from redvest.core.periodic import periodic


@periodic("0 8 * * *", queue_name="default", name="care_remind")
def care_remind_periodic() -> dict[str, Any]:
    """Daily at 08:00 (Shanghai): 走访 reminders before a visit falls due and once it is overdue."""
    return dataclasses.asdict(care_remind(today=timezone.localdate()))
