from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from redvest.core.health import ERROR, health_report
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.selectors import notification_list
from redvest.core.services import notification_mark_read


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Each part's status (redvest.core.health); 503 when a required part is down. No login, no secrets."""
    report = health_report()
    response = JsonResponse(report, status=503 if report["status"] == ERROR else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    page = paginate(notification_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request: AuthedRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("core:inbox")
