"""Tunable rules of the demand loop, read from settings with the documented defaults."""

from __future__ import annotations

import datetime

from django.conf import settings

# A 点菜 order's lines are due by the end of the booked window plus this grace for writing up results.
ORDER_RESOLUTION_GRACE = datetime.timedelta(hours=24)
# Handlers report at most this much time per volunteer for one part (the ledger flags more than 12 h a day).
MAX_MINUTES_PER_PART = 12 * 60
MAX_PHOTOS_PER_PART = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def accept_timeout() -> datetime.timedelta:
    """A part nobody accepted within this time (default 10 min) goes back to the dispatcher as stalled."""
    return datetime.timedelta(minutes=int(getattr(settings, "DEMAND_ACCEPT_MINUTES", 10)))


def callback_window() -> datetime.timedelta:
    """The operator calls the resident back within this many days (default 3) of the request being resolved."""
    return datetime.timedelta(days=int(getattr(settings, "DEMAND_CALLBACK_DAYS", 3)))


def open311_contact() -> str:
    return str(getattr(settings, "DEMAND_OPEN311_CONTACT", "96345党员志愿服务热线（24小时）：96345"))


def open311_key_service() -> str:
    return str(
        getattr(
            settings, "DEMAND_OPEN311_KEY_SERVICE", "接入密钥由热线中心系统管理员在管理后台「Open311 接入应用」中签发"
        )
    )
