"""Small pieces every demand view uses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redvest.core.errors import DomainError
from redvest.core.pages import domain_error_pages

shows_domain_errors = domain_error_pages("demand/error.html", fragment="demand/_partials/error.html")


def error_fragment(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "demand/_partials/error.html", {"message": exc.message}, status=exc.status)
