from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from redvest.core.errors import DomainError


def domain_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A record the user may not see or touch, or a rule broken outside a form, becomes a Chinese 4xx page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "records/error.html", {"message": exc.message}, status=exc.status)

    return wrapper


def int_or_none(value: str | None) -> int | None:
    """A query-string id or year; anything unparsable is simply absent."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
