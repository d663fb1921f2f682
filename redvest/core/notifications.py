"""Delivery channels for notifications. The inbox row is the record; channels deliver copies."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from redvest.core.models import Notification
from redvest.core.sms import SmsUnavailable, sms_send

__all__ = ["Channel", "ConsoleChannel", "EmailChannel", "SmsChannel", "SmsUnavailable", "configured_channels"]

logger = logging.getLogger("redvest.notifications")


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleChannel:
    """Writes to the log: the default, so development needs no SMS gateway."""

    def send(self, notification: Notification) -> None:
        logger.info("通知 -> 用户%s: %s %s", notification.recipient_id, notification.title, notification.body)


class SmsChannel:
    """Texts the notifications that carry an SMS kind (`Notification.sms_kind`, chosen by the service that
    wrote them: a dispatch, a resident's request) through the configured gateway; the others stay in the
    inbox only (each provider template must be approved, and texts cost money). A failed text is logged
    and audited by `sms_send`; the inbox row stands."""

    def send(self, notification: Notification) -> None:
        phone = notification.recipient.phone
        if not notification.sms_kind or not phone:
            return
        try:
            sms_send(phone=phone, kind=notification.sms_kind, params=notification.sms_params or {}, target=notification)
        except SmsUnavailable:
            return


class EmailChannel:
    def send(self, notification: Notification) -> None:
        from django.core.mail import send_mail

        if notification.recipient.email:
            send_mail(notification.title, notification.body, None, [notification.recipient.email], fail_silently=True)


def configured_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]
