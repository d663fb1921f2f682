"""Small pieces every activities view uses."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from redvest.core.pages import domain_error_pages

if TYPE_CHECKING:
    from redvest.accounts.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


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
