"""A test SMS gateway (settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"): keeps what would be sent."""

from __future__ import annotations

import re

OUTBOX: list[tuple[str, str]] = []


def capture(phone: str, text: str) -> None:
    OUTBOX.append((phone, text))


def failing(phone: str, text: str) -> None:
    raise ConnectionError("gateway down")


def last_code(phone: str) -> str:
    """The six digits of the last text sent to the phone."""
    texts = [text for to, text in OUTBOX if to == phone]
    assert texts, f"no text was sent to {phone}"
    found = re.search(r"验证码(\d{6})", texts[-1])
    assert found, texts[-1]
    return found.group(1)
