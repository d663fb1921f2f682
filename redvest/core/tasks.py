from __future__ import annotations

import dataclasses
from typing import Any

from django.tasks import task

from redvest.core.housekeeping import housekeeping_prune
from redvest.core.jobs import jobs_sweep
from redvest.core.models import Notification
from redvest.core.notifications import configured_channels
from redvest.core.periodic import periodic


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    for channel in configured_channels():
        channel.send(notification)


@periodic("* * * * *", queue_name="default", name="jobs_sweep")
def jobs_sweep_periodic() -> dict[str, Any]:
    """Every minute: resume or fail the imports and exports whose worker stopped."""
    return dataclasses.asdict(jobs_sweep())


@periodic("20 3 * * *", queue_name="default", name="housekeeping_prune")
def housekeeping_prune_periodic() -> dict[str, Any]:
    """Every night at 03:20: prune old task results, periodic-run guards and stopped processes' heartbeats."""
    return dataclasses.asdict(housekeeping_prune())
