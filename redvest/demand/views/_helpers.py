"""Small pieces every demand view uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redvest.core.errors import DomainError
from redvest.core.pages import domain_error_pages

if TYPE_CHECKING:
    from redvest.accounts.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


shows_domain_errors = domain_error_pages("demand/error.html", fragment="demand/_partials/error.html")


def error_fragment(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "demand/_partials/error.html", {"message": exc.message}, status=exc.status)
