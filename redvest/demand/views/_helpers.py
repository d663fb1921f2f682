"""Small pieces every demand view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from redvest.core.errors import DomainError

if TYPE_CHECKING:
    from redvest.accounts.models import User

View = Callable[..., HttpResponseBase]


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


def shows_domain_errors(view: View) -> View:
    """A service or selector error the view did not handle becomes a page (or an htmx fragment) with
    the Chinese message and the error's 4xx status, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            template = "demand/_partials/error.html" if getattr(request, "htmx", False) else "demand/error.html"
            return render(request, template, {"message": exc.message}, status=exc.status)

    return wrapper


def error_fragment(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "demand/_partials/error.html", {"message": exc.message}, status=exc.status)
