"""The pioneer index: my breakdown, the subtree ranking (and its export), bonus/deduction entries, weights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.accounts.policy import can_administer, home_orgs
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.exports import export_started
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.orgs.models import OrgNode
from redvest.points.forms import PioneerConfigForm, PioneerEntryForm, RevokeForm
from redvest.points.models import PioneerConfig
from redvest.points.selectors import (
    party_member_for,
    pioneer_breakdown,
    pioneer_config_for,
    pioneer_entries,
    pioneer_entry_get,
    pioneer_ranking,
    volunteer_of,
)
from redvest.points.services import ConfigData, pioneer_config_set, pioneer_entry_add, pioneer_entry_revoke
from redvest.points.services.exports import PIONEER_RANKING_LABEL, pioneer_export_request
from redvest.points.views._common import parse_int, parse_year, shows_domain_errors
from redvest.points.views.rules import picker_nodes


@login_required
@shows_domain_errors
def mine(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_of(user=request.user)
    year = parse_year(request.GET.get("year"))
    return render(request, "points/pioneer_mine.html", {"b": pioneer_breakdown(volunteer=volunteer, year=year)})


def _admin_org(request: HttpRequest) -> OrgNode:
    org_id = parse_int(request.GET.get("org"))
    if org_id:
        return get_object_or_404(OrgNode, pk=org_id)
    org = OrgNode.objects.filter(pk__in=home_orgs(request.user)).order_by("path").first()
    if org is None:
        raise PermissionDenied("只有组织管理员可以查看先锋指数排名")
    return org


@login_required
@shows_domain_errors
def ranking(request: AuthedRequest) -> HttpResponse:
    org = _admin_org(request)
    year = parse_year(request.GET.get("year"))
    if request.method == "POST":  # the export: queued, its progress shown on the next page
        ticket = pioneer_export_request(actor=request.user, org=org, year=year, fmt=request.POST.get("format", "xlsx"))
        back = f"{request.path}?org={org.pk}&year={year}"
        return export_started(request, ticket, label=PIONEER_RANKING_LABEL, back_url=back)
    result = pioneer_ranking(user=request.user, org=org, year=year, page=parse_page(request.GET.get("page")))
    this_year = timezone.localdate().year
    return render(
        request,
        "points/pioneer_ranking.html",
        {
            "r": result,
            "page": result,
            "nodes": picker_nodes(request.user),
            "years": list(range(this_year, this_year - 6, -1)),
        },
    )


@login_required
@shows_domain_errors
def entries(request: AuthedRequest) -> HttpResponse:
    if not home_orgs(request.user):
        raise PermissionDenied("只有组织管理员可以记录先锋指数加减分")
    form = PioneerEntryForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                member = party_member_for(user=request.user, number=d["number"])
                pioneer_entry_add(
                    actor=request.user,
                    volunteer=member,
                    year=d["year"],
                    category=d["category"],
                    score=d["score"],
                    reason=d["reason"],
                    evidence=d["evidence"],
                )
            except DomainError as exc:
                if exc.field in (None, "volunteer"):
                    exc.field = "number"
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "已记录")
                return redirect("points:pioneer-entries")
        else:
            status = 400
    g = request.GET
    qs = pioneer_entries(user=request.user, year=parse_int(g.get("year")), number=g.get("number", ""))
    page = paginate(qs, page=parse_page(g.get("page")))
    return render(
        request,
        "points/pioneer_entries.html",
        {
            "form": form,
            "page": page,
            "revoke_form": RevokeForm(),
            "f": {"year": g.get("year", ""), "number": g.get("number", "")},
        },
        status=status,
    )


@login_required
@require_POST
@shows_domain_errors
def revoke(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = pioneer_entry_get(user=request.user, entry_id=entry_id)
    try:
        pioneer_entry_revoke(actor=request.user, entry=entry, reason=posted_text(request.POST, "reason", label="原因"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销")
    return redirect("points:pioneer-entries")


def _initial(config: PioneerConfig) -> dict[str, Any]:
    data = {f: getattr(config, f) for f in PioneerConfigForm.base_fields if hasattr(config, f)}
    data["hour_weight"] = Decimal(config.hour_weight_centi) / 100
    data["points_weight"] = Decimal(config.points_weight_centi) / 100
    return data


@login_required
@shows_domain_errors
def config(request: AuthedRequest) -> HttpResponse:
    org = _admin_org(request)
    if not can_administer(request.user, org):
        raise PermissionDenied("只有该组织的管理员可以设置先锋指数权重")
    current = pioneer_config_for(org=org)
    form = PioneerConfigForm(request.POST or None, initial=_initial(current))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = dict(form.cleaned_data)
            d["hour_weight_centi"] = int(d.pop("hour_weight") * 100)
            d["points_weight_centi"] = int(d.pop("points_weight") * 100)
            try:
                pioneer_config_set(actor=request.user, org=org, data=ConfigData(**d))
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "已保存，本组织及下级按新权重计算")
                return redirect(f"{reverse('points:pioneer-config')}?org={org.pk}")
        else:
            status = 400
    inherited_from = current.org if current.pk and current.org_id != org.pk else None
    return render(
        request,
        "points/pioneer_config.html",
        {
            "form": form,
            "org": org,
            "nodes": picker_nodes(request.user),
            "inherited_from": inherited_from,
            "own": current.pk is not None and current.org_id == org.pk,
        },
        status=status,
    )
