"""Kit pages: the stations a keeper or admin manages with their stock and ledger, and what I hold."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.equipment import selectors, services
from redvest.equipment.access import can_manage_stock
from redvest.equipment.forms import MovementForm

CHOICES_LIMIT = 300
shows_domain_errors = domain_error_pages("equipment/error.html")


@login_required
@require_GET
def home_view(request: AuthedRequest) -> HttpResponse:
    stations = list(selectors.managed_stations(user=request.user)[:CHOICES_LIMIT])
    volunteer = selectors.my_volunteer(user=request.user)
    held = selectors.holdings(volunteer=volunteer) if volunteer is not None else []
    return render(request, "equipment/home.html", {"stations": stations, "held": held, "volunteer": volunteer})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def station_view(request: AuthedRequest, pk: int) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk)
    can_move = can_manage_stock(request.user, station)
    items = [(i.pk, f"{i.name}（{i.unit}）") for i in selectors.item_list()[:CHOICES_LIMIT]]
    form = MovementForm(request.POST if request.method == "POST" and can_move else None, items=items)
    status = 200
    if can_move:
        done = run_form(
            request, form, lambda _: services.stock_move(actor=request.user, station=station, data=form.data_object())
        )
        if done:
            messages.success(request, "已登记")
            return redirect("equipment:station", pk=station.pk)
        status = done.status
    context = {
        "station": station,
        "stock": list(selectors.station_stock(station=station)),
        "page": paginate(
            selectors.station_movements(user=request.user, station=station), page=parse_page(request.GET.get("page"))
        ),
        "form": form if can_move else None,
    }
    return render(request, "equipment/station.html", context, status=status)
