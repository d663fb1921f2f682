"""Tunable rules of the quarterly reports, read from settings with the documented defaults."""

from __future__ import annotations

from django.conf import settings


def reminder_days() -> tuple[int, ...]:
    """Days before the due day on which organisations that have not filed are reminded (default 7 and 2)."""
    return tuple(int(d) for d in getattr(settings, "REPORTS_REMINDER_DAYS", (7, 2)))


def overdue_days() -> tuple[int, ...]:
    """Days after the due day on which overdue alerts go out (default 1, 7 and 14)."""
    return tuple(int(d) for d in getattr(settings, "REPORTS_OVERDUE_DAYS", (1, 7, 14)))
