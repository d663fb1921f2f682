"""SMS: one interface (`SmsGateway`), gateways for the providers counties use (Aliyun, Tencent Cloud), the
console gateway for development, and a registry of message kinds (`kinds.py`). Callers name a kind and its
parameters (`sms_send`), never a provider or a text.

settings.SMS_GATEWAY picks the gateway: "aliyun", "tencent", "console", the dotted path of an SmsGateway
subclass or of a plain callable(phone, text); unset, texts go to the log when the console notification
channel is configured (development), and are refused otherwise. Any failure is logged, reported on
`delivery_failed` (the audit app records it) and raised as SmsUnavailable, whose Chinese message the
waiting person sees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

from redvest.core.crypto import mask_phone
from redvest.core.errors import DomainError
from redvest.core.hooks import Hook
from redvest.core.sms.aliyun import AliyunGateway
from redvest.core.sms.base import SmsError, SmsGateway, SmsMessage
from redvest.core.sms.console import CallableGateway, ConsoleGateway, logger
from redvest.core.sms.kinds import KINDS, sms_render
from redvest.core.sms.tencent import TencentGateway

__all__ = [
    "KINDS",
    "SmsError",
    "SmsGateway",
    "SmsMessage",
    "SmsUnavailable",
    "delivery_failed",
    "sms_gateway",
    "sms_send",
]

CONSOLE_CHANNEL = "redvest.core.notifications.ConsoleChannel"


class SmsUnavailable(DomainError):
    code = "sms_unavailable"
    status = 503
    default_message = "短信暂时无法发送，请稍后再试或拨打96345热线"


# A text could not be delivered: (kind, provider error code, the record it was about or None). The audit
# app registers the recorder (audit sits above core).
delivery_failed: Hook[[str, str, models.Model | None], None] = Hook("core.sms.delivery_failed")


def sms_gateway() -> SmsGateway | None:
    """The configured gateway, or None when texts can go nowhere."""
    name = str(getattr(settings, "SMS_GATEWAY", "") or "").strip()
    if not name:
        return ConsoleGateway() if CONSOLE_CHANNEL in settings.NOTIFICATION_CHANNELS else None
    if name == "console":
        return ConsoleGateway()
    if name == "aliyun":
        return AliyunGateway.from_settings()
    if name == "tencent":
        return TencentGateway.from_settings()
    found = import_string(name)
    if isinstance(found, type) and issubclass(found, SmsGateway):
        return found()
    if callable(found):
        return CallableGateway(found)
    raise ValueError(f"SMS_GATEWAY {name!r} is neither a gateway class nor a callable")


def sms_send(*, phone: str, kind: str, params: dict[str, object], target: models.Model | None = None) -> str:
    """Text one registered kind to an 11-digit number; the provider's message id. Raises SmsUnavailable
    (after logging and reporting the failure) when no gateway is configured or the provider fails."""
    message = sms_render(kind=kind, params=params)
    gateway = sms_gateway()
    if gateway is None:
        logger.error("未配置短信网关，短信未发送 -> %s（%s）", mask_phone(phone), KINDS[kind].label)
        delivery_failed(kind, "no_gateway", target)
        raise SmsUnavailable()
    try:
        return gateway.send(phone=phone, message=message)
    except Exception as exc:  # whatever the gateway raises, the person gets a message and may retry
        code = exc.code if isinstance(exc, SmsError) else type(exc).__name__
        logger.warning(
            "短信发送失败 -> %s（%s，%s网关）：%s",
            mask_phone(phone),
            KINDS[kind].label,
            gateway.name,
            exc,
            exc_info=True,
        )
        delivery_failed(kind, code, target)
        raise SmsUnavailable() from exc
