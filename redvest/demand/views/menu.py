"""The service menu and 点菜 orders (组团 service: each line to its own team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.demand.access import dispatch_area_paths
from redvest.demand.forms import OrderForm, ReasonForm
from redvest.demand.models import DemandCategory
from redvest.demand.selectors.menu import menu_items
from redvest.demand.selectors.recommend import recommend
from redvest.demand.selectors.requests import area_choices, order_get, order_lines, order_list, team_choices
from redvest.demand.services import Target, order_cancel, order_create, order_dispatch
from redvest.demand.views._helpers import shows_domain_errors


@login_required
@require_GET
def menu_view(request: AuthedRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    q = request.GET.get("q", "")
    page = paginate(menu_items(category=category, q=q), page=parse_page(request.GET.get("page")), size=50)
    return render(
        request,
        "demand/menu.html",
        {"page": page, "category": category, "q": q, "categories": DemandCategory.choices},
    )


@login_required
def order_list_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(order_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "demand/order_list.html", {"page": page})


@login_required
@shows_domain_errors
def order_new_view(request: AuthedRequest) -> HttpResponse:
    form = OrderForm(request.POST or None, communities=area_choices(user=request.user))
    done = run_form(
        request, form, lambda _: order_create(actor=request.user, data=form.order_data(), now=timezone.now())
    )
    if done:
        order = done.value
        messages.success(request, f"已下单：{order.title}（{order.requests.count()}项服务）")
        return redirect("demand:order-detail", order_id=order.pk)
    return render(request, "demand/order_form.html", {"form": form}, status=done.status)


def _order_page(request: AuthedRequest, order_id: int, *, status: int = 200, error: str = "") -> HttpResponse:
    order = order_get(user=request.user, order_id=order_id)
    lines = order_lines(order=order)
    within = dispatch_area_paths(request.user)
    for line in lines:
        line.suggested_team = None  # type: ignore[attr-defined]  # the page preselects the best-ranked team
        if line.is_open and not getattr(line, "active_parts", []):
            best = recommend(request=line, now=timezone.now(), within=within, limit=1).best("team")
            line.suggested_team = best.id if best else None  # type: ignore[attr-defined]  # as above
    return render(
        request,
        "demand/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "teams": list(team_choices(user=request.user)),
            "reason_form": ReasonForm(),
            "error": error,
        },
        status=status,
    )


@login_required
@shows_domain_errors
def order_detail_view(request: AuthedRequest, order_id: int) -> HttpResponse:
    return _order_page(request, order_id)


@login_required
@require_POST
@shows_domain_errors
def order_dispatch_view(request: AuthedRequest, order_id: int) -> HttpResponse:
    """组团派单: one team per line, all in one transaction."""
    order = order_get(user=request.user, order_id=order_id)
    assignments: dict[int, list[Target]] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("team_") and key[5:].isdigit() and value.isdigit():
            assignments[int(key[5:])] = [Target("team", int(value))]
    try:
        parts = order_dispatch(actor=request.user, order=order, assignments=assignments, now=timezone.now())
    except DomainError as exc:
        return _order_page(request, order_id, status=exc.status, error=exc.message)
    messages.success(request, f"组团派单完成：{len(parts)}支服务队")
    return redirect("demand:order-detail", order_id=order_id)


@login_required
@require_POST
@shows_domain_errors
def order_cancel_view(request: AuthedRequest, order_id: int) -> HttpResponse:
    order = order_get(user=request.user, order_id=order_id)
    try:
        order_cancel(
            actor=request.user,
            order=order,
            reason=posted_text(request.POST, "reason", label="原因"),
            now=timezone.now(),
        )
    except DomainError as exc:
        return _order_page(request, order_id, status=exc.status, error=exc.message)
    messages.success(request, "订单已撤销")
    return redirect("demand:order-detail", order_id=order_id)
