"""The volunteer's side: browse near me, the activity page, sign up and cancel, my activities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.activities.access import can_organise
from redvest.activities.forms import decimal_or_none
from redvest.activities.models import ServiceCategory, SignUpStatus
from redvest.activities.selectors import (
    BrowseFilters,
    activity_browse,
    activity_detail,
    activity_get,
    attendance_of_user,
    signup_get,
)
from redvest.activities.services import signup_cancel, signup_create
from redvest.activities.views._helpers import parse_date, parse_int, shows_domain_errors
from redvest.core.errors import DomainError
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.ratelimit import client_ip
from redvest.core.text import posted_text

RADIUS_CHOICES = (1, 3, 5, 10, 20, 50)


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest) -> HttpResponse:
    """Open activities on a phone: near me (the page's script fills lat/lng), by category and date."""
    lat, lng = decimal_or_none(request.GET.get("lat")), decimal_or_none(request.GET.get("lng"))
    radius = parse_int(request.GET.get("radius"))
    filters = BrowseFilters(
        latitude=lat,
        longitude=lng,
        radius_km=radius if radius in RADIUS_CHOICES else None,
        category=request.GET.get("category", "") if request.GET.get("category") in ServiceCategory.values else "",
        day=parse_date(request.GET.get("date")),
        q=request.GET.get("q", "").strip()[:50],
    )
    page = activity_browse(
        user=request.user, filters=filters, at=timezone.now(), page=parse_page(request.GET.get("page"))
    )
    return render(
        request,
        "activities/activity_list.html",
        {
            "page": page,
            "filters": filters,
            "categories": ServiceCategory.choices,
            "radius_choices": RADIUS_CHOICES,
            "radius": filters.radius_km or 10,
            "can_organise": can_organise(request.user),
        },
    )


@login_required
@shows_domain_errors
def detail_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    detail = activity_detail(user=request.user, activity_id=activity_id, at=timezone.now())
    return render(request, "activities/activity_detail.html", {"d": detail, "a": detail.activity})


@login_required
@require_POST
@shows_domain_errors
def signup_create_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id)
    try:
        signup = signup_create(
            actor=request.user,
            activity=activity,
            at=timezone.now(),
            note=posted_text(request.POST, "note", label="备注"),
            accept_agreements=request.POST.get("accept_agreements") == "1",
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        detail = activity_detail(user=request.user, activity_id=activity_id, at=timezone.now())
        return render(
            request, "activities/activity_detail.html", {"d": detail, "a": detail.activity}, status=exc.status
        )
    text = {
        SignUpStatus.APPROVED: "报名成功，您已被录用",
        SignUpStatus.PENDING: "报名成功，等待负责人审核",
        SignUpStatus.WAITLISTED: "名额已满，您已进入候补名单，有人取消时将自动递补",
    }[SignUpStatus(signup.status)]
    messages.success(request, text)
    return redirect("activities:activity-detail", activity_id=activity.pk)


@login_required
@require_POST
@shows_domain_errors
def signup_cancel_view(request: AuthedRequest, signup_id: int) -> HttpResponse:
    signup = signup_get(user=request.user, signup_id=signup_id)
    signup_cancel(actor=request.user, signup=signup, at=timezone.now())
    messages.success(request, "已取消报名")
    return redirect("activities:activity-detail", activity_id=signup.activity_id)


@login_required
@shows_domain_errors
def mine_view(request: AuthedRequest) -> HttpResponse:
    """My check-ins with the credited time of each (the records app's "my service" has the totals)."""
    page = paginate(attendance_of_user(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "activities/my_attendance.html", {"page": page})
