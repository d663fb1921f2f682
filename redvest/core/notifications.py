"""Delivery channels for notifications. The inbox row is the record; channels deliver copies."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from redvest.core.crypto import mask_phone
from redvest.core.errors import DomainError
from redvest.core.models import Notification

logger = logging.getLogger("redvest.notifications")


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class SmsUnavailable(DomainError):
    code = "sms_unavailable"
    status = 503
    default_message = "短信暂时无法发送，请稍后再试或拨打96345热线"


class ConsoleChannel:
    """Writes to the log: the default, so development needs no SMS gateway."""

    def send(self, notification: Notification) -> None:
        logger.info("通知 -> 用户%s: %s %s", notification.recipient_id, notification.title, notification.body)

    def send_text(self, phone: str, text: str) -> None:
        logger.info("短信（未配置短信网关，只写入日志） -> %s: %s", mask_phone(phone), text)


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


def text_to_phone(*, phone: str, text: str) -> None:
    """A text to a bare phone number that may belong to no user yet (a one-time code): through SMS_GATEWAY;
    without a gateway, into the log when the console channel is configured (development, `make run`).
    Raises SmsUnavailable when neither can carry it or the gateway fails."""
    gateway = getattr(settings, "SMS_GATEWAY", "")
    if gateway:
        try:
            import_string(gateway)(phone, text)
        except Exception as exc:  # whatever the gateway raises, the person gets a message and may retry
            logger.exception("短信网关发送失败 -> %s", mask_phone(phone))
            raise SmsUnavailable() from exc
        return
    if "redvest.core.notifications.ConsoleChannel" in settings.NOTIFICATION_CHANNELS:
        ConsoleChannel().send_text(phone, text)
        return
    raise SmsUnavailable()
