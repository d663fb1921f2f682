from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redvest.core.errors import InvalidCursor, NotFound, PermissionDenied


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A record the user may not see or touch (or a paging cursor not made by the list) becomes a Chinese
    403/404/422 page, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied, InvalidCursor) as exc:
            template = "volunteers/_error.html" if getattr(request, "htmx", False) else "volunteers/error.html"
            return render(request, template, {"message": exc.message}, status=exc.status)

    return wrapper
