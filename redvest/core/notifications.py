"""Delivery channels for notifications. The inbox row is the record; channels deliver copies."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from redvest.core.models import Notification

logger = logging.getLogger("redvest.notifications")


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleChannel:
    """Writes to the log: the default, so development needs no SMS gateway."""

    def send(self, notification: Notification) -> None:
        logger.info("通知 -> 用户%s: %s %s", notification.recipient_id, notification.title, notification.body)


class SmsChannel:
    """Hands the text to the gateway configured as SMS_GATEWAY (a dotted callable(phone, text))."""

    def send(self, notification: Notification) -> None:
        gateway = getattr(settings, "SMS_GATEWAY", "")
        phone = notification.recipient.phone
        if gateway and phone:
            import_string(gateway)(phone, f"{notification.title} {notification.body}".strip())


class EmailChannel:
    def send(self, notification: Notification) -> None:
        from django.core.mail import send_mail

        if notification.recipient.email:
            send_mail(notification.title, notification.body, None, [notification.recipient.email], fail_silently=True)


def configured_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]
