"""Small pieces every activities view uses."""

from __future__ import annotations

import datetime
from typing import Any

from redvest.core.pages import domain_error_pages

shows_domain_errors = domain_error_pages("activities/error.html", fragment="activities/_partials/error.html")


def parse_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
