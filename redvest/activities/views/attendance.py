"""The organiser's attendance list: proxy check-in/out with a reason, confirming auto-closed stays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.activities.forms import ConfirmForm, ProxyCheckInForm, ReasonForm
from redvest.activities.models import AttendanceStatus
from redvest.activities.selectors import (
    activity_get,
    approved_volunteers,
    attendance_get,
    attendance_list_for_activity,
    attendance_stats,
)
from redvest.activities.services import attendance_confirm, attendance_proxy_check_in, attendance_proxy_check_out
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import DomainError
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page


def _render_list(
    request: AuthedRequest, activity_id: int, *, proxy_form: ProxyCheckInForm | None = None, status: int = 200
) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    state = request.GET.get("status", "")
    state = state if state in AttendanceStatus.values else ""
    qs = attendance_list_for_activity(user=request.user, activity=activity, status=state)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "activities/attendance_list.html",
        {
            "a": activity,
            "page": page,
            "stats": attendance_stats(activity=activity),
            "statuses": AttendanceStatus.choices,
            "status": state,
            "proxy_form": proxy_form or ProxyCheckInForm(signups=approved_volunteers(activity=activity)),
        },
        status=status,
    )


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    return _render_list(request, activity_id)


@login_required
@require_POST
@shows_domain_errors
def proxy_check_in_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    form = ProxyCheckInForm(request.POST, signups=approved_volunteers(activity=activity))
    if not form.is_valid():
        return _render_list(request, activity_id, proxy_form=form, status=400)
    try:
        attendance_proxy_check_in(
            actor=request.user,
            activity=activity,
            volunteer=form.cleaned_data["volunteer"],
            reason=form.cleaned_data["reason"],
            at=timezone.now(),
        )
    except DomainError as exc:
        form.add_error("reason" if exc.field == "reason" else None, exc.message)
        return _render_list(request, activity_id, proxy_form=form, status=exc.status)
    messages.success(request, f"已为 {form.cleaned_data['volunteer'].name} 代签到")
    return redirect("activities:attendance-list", activity_id=activity.pk)


@login_required
@require_POST
@shows_domain_errors
def proxy_check_out_view(request: AuthedRequest, attendance_id: int) -> HttpResponse:
    attendance = attendance_get(user=request.user, attendance_id=attendance_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise DomainError("请填写代签退原因", field="reason")
    attendance_proxy_check_out(
        actor=request.user, attendance=attendance, reason=form.cleaned_data["reason"], at=timezone.now()
    )
    messages.success(request, f"已为 {attendance.volunteer.name} 代签退")
    return redirect("activities:attendance-list", activity_id=attendance.activity_id)


@login_required
@require_POST
@shows_domain_errors
def confirm_view(request: AuthedRequest, attendance_id: int) -> HttpResponse:
    attendance = attendance_get(user=request.user, attendance_id=attendance_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise DomainError("签退时间格式不正确", field="check_out_at")
    attendance_confirm(
        actor=request.user,
        attendance=attendance,
        at=timezone.now(),
        check_out_at=form.cleaned_data["check_out_at"],
    )
    messages.success(request, f"已确认 {attendance.volunteer.name} 的服务时长")
    return redirect("activities:attendance-list", activity_id=attendance.activity_id)
