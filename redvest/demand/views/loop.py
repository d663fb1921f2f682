"""Callbacks (电话回访), spot checks (抽查), statistics and satisfaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.demand.forms import PeriodForm, RatingForm, SpotDrawForm, SpotRecordForm
from redvest.demand.models import CallbackStatus, SpotCheckStatus
from redvest.demand.selectors.requests import (
    callback_get,
    callback_list,
    dispatch_root_choices,
    spot_check_get,
    spot_check_list,
)
from redvest.demand.selectors.stats import BY_CHOICES, demand_stats, satisfaction_by
from redvest.demand.services import callback_record, callback_unreachable, spot_check_draw, spot_check_record
from redvest.demand.views._helpers import shows_domain_errors


@login_required
def callback_list_view(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", CallbackStatus.PENDING)
    page = paginate(callback_list(user=request.user, status=status), page=parse_page(request.GET.get("page")))
    return render(request, "demand/callback_list.html", {"page": page, "status": status, "now": timezone.now()})


@login_required
@shows_domain_errors
def callback_view(request: AuthedRequest, callback_id: int) -> HttpResponse:
    callback = callback_get(user=request.user, callback_id=callback_id)
    form = RatingForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: callback_record(
            actor=request.user,
            callback=callback,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data.get("comment", ""),
            now=timezone.now(),
        ),
    )
    if done:
        messages.success(request, f"回访已登记：工单{callback.request.number}")
        return redirect("demand:callback-list")
    return render(
        request, "demand/callback_form.html", {"form": form, "c": callback, "r": callback.request}, status=done.status
    )


@login_required
@require_POST
@shows_domain_errors
def callback_unreachable_view(request: AuthedRequest, callback_id: int) -> HttpResponse:
    callback = callback_get(user=request.user, callback_id=callback_id)
    callback_unreachable(actor=request.user, callback=callback, now=timezone.now())
    messages.success(request, "已记录未接通，请稍后再拨")
    return redirect("demand:callback-list")


def _roots(request: AuthedRequest) -> Any:
    roots = dispatch_root_choices(user=request.user)
    if not roots.exists():
        raise PermissionDenied("您没有可查看的调度范围")
    return roots


@login_required
@shows_domain_errors
def spot_check_list_view(request: AuthedRequest) -> HttpResponse:
    roots = _roots(request)
    today = timezone.localdate()
    form = SpotDrawForm(
        request.POST or None,
        roots=roots,
        initial={"root": roots.first(), "start": today - datetime.timedelta(days=30), "end": today, "count": 5},
    )
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            tz = timezone.get_current_timezone()
            try:
                checks = spot_check_draw(
                    actor=request.user,
                    root=d["root"],
                    start=datetime.datetime.combine(d["start"], datetime.time.min, tzinfo=tz),
                    end=datetime.datetime.combine(d["end"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
                    count=d["count"],
                    now=timezone.now(),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status_code = exc.status
            else:
                messages.success(request, f"已随机抽取 {len(checks)} 件工单")
                return redirect("demand:spot-check-list")
        else:
            status_code = 400
    status = request.GET.get("status", "")
    page = paginate(spot_check_list(user=request.user, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "demand/spot_check_list.html",
        {"form": form, "page": page, "status": status, "statuses": SpotCheckStatus.choices},
        status=status_code,
    )


@login_required
@shows_domain_errors
def spot_check_view(request: AuthedRequest, check_id: int) -> HttpResponse:
    check = spot_check_get(user=request.user, check_id=check_id)
    form = SpotRecordForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: spot_check_record(
            actor=request.user,
            check=check,
            verified=form.cleaned_data["verified"],
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data.get("note", ""),
            now=timezone.now(),
        ),
    )
    if done:
        messages.success(request, "抽查结果已登记")
        return redirect("demand:spot-check-list")
    return render(
        request, "demand/spot_check_form.html", {"form": form, "c": check, "r": check.request}, status=done.status
    )


def _period(request: AuthedRequest) -> tuple[PeriodForm, Any, datetime.datetime, datetime.datetime]:
    roots = _roots(request)
    form = PeriodForm(request.GET or None, roots=roots)
    start, end = form.period()
    root = (form.cleaned_data.get("root") if form.is_valid() else None) or roots.first()
    return form, root, start, end


@login_required
@require_GET
@shows_domain_errors
def stats_view(request: AuthedRequest) -> HttpResponse:
    form, root, start, end = _period(request)
    stats = demand_stats(user=request.user, root=root, start=start, end=end)
    return render(
        request, "demand/stats.html", {"form": form, "s": stats, "last_day": end - datetime.timedelta(days=1)}
    )


@login_required
@require_GET
@shows_domain_errors
def satisfaction_view(request: AuthedRequest) -> HttpResponse:
    form, root, start, end = _period(request)
    by = request.GET.get("by", "item")
    by = by if by in BY_CHOICES else "item"
    rows = satisfaction_by(user=request.user, root=root, start=start, end=end, by=by)
    return render(
        request,
        "demand/satisfaction.html",
        {"form": form, "rows": rows, "by": by, "by_choices": BY_CHOICES.items(), "root": root},
    )
