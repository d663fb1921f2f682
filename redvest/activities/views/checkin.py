"""Check-in and check-out: the leader's rotating code screen and the volunteer's phone page.

The phone page's script posts to the API (and keeps items offline); these views are the
no-JavaScript fallback and call the same services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.activities.codes import code_at, qr_svg, seconds_left
from redvest.activities.forms import CheckInForm
from redvest.activities.models import AttendanceMethod
from redvest.activities.selectors import activity_detail, activity_get
from redvest.activities.selectors.signups import next_approved_signup
from redvest.activities.services import Position, attendance_check_in, attendance_check_out
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import DomainError
from redvest.core.pages import AuthedRequest


def _code_context(request: AuthedRequest, activity_id: int) -> dict[str, object]:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    now = timezone.now()
    code = code_at(activity.checkin_secret, now)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk])) + f"?code={code}"
    return {"a": activity, "code": code, "qr": qr_svg(url), "seconds_left": seconds_left(now), "url": url}


@login_required
@shows_domain_errors
def code_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """The leader's screen: six digits and a QR code, refreshed by htmx."""
    return render(request, "activities/code.html", _code_context(request, activity_id))


@login_required
@shows_domain_errors
def code_partial_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    return render(request, "activities/_partials/code.html", _code_context(request, activity_id))


@login_required
def checkin_home_view(request: AuthedRequest) -> HttpResponse:
    """签到 (the phone's tab): scan the leader's QR with the camera, or go to the current or next activity."""
    upcoming = next_approved_signup(user=request.user, at=timezone.now())
    return render(request, "activities/checkin_home.html", {"upcoming": upcoming, "now": timezone.now()})


@login_required
@shows_domain_errors
def checkin_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """The phone page: the code (typed, or carried by the QR link), the location, check-in or check-out."""
    detail = activity_detail(user=request.user, activity_id=activity_id, at=timezone.now())
    code = request.GET.get("code", "")
    form = CheckInForm(initial={"code": code if code.isdigit() and len(code) == 6 else "", "via_qr": bool(code)})
    return render(request, "activities/checkin.html", {"d": detail, "a": detail.activity, "form": form})


def _submit(request: AuthedRequest, activity_id: int, *, check_out: bool) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id)
    form = CheckInForm(request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        position = (
            Position(latitude=d["latitude"], longitude=d["longitude"])
            if d["latitude"] is not None and d["longitude"] is not None
            else None
        )
        service = attendance_check_out if check_out else attendance_check_in
        try:
            service(
                actor=request.user,
                activity=activity,
                code=d["code"],
                position=position,
                at=timezone.now(),
                client_id=d["client_id"] or None,
                method=AttendanceMethod.QR if d["via_qr"] else AttendanceMethod.CODE,
            )
        except DomainError as exc:
            form.add_error("code" if exc.code == "wrong_code" else None, exc.message)
            status = exc.status
        else:
            messages.success(request, "签退成功" if check_out else "签到成功")
            return redirect("activities:checkin", activity_id=activity.pk)
    detail = activity_detail(user=request.user, activity_id=activity_id, at=timezone.now())
    return render(request, "activities/checkin.html", {"d": detail, "a": activity, "form": form}, status=status)


@login_required
@require_POST
@shows_domain_errors
def check_in_submit_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    return _submit(request, activity_id, check_out=False)


@login_required
@require_POST
@shows_domain_errors
def check_out_submit_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    return _submit(request, activity_id, check_out=True)
