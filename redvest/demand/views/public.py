"""我要求助 and 查询进度 for residents, with or without an account: pick a category and an item by big
buttons, say where and how to reach you, then follow the request by phone and the six-digit code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from redvest.core.errors import DomainError, NotFound
from redvest.core.forms import run_form
from redvest.core.ratelimit import rate_limited
from redvest.demand.forms import ResidentRequestForm, TrackedFeedbackForm, TrackForm
from redvest.demand.models import DemandCategory, RequestChannel, ServiceRequest
from redvest.demand.selectors.menu import help_item_get, help_items
from redvest.demand.selectors.requests import (
    public_area_choices,
    request_may_rate,
    request_track,
    request_track_steps,
)
from redvest.demand.services import feedback_submit_tracked, request_create
from redvest.demand.views._helpers import shows_domain_errors

TRACKED = "demand_tracked"  # session: request number → [phone, code] the visitor has proved
TRACKED_LIMIT = 20
HOTLINE = "96345"


def _remember(request: HttpRequest, service_request: ServiceRequest, phone: str) -> None:
    tracked = dict(request.session.get(TRACKED, {}))
    tracked[service_request.number] = [phone, service_request.tracking_code]
    request.session[TRACKED] = dict(list(tracked.items())[-TRACKED_LIMIT:])


def _tracked(request: HttpRequest, number: str) -> tuple[ServiceRequest, str, str]:
    phone, code = request.session.get(TRACKED, {}).get(number, ["", ""])
    if not phone:
        raise NotFound("请先输入手机号和查询码")
    return request_track(phone=phone, code=code), phone, code


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@require_http_methods(["GET", "POST"])
@rate_limited("resident-help", key="user_or_ip")
@shows_domain_errors
def help_view(request: HttpRequest) -> HttpResponse:
    """Step 1 a category, step 2 an item (buttons, or words to search), step 3 the form."""
    item_id = _int(request.GET.get("item") or request.POST.get("item"))
    if item_id is None:
        category = request.GET.get("category", "")
        category = category if category in DemandCategory.values else ""
        q = request.GET.get("q", "").strip()[:50]
        items = list(help_items(category=category, q=q)) if category or q else []
        context: dict[str, Any] = {
            "categories": DemandCategory.choices,
            "category": category,
            "category_label": DemandCategory(category).label if category else "",
            "q": q,
            "items": items,
            "hotline": HOTLINE,
        }
        return render(request, "demand/help_pick.html", context)

    item = help_item_get(item_id=item_id)
    user = request.user if request.user.is_authenticated else None
    initial = {"phone": getattr(user, "phone", ""), "name": getattr(user, "display_name", "")} if user else {}
    form = ResidentRequestForm(request.POST or None, item=item, areas=public_area_choices(), initial=initial)
    done = run_form(
        request,
        form,
        lambda _: request_create(
            actor=user,
            channel=RequestChannel.WEB,
            data=form.request_data(),
            now=timezone.now(),
        ),
    )
    if done:
        intake = done.value
        _remember(request, intake.request, form.cleaned_data["phone"])
        return redirect("demand:help-done", number=intake.request.number)
    context = {"form": form, "item": item, "hotline": HOTLINE}
    return render(request, "demand/resident_form.html", context, status=done.status)


@shows_domain_errors
def help_done_view(request: HttpRequest, number: str) -> HttpResponse:
    """提交成功: the request number and the tracking code, written large."""
    service_request, _phone, code = _tracked(request, number)
    return render(request, "demand/help_done.html", {"r": service_request, "code": code, "hotline": HOTLINE})


@require_http_methods(["GET", "POST"])
@rate_limited("resident-track")
def track_view(request: HttpRequest) -> HttpResponse:
    """查询进度: phone + code → the request's page."""
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                found = request_track(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                _remember(request, found, form.cleaned_data["phone"])
                return redirect("demand:track-detail", number=found.number)
        else:
            status = 400
    return render(request, "demand/track.html", {"form": form, "hotline": HOTLINE}, status=status)


@require_http_methods(["GET", "POST"])
@shows_domain_errors
def track_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    """The request in plain words, its milestones, and the rating once it is done."""
    service_request, phone, code = _tracked(request, number)
    form = TrackedFeedbackForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: feedback_submit_tracked(
            phone=phone,
            code=code,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data.get("comment", ""),
            now=timezone.now(),
        ),
    )
    if done:
        return redirect("demand:track-detail", number=number)
    context = {
        "r": service_request,
        "steps": request_track_steps(request=service_request),
        "may_rate": request_may_rate(request=service_request),
        "form": form,
        "hotline": HOTLINE,
    }
    return render(request, "demand/track_detail.html", context, status=done.status)
