"""Small pieces every publicity view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from redvest.core.errors import DomainError

if TYPE_CHECKING:
    from redvest.accounts.models import User

View = Callable[..., HttpResponseBase]


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


def shows_domain_errors(view: View) -> View:
    """A service or selector error the view did not handle becomes a page with the Chinese message and
    the error's 4xx status, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "publicity/error.html", {"message": exc.message}, status=exc.status)

    return wrapper


def admin_orgs(request: HttpRequest) -> Any:
    """Nodes the user may manage (for pickers)."""
    from redvest.orgs.selectors import node_manageable

    return node_manageable(user=request.user)
