from __future__ import annotations

from django.tasks import task

from redvest.core.models import Notification
from redvest.core.notifications import configured_channels


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    for channel in configured_channels():
        channel.send(notification)
