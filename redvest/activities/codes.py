"""The rotating check-in code: HMAC(activity secret, 60-second time step) as six digits, and its QR code."""

from __future__ import annotations

import datetime
import hashlib
import hmac

import segno

STEP_SECONDS = 60
DIGITS = 6


def code_step(at: datetime.datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    """RFC 4226 dynamic truncation of HMAC-SHA256 over the step number."""
    digest = hmac.new(secret.encode(), step.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


def code_at(secret: str, at: datetime.datetime) -> str:
    return code_for_step(secret, code_step(at))


def code_matches(secret: str, code: str, at: datetime.datetime) -> bool:
    """The code of the step `at` falls in, or of the step before (a code read just before it rolled over)."""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return False
    step = code_step(at)
    return any(hmac.compare_digest(code_for_step(secret, s), code) for s in (step, step - 1))


def seconds_left(at: datetime.datetime) -> int:
    return STEP_SECONDS - int(at.timestamp()) % STEP_SECONDS


def qr_svg(url: str) -> str:
    """An inline <svg> QR code for the check-in URL carrying the current code."""
    return str(segno.make(url, error="m").svg_inline(scale=6, border=2))
