"""Tunable time rules for attendance, read from settings with the documented defaults."""

from __future__ import annotations

import datetime

from django.conf import settings

# Check-in opens this long before the activity starts.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
# A client's claimed time may run this far ahead of the server clock (phones drift).
CLOCK_SKEW = datetime.timedelta(minutes=2)


def checkout_grace() -> datetime.timedelta:
    """Open attendance is closed automatically this long after the activity ends (default 2 h)."""
    return datetime.timedelta(minutes=int(getattr(settings, "ACTIVITY_CHECKOUT_GRACE_MINUTES", 120)))


def sync_window() -> datetime.timedelta:
    """An offline check-in older than this (default 24 h) is no longer accepted."""
    return datetime.timedelta(hours=int(getattr(settings, "ACTIVITY_SYNC_WINDOW_HOURS", 24)))


def late_sync_after() -> datetime.timedelta:
    """An offline check-in received later than this after its claimed time (default 10 min) is flagged."""
    return datetime.timedelta(minutes=int(getattr(settings, "ACTIVITY_LATE_SYNC_MINUTES", 10)))


def long_term_days() -> int:
    """An activity spanning more than this many days (default 30) is long-term: a service agreement is required."""
    return int(getattr(settings, "ACTIVITY_LONG_TERM_DAYS", 30))


def large_event_participants() -> int:
    """An activity recruiting at least this many (default 200) is a large event: a service agreement is required."""
    return int(getattr(settings, "ACTIVITY_LARGE_EVENT_PARTICIPANTS", 200))


# A guardian's confirmation link (sent by SMS) works this long.
GUARDIAN_LINK_MAX_AGE = datetime.timedelta(days=7)
