from __future__ import annotations

import dataclasses
from typing import Any

from django.apps import apps
from django.tasks import task

from redvest.core.crypto import decrypt
from redvest.core.housekeeping import housekeeping_prune
from redvest.core.jobs import jobs_sweep
from redvest.core.models import Notification
from redvest.core.notifications import configured_channels
from redvest.core.periodic import periodic
from redvest.core.sms import SmsUnavailable, sms_send


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    for channel in configured_channels():
        channel.send(notification)


@task(queue_name="notifications")
def sms_deliver(phone_encrypted: str, kind: str, params: dict[str, str], target_label: str, target_id: str) -> bool:
    """One text to a bare number (core.services.sms_send_later); False when it failed (logged and audited)."""
    target = None
    if target_label:
        target = apps.get_model(target_label)._default_manager.filter(pk=target_id).first()
    try:
        sms_send(phone=decrypt(phone_encrypted), kind=kind, params=dict(params), target=target)
    except SmsUnavailable:
        return False
    return True


@periodic("* * * * *", queue_name="default", name="jobs_sweep")
def jobs_sweep_periodic() -> dict[str, Any]:
    """Every minute: resume or fail the imports and exports whose worker stopped."""
    return dataclasses.asdict(jobs_sweep())


@periodic("20 3 * * *", queue_name="default", name="housekeeping_prune")
def housekeeping_prune_periodic() -> dict[str, Any]:
    """Every night at 03:20: prune old task results, periodic-run guards and stopped processes' heartbeats."""
    return dataclasses.asdict(housekeeping_prune())
