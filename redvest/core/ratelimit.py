"""Rate limits on the anonymous or cheap-to-abuse write endpoints, counted in the cache (settings.CACHES).

Each endpoint names a group whose rate is `settings.RATE_LIMITS[group]` (e.g. "10/h"); only POSTs count.
A refused request gets 429 with a Chinese message: a page for people; the API raises it into its JSON
error handler, Open311 passes its own responder."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from redvest.core.crypto import blind_index
from redvest.core.errors import RateLimited
from redvest.core.validators import normalize_phone

View = Callable[..., HttpResponseBase]
Responder = Callable[[HttpRequest, RateLimited], HttpResponseBase]
Key = str | Callable[[str, HttpRequest], str]  # django-ratelimit's key: a name ("ip", "user_or_ip") or a callable


UNKNOWN_ADDRESS = "0.0.0.0"  # no usable address (a Unix socket, a test client): such requests share one counter


def client_ip(request: HttpRequest) -> str:
    """The client's address: the header the proxy sets (settings.CLIENT_IP_META_KEY), else REMOTE_ADDR; for a
    list (X-Forwarded-For) the last entry, the one our own proxy appended. Never empty or malformed."""
    for raw in (request.META.get(settings.CLIENT_IP_META_KEY), request.META.get("REMOTE_ADDR")):
        candidate = str(raw or "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return UNKNOWN_ADDRESS


def posted_phone(group: str, request: HttpRequest) -> str:
    """Key: the phone number posted, in any spelling, as its keyed hash (never the number itself)."""
    return blind_index(normalize_phone(str(request.POST.get("phone", "")))) or "no-phone"


def rate_limit_check(*, request: HttpRequest, group: str, key: Key = "ip") -> None:
    """Count this POST against the group's rate; raises RateLimited once the rate is used up."""
    if is_ratelimited(request, group=group, key=key, rate=settings.RATE_LIMITS[group], method=["POST"], increment=True):
        raise RateLimited()


def page_response(request: HttpRequest, exc: RateLimited) -> HttpResponseBase:
    return render(request, "core/rate_limited.html", {"message": exc.message}, status=exc.status)


def rate_limited(group: str, *, key: Key = "ip", respond: Responder = page_response) -> Callable[[View], View]:
    """A view decorator: refuse POSTs beyond the group's rate with `respond` (a page unless told otherwise)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                rate_limit_check(request=request, group=group, key=key)
            except RateLimited as exc:
                return respond(request, exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
