"""The rewards catalog, reservations, item management, alliance merchants and their settlement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.accounts.policy import can, can_administer
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.orgs.models import OrgNode
from redvest.points import excel
from redvest.points.access import can_manage_bank
from redvest.points.errors import NotAVolunteer
from redvest.points.forms import ItemForm, MerchantApplyForm, ReviewForm
from redvest.points.models import ItemKind, MerchantStatus, RewardItem
from redvest.points.selectors import (
    bank_orgs,
    catalog,
    item_get,
    managed_items,
    merchant_get,
    merchant_list,
    merchant_settlement,
    my_merchants,
    my_points,
)
from redvest.points.services import (
    ItemData,
    MerchantData,
    item_create,
    item_update,
    merchant_apply,
    merchant_review,
    merchant_suspend,
    redemption_reserve,
)
from redvest.points.views._common import parse_int, parse_month, shows_domain_errors, xlsx_response

MAX_BANK_CHOICES = 500


@login_required
@shows_domain_errors
def catalog_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    qs = catalog(
        user=request.user,
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        provider=g.get("provider", ""),
        merchant_id=parse_int(g.get("merchant")),
    )
    page = paginate(qs, page=parse_page(g.get("page")))
    try:
        balance: int | None = my_points(user=request.user).balance
    except NotAVolunteer:
        balance = None
    return render(
        request,
        "points/catalog.html",
        {
            "page": page,
            "balance": balance,
            "kinds": ItemKind.choices,
            "f": {k: g.get(k, "") for k in ("q", "kind", "provider", "merchant")},
        },
    )


def _item_page(request: AuthedRequest, item: RewardItem, *, error: str = "", status: int = 200) -> HttpResponse:
    try:
        mine: Any = my_points(user=request.user)
    except NotAVolunteer:
        mine = None
    return render(
        request,
        "points/item_detail.html",
        {
            "item": item,
            "mine": mine,
            "error": error,
            "can_edit": can(request.user, "change", item),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@shows_domain_errors
def item_detail(request: AuthedRequest, item_id: int) -> HttpResponse:
    return _item_page(request, item_get(user=request.user, item_id=item_id))


@login_required
@require_POST
@shows_domain_errors
def reserve(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = item_get(user=request.user, item_id=item_id)
    quantity = parse_int(request.POST.get("quantity")) or 1
    try:
        volunteer = my_points(user=request.user).volunteer
        redemption = redemption_reserve(actor=request.user, volunteer=volunteer, item=item, quantity=quantity)
    except DomainError as exc:
        return _item_page(request, item, error=exc.message, status=exc.status)
    messages.success(
        request,
        f"预约成功，核销码 {redemption.code}，请在 {timezone.localtime(redemption.expires_at):%m-%d %H:%M} 前到兑换点出示",
    )
    return redirect("points:redemption-list")


@login_required
@shows_domain_errors
def item_manage(request: AuthedRequest) -> HttpResponse:
    page = paginate(managed_items(user=request.user), page=parse_page(request.GET.get("page")))
    banks = list(bank_orgs(user=request.user).order_by("path")[:MAX_BANK_CHOICES])
    return render(request, "points/item_manage.html", {"page": page, "banks": banks})


def _item_data(d: dict[str, Any]) -> ItemData:
    return ItemData(
        title=d["title"],
        kind=d["kind"],
        points_cost=d["points_cost"],
        stock=d["stock"],
        per_person_limit=d["per_person_limit"],
        valid_from=d["valid_from"],
        valid_until=d["valid_until"],
        min_tier=d["min_tier"],
        description=d["description"],
        is_active=d["is_active"],
    )


@login_required
@shows_domain_errors
def item_new(request: AuthedRequest) -> HttpResponse:
    """?merchant=<id> publishes at the merchant; ?org=<id> at that node's bank counter."""
    merchant = (
        merchant_get(user=request.user, merchant_id=request.GET["merchant"], action="change")
        if request.GET.get("merchant")
        else None
    )
    org = (
        get_object_or_404(OrgNode, pk=parse_int(request.GET.get("org")))
        if merchant is None and request.GET.get("org")
        else None
    )
    if merchant is None and org is None:
        raise DomainError("请从商家页面或兑换点进入发布物品", code="no_provider")
    if org is not None and not can_manage_bank(request.user, org):
        raise PermissionDenied("只有兑换点的站点管理员或上级管理员可以发布物品")
    form = ItemForm(request.POST or None, initial={"is_active": True, "min_tier": 0})
    done = run_form(
        request,
        form,
        lambda _: item_create(actor=request.user, data=_item_data(form.cleaned_data), org=org, merchant=merchant),
    )
    if done:
        item = done.value
        messages.success(request, f"已发布「{item.title}」")
        return redirect("points:item-detail", item_id=item.pk)
    provider = merchant.name if merchant else f"{org.name}好人好事银行" if org else ""
    return render(
        request, "points/item_form.html", {"form": form, "item": None, "provider": provider}, status=done.status
    )


@login_required
@shows_domain_errors
def item_edit(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = item_get(user=request.user, item_id=item_id, action="change")
    initial = {f: getattr(item, f) for f in ItemForm.base_fields}
    form = ItemForm(request.POST or None, initial=initial)
    done = run_form(
        request, form, lambda _: item_update(actor=request.user, item=item, data=_item_data(form.cleaned_data))
    )
    if done:
        messages.success(request, "已保存")
        return redirect("points:item-detail", item_id=item.pk)
    return render(
        request,
        "points/item_form.html",
        {"form": form, "item": item, "provider": item.provider_name},
        status=done.status,
    )


@login_required
@shows_domain_errors
def merchant_list_view(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", MerchantStatus.APPROVED)
    if status not in MerchantStatus.values:
        status = MerchantStatus.APPROVED
    page = paginate(
        merchant_list(user=request.user, status=status, q=request.GET.get("q", "").strip()),
        page=parse_page(request.GET.get("page")),
    )
    return render(
        request,
        "points/merchant_list.html",
        {
            "page": page,
            "status": status,
            "statuses": MerchantStatus.choices,
            "mine": list(my_merchants(user=request.user)[:10]),
            "q": request.GET.get("q", ""),
        },
    )


@login_required
@shows_domain_errors
def merchant_apply_view(request: AuthedRequest) -> HttpResponse:
    form = MerchantApplyForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: merchant_apply(
            actor=request.user,
            data=MerchantData(
                name=d["name"],
                org=d["org"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                address=d["address"],
                description=d["description"],
                credit_code=d["credit_code"],
            ),
        ),
    )
    if done:
        merchant = done.value
        messages.success(request, "申请已提交，等待组织审核")
        return redirect("points:merchant-detail", merchant_id=merchant.pk)
    return render(request, "points/merchant_apply.html", {"form": form}, status=done.status)


def _merchant_page(
    request: AuthedRequest, merchant_id: int, *, form: ReviewForm | None = None, status: int = 200
) -> HttpResponse:
    merchant = merchant_get(user=request.user, merchant_id=merchant_id)
    items = (
        managed_items(user=request.user, merchant=merchant)
        if can(request.user, "change", merchant)
        else catalog(user=request.user, merchant_id=merchant.pk)
    )
    return render(
        request,
        "points/merchant_detail.html",
        {
            "merchant": merchant,
            "items": list(items[:50]),
            "can_change": can(request.user, "change", merchant),
            "can_review": can_administer(request.user, merchant.org),
            "form": form or ReviewForm(),
            "month": timezone.localdate().strftime("%Y-%m"),
        },
        status=status,
    )


@login_required
@shows_domain_errors
def merchant_detail(request: AuthedRequest, merchant_id: int) -> HttpResponse:
    return _merchant_page(request, merchant_id)


@login_required
@require_POST
@shows_domain_errors
def merchant_review_view(request: AuthedRequest, merchant_id: int) -> HttpResponse:
    merchant = merchant_get(user=request.user, merchant_id=merchant_id, action="change")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _merchant_page(request, merchant_id, form=form, status=400)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "suspend":
            merchant_suspend(actor=request.user, merchant=merchant, note=note)
        else:
            merchant_review(actor=request.user, merchant=merchant, approve=action == "approve", note=note)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _merchant_page(request, merchant_id, form=form, status=exc.status)
    messages.success(request, {"approve": "已通过加盟申请", "reject": "已退回申请", "suspend": "已暂停该商家"}[action])
    return redirect("points:merchant-detail", merchant_id=merchant_id)


@login_required
@shows_domain_errors
def settlement(request: AuthedRequest, merchant_id: int) -> HttpResponse:
    merchant = merchant_get(user=request.user, merchant_id=merchant_id, action="change")
    month = parse_month(request.GET.get("month"))
    result = merchant_settlement(merchant=merchant, month=month)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(excel.settlement_xlsx(settlement=result), f"结算单-{merchant.name}-{month:%Y%m}.xlsx")
    page = paginate(result.rows, page=parse_page(request.GET.get("page")))
    return render(request, "points/settlement.html", {"s": result, "page": page, "month": f"{month:%Y-%m}"})
