"""Intake pages: the 96345 operator console, walk-in registration, the resident's web form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from redvest.core.errors import NotFound, PermissionDenied
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.demand.access import may_take_requests
from redvest.demand.forms import IntakeForm
from redvest.demand.models import RequestChannel
from redvest.demand.selectors.requests import (
    area_choices,
    caller_lookup,
    request_list,
    walkin_stations,
)
from redvest.demand.services import request_create
from redvest.demand.views._helpers import shows_domain_errors


def _intake(request: AuthedRequest, *, channel: str, template: str, station_id: int | None = None) -> HttpResponse:
    user = request.user
    if not may_take_requests(user, channel):
        raise PermissionDenied("您无权通过该渠道登记诉求")
    stations = walkin_stations(user=user) if channel == RequestChannel.WALK_IN else None
    station = None
    if stations is not None:
        station = stations.filter(pk=station_id).first() if station_id else stations.first()
        if station is None:
            raise NotFound("没有可登记的服务站点")
    form = IntakeForm(request.POST or None, areas=area_choices(user=user))
    done = run_form(
        request,
        form,
        lambda _: request_create(
            actor=user, channel=channel, data=form.request_data(), now=timezone.now(), station=station
        ),
    )
    if done:
        intake = done.value
        created = intake.request
        messages.success(
            request,
            f"已受理，工单号 {created.number}" if intake.created else f"该诉求已登记过，工单号 {created.number}",
        )
        return redirect("demand:request-detail", request_id=created.pk)
    context = {"form": form, "channel": channel, "station": station, "stations": stations}
    return render(request, template, context, status=done.status)


@login_required
@shows_domain_errors
def console_view(request: AuthedRequest) -> HttpResponse:
    return _intake(request, channel=RequestChannel.HOTLINE, template="demand/console.html")


@login_required
@shows_domain_errors
def walkin_view(request: AuthedRequest) -> HttpResponse:
    station = request.GET.get("station") or request.POST.get("station")
    return _intake(
        request,
        channel=RequestChannel.WALK_IN,
        template="demand/walkin.html",
        station_id=int(station) if station and station.isdigit() else None,
    )


@login_required
@require_GET
def caller_view(request: AuthedRequest) -> HttpResponse:
    """htmx: the caller's phone → known resident and their past requests."""
    found = caller_lookup(user=request.user, phone=request.GET.get("caller_phone", ""))
    return render(request, "demand/_partials/caller.html", {"found": found})


@login_required
@require_GET
def attributes_view(request: AuthedRequest) -> HttpResponse:
    """htmx: the chosen item's extra questions."""
    form = IntakeForm(areas=area_choices(user=request.user))
    form.add_attribute_fields(request.GET.get("item", ""))
    return render(request, "demand/_partials/attributes.html", {"form": form})


MY_REQUEST_TABS = {"": "全部", "open": "办理中", "to_rate": "待评价"}


@login_required
def my_requests_view(request: AuthedRequest) -> HttpResponse:
    """The requests I submitted (or that are mine as a resident): all, still being handled, waiting for my rating."""
    status = request.GET.get("status", "")
    status = status if status in MY_REQUEST_TABS else ""
    qs = request_list(user=request.user, mine=True, status=status)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(request, "demand/my_requests.html", {"page": page, "status": status, "tabs": MY_REQUEST_TABS})
