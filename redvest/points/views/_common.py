"""Small pieces every points view uses."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from redvest.core.errors import DomainError
from redvest.points.excel import XLSX_CONTENT_TYPE

if TYPE_CHECKING:
    from redvest.accounts.models import User

View = Callable[..., HttpResponseBase]


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


def shows_domain_errors(view: View) -> View:
    """A service or selector error the view does not handle itself (not found, no permission, not a
    volunteer) becomes a page with the Chinese message and the error's 4xx status, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "points/error.html", {"message": exc.message}, status=exc.status)

    return wrapper


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
