"""Brand project pages (品牌项目)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from redvest.accounts.policy import can, home_orgs
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.teams.forms import BrandForm
from redvest.teams.selectors import brand_get, brand_list
from redvest.teams.services import brand_create, brand_update
from redvest.teams.views._helpers import shows_domain_errors


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest) -> HttpResponse:
    qs = brand_list(user=request.user, q=request.GET.get("q", ""), owner_id=request.GET.get("owner") or None)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "teams/brand_list.html",
        {"page": page, "q": request.GET.get("q", ""), "can_create": bool(home_orgs(request.user))},
    )


@login_required
@shows_domain_errors
def detail_view(request: AuthedRequest, brand_id: int) -> HttpResponse:
    brand = brand_get(user=request.user, brand_id=brand_id)
    return render(
        request, "teams/brand_detail.html", {"brand": brand, "can_change": can(request.user, "change", brand)}
    )


@login_required
@shows_domain_errors
def create_view(request: AuthedRequest) -> HttpResponse:
    form = BrandForm(request.POST or None, user=request.user)
    done = run_form(request, form, lambda _: brand_create(actor=request.user, data=form.data_for_service()))
    if done:
        brand = done.value
        messages.success(request, f"已创建品牌项目「{brand.name}」")
        return redirect("teams:brand-detail", brand_id=brand.pk)
    return render(request, "teams/brand_form.html", {"form": form, "brand": None}, status=done.status)


@login_required
@shows_domain_errors
def edit_view(request: AuthedRequest, brand_id: int) -> HttpResponse:
    brand = brand_get(user=request.user, brand_id=brand_id, action="change")
    form = BrandForm(request.POST or None, user=request.user, brand=brand)
    done = run_form(
        request, form, lambda _: brand_update(actor=request.user, brand=brand, data=form.data_for_service())
    )
    if done:
        messages.success(request, "品牌项目已保存")
        return redirect("teams:brand-detail", brand_id=brand.pk)
    return render(request, "teams/brand_form.html", {"form": form, "brand": brand}, status=done.status)
