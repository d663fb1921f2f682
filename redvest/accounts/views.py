from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
    from redvest.accounts.services import AccountLocked

    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(AccountLocked().as_dict(), status=429)
    return render(request, "accounts/locked.html", status=429)
