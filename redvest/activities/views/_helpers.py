"""Small pieces every activities view uses."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from redvest.accounts.models import Role
from redvest.accounts.policy import roles_of
from redvest.core.errors import DomainError

if TYPE_CHECKING:
    from redvest.accounts.models import User

View = Callable[..., HttpResponseBase]


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


def shows_domain_errors(view: View) -> View:
    """A service or selector error the view does not handle itself (not found, no permission, a refused
    action) becomes a page with the Chinese message and the error's 4xx status, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            template = (
                "activities/_partials/error.html" if request.headers.get("HX-Request") else "activities/error.html"
            )
            return render(request, template, {"message": exc.message}, status=exc.status)

    return wrapper


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


ORGANISER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.TEAM_LEADER, Role.TEAM_LIAISON})


def can_organise(user: Any) -> bool:
    """Whether to offer the organiser's links; each page and service still asks the policy itself."""
    return bool(roles_of(user) & ORGANISER_ROLES)
