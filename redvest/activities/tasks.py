"""Background work on the "attendance" queue."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.tasks import task
from django.utils import timezone

from redvest.activities.services.attendance import attendance_auto_close
from redvest.activities.services.lifecycle import activities_advance
from redvest.core.periodic import periodic


@task(queue_name="attendance")
def attendance_close_forgotten(activity_id: int) -> int:
    """Enqueued at publish for end + grace: close the activity's forgotten check-outs.

    If the activity was moved later since, nothing is due yet and the re-enqueued task does the work.
    """
    return attendance_auto_close(at=timezone.now(), activity_id=activity_id)


@task(queue_name="attendance")
def activities_advance_task() -> dict[str, Any]:
    """Store 进行中 / 已结束 for activities whose start or end has passed (`manage.py advance_activities`
    does the same; run either every few minutes)."""
    return dataclasses.asdict(activities_advance(at=timezone.now()))


@periodic("*/5 * * * *", queue_name="attendance", name="advance_activities")
def advance_activities_periodic() -> dict[str, Any]:
    """Every 5 minutes: store 进行中 / 已结束."""
    return dataclasses.asdict(activities_advance(at=timezone.now()))


@periodic("0 * * * *", queue_name="attendance", name="close_forgotten_checkouts")
def close_forgotten_checkouts_periodic() -> int:
    """Hourly: close every stay still open past its activity's end and grace (the per-activity task may
    have been missed, e.g. an activity moved while no worker ran)."""
    return attendance_auto_close(at=timezone.now())
