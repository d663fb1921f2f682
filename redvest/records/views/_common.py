from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error


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


def submit(form: forms.Form, action: Callable[[dict[str, Any]], object]) -> int:
    """Validate the form and run the service with its cleaned data: 0 on success, else the status to render
    the form with (400 for bad input, the service error's own status otherwise; its message is on the form)."""
    if not form.is_valid():
        return 400
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return exc.status
    return 0
