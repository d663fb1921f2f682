"""What every app's pages share: a domain error the view did not handle becomes a page (or, for an htmx
request, a fragment) with the Chinese message and the error's 4xx status, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from redvest.core.errors import DomainError

if TYPE_CHECKING:
    from redvest.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """A request that has been through django-htmx's middleware (installed in settings)."""

    htmx: HtmxDetails


class AuthedRequest(HtmxHttpRequest):
    """The request of a view behind login_required: `request.user` is a User, never AnonymousUser.
    Only an annotation: Django passes its own request object."""

    user: User  # narrowed from User | AnonymousUser: login_required has run


View = Callable[..., HttpResponseBase]


def domain_error_pages(page: str, *, fragment: str | None = None) -> Callable[[View], View]:
    """A view decorator rendering `page` (or `fragment` for htmx requests) with {"message": ...}."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                is_htmx = bool(getattr(request, "htmx", False) or request.headers.get("HX-Request"))
                template = fragment if fragment is not None and is_htmx else page
                return render(request, template, {"message": exc.message}, status=exc.status)

        return wrapper

    return decorator
