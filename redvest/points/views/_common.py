"""Small pieces every points view uses."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from redvest.core.excel import XLSX_CONTENT_TYPE
from redvest.core.pages import domain_error_pages

shows_domain_errors = domain_error_pages("points/error.html")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def parse_year(value: Any) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year + 1 else this_year


def parse_month(value: Any) -> datetime.date:
    """'2026-07' → 2026-07-01; anything else → this month."""
    try:
        year, month = (int(p) for p in str(value).split("-")[:2])
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


def parse_date(value: Any, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return default


def parse_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
