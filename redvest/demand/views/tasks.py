"""我的派单: what volunteers, team leaders and station keepers were sent, and answering it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.demand.forms import CompleteForm, ReasonForm
from redvest.demand.models import DispatchStatus
from redvest.demand.selectors.requests import dispatch_get, my_tasks
from redvest.demand.services import (
    dispatch_accept,
    dispatch_arrive,
    dispatch_complete,
    dispatch_decline,
    eligible_volunteers,
)
from redvest.demand.views._helpers import shows_domain_errors

MAX_LISTED_MEMBERS = 50


@login_required
def task_list_view(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    page = paginate(my_tasks(user=request.user, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "demand/task_list.html",
        {"page": page, "status": status, "statuses": DispatchStatus.choices, "reason_form": ReasonForm()},
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/demand/") else "demand:my-tasks")


@login_required
@require_POST
@shows_domain_errors
def accept_view(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    part = dispatch_get(user=request.user, dispatch_id=dispatch_id, action="change")
    dispatch_accept(actor=request.user, dispatch=part, now=timezone.now())
    messages.success(request, f"已接单：工单{part.request.number}")
    return _back(request)


@login_required
@require_POST
@shows_domain_errors
def arrive_view(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    part = dispatch_get(user=request.user, dispatch_id=dispatch_id, action="change")
    dispatch_arrive(actor=request.user, dispatch=part, now=timezone.now())
    messages.success(request, f"已登记到场：工单{part.request.number}")
    return _back(request)


@login_required
@require_POST
@shows_domain_errors
def decline_view(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    part = dispatch_get(user=request.user, dispatch_id=dispatch_id, action="change")
    dispatch_decline(
        actor=request.user,
        dispatch=part,
        reason=posted_text(request.POST, "reason", label="原因"),
        now=timezone.now(),
    )
    messages.success(request, f"已拒单，工单{part.request.number}已退回调度")
    return _back(request)


@login_required
@shows_domain_errors
def complete_view(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    """办结 a part: result, photos, each volunteer's minutes (they become service records)."""
    part = dispatch_get(user=request.user, dispatch_id=dispatch_id, action="change")
    eligible = eligible_volunteers(part)
    listed = list(eligible.order_by("name")[:MAX_LISTED_MEMBERS]) if part.station_id is None else []
    form = CompleteForm(request.POST or None, volunteers=listed)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                numbers = dict(eligible.filter(number__in=form.numbers()).values_list("number", "pk"))
                dispatch_complete(
                    actor=request.user,
                    dispatch=part,
                    result=form.cleaned_data["result"],
                    time_spent=form.time_spent(number_to_id=numbers),
                    photos=request.FILES.getlist("photos"),
                    now=timezone.now(),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已办结：工单{part.request.number}")
                return redirect("demand:request-detail", request_id=part.request_id)
        else:
            status = 400
    return render(request, "demand/complete.html", {"form": form, "part": part, "r": part.request}, status=status)
