from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from redvest.accounts.errors import AccountLocked
from redvest.accounts.selectors import profile_for


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile": profile_for(user=request.user)})


def lockout(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict | None = None,
    *args: object,
    **kwargs: object,
) -> HttpResponse:
    """django-axes lockout: JSON for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse(AccountLocked().as_dict(), status=429)
    return render(request, "accounts/locked.html", status=429)
