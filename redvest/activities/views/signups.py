"""The organiser's sign-up list with htmx approve/reject."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.activities.models import SignUpStatus
from redvest.activities.selectors import activity_get, signup_get, signup_list_for_activity
from redvest.activities.services import signup_decide
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import DomainError
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    status = request.GET.get("status", "")
    status = status if status in SignUpStatus.values else ""
    qs = signup_list_for_activity(user=request.user, activity=activity, status=status)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "activities/signup_list.html",
        {"a": activity, "page": page, "statuses": SignUpStatus.choices, "status": status},
    )


@login_required
@require_POST
@shows_domain_errors
def decide_view(request: AuthedRequest, signup_id: int) -> HttpResponse:
    """Approve or reject; htmx swaps the row (with the error message in it on a refusal)."""
    signup = signup_get(user=request.user, signup_id=signup_id)
    approve = request.POST.get("decision") == "approve"
    error = ""
    status = 200
    try:
        signup = signup_decide(
            actor=request.user,
            signup=signup,
            approve=approve,
            at=timezone.now(),
            note=posted_text(request.POST, "note", label="备注"),
        )
    except DomainError as exc:
        error, status = exc.message, exc.status
        if not request.htmx:
            raise
    if not request.htmx:
        return redirect("activities:signup-list", activity_id=signup.activity_id)
    signup.refresh_from_db()
    return render(request, "activities/_partials/signup_row.html", {"s": signup, "error": error}, status=status)
