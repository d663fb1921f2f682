"""Development: the rendered text goes to the log (`make run` shows it), the phone masked."""

from __future__ import annotations

import logging

from redvest.core.crypto import mask_phone
from redvest.core.sms.base import SmsGateway, SmsMessage

logger = logging.getLogger("redvest.notifications")


class ConsoleGateway(SmsGateway):
    name = "console"

    def send(self, *, phone: str, message: SmsMessage) -> str:
        logger.info("短信（开发环境，只写入日志） -> %s: %s", mask_phone(phone), message.text)
        return ""


class CallableGateway(SmsGateway):
    """A plain callable(phone, text) named by its dotted path in SMS_GATEWAY (a site's own gateway, tests)."""

    name = "callable"

    def __init__(self, fn: object) -> None:
        self.fn = fn

    def send(self, *, phone: str, message: SmsMessage) -> str:
        self.fn(phone, message.text)  # type: ignore[operator]  # checked callable when loaded
        return ""
