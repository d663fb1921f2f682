"""/api/v1/points: the rewards catalog, reservations, the counter, alliance merchants and settlement."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from redvest.core.errors import DomainError
from redvest.core.pagination import paginate
from redvest.points import schemas as s
from redvest.points._api import ERRORS, org_of, user_of
from redvest.points.models import MerchantStatus, Redemption, RewardItem
from redvest.points.selectors import (
    catalog,
    counter_lookup,
    counter_redemptions,
    item_get,
    merchant_get,
    merchant_list,
    merchant_settlement,
    my_redemptions,
    redemption_get,
    volunteer_of,
)
from redvest.points.selectors.rewards import month_of
from redvest.points.services import (
    ItemData,
    MerchantData,
    item_create,
    item_update,
    merchant_apply,
    merchant_review,
    merchant_suspend,
    redemption_cancel,
    redemption_confirm,
    redemption_reserve,
)

router = Router(tags=["积分兑换与联盟商家"])


# ---- catalog and items ---------------------------------------------------------------------------------


@router.get("/items", response=s.ItemPageOut, summary="兑换商城：当前可兑换的物品")
def items(request: HttpRequest, q: Query[s.ItemFilter]) -> dict[str, Any]:
    qs = catalog(user=user_of(request), q=q.q, kind=q.kind, provider=q.provider, merchant_id=q.merchant)
    page = paginate(qs, page=q.page, size=q.page_size)
    return {"items": page.items, "count": page.count}


@router.get("/items/{item_id}", response={200: s.ItemOut, 404: s.ErrorOut}, summary="物品详情")
def item_detail(request: HttpRequest, item_id: int) -> RewardItem:
    return item_get(user=user_of(request), item_id=item_id)


@router.post("/items", response={201: s.ItemOut, **ERRORS}, summary="发布物品（好人好事银行或联盟商家）")
def item_new(request: HttpRequest, payload: s.ItemIn) -> Status[Any]:
    actor = user_of(request)
    merchant = merchant_get(user=actor, merchant_id=payload.merchant, action="change") if payload.merchant else None
    org = org_of(payload.org) if merchant is None else None
    data = ItemData(**payload.dict(exclude={"org", "merchant"}))
    return Status(201, item_create(actor=actor, data=data, org=org, merchant=merchant))


@router.patch("/items/{item_id}", response={200: s.ItemOut, **ERRORS}, summary="修改物品（库存、上下架等）")
def item_patch(request: HttpRequest, item_id: int, payload: s.ItemPatch) -> RewardItem:
    actor = user_of(request)
    item = item_get(user=actor, item_id=item_id, action="change")
    current = {f: getattr(item, f) for f in s.ItemPatch.model_fields}
    current.update({k: v for k, v in payload.dict(exclude_unset=True).items()})
    return item_update(actor=actor, item=item, data=ItemData(**current))


@router.post(
    "/items/{item_id}/reserve", response={201: s.RedemptionOut, **ERRORS}, summary="预约兑换（积分冻结、库存扣减）"
)
def reserve(request: HttpRequest, item_id: int, payload: s.ReserveIn) -> Status[Any]:
    actor = user_of(request)
    item = item_get(user=actor, item_id=item_id)
    volunteer = volunteer_of(user=actor)
    redemption = redemption_reserve(actor=actor, volunteer=volunteer, item=item, quantity=payload.quantity)
    return Status(201, redemption_get(user=actor, redemption_id=redemption.pk))


# ---- redemptions and the counter -----------------------------------------------------------------------


@router.get("/redemptions", response={200: s.RedemptionPageOut, 403: s.ErrorOut}, summary="我的兑换")
def redemptions(request: HttpRequest, q: Query[s.PageQuery], status: str = "") -> dict[str, Any]:
    volunteer = volunteer_of(user=user_of(request))
    page = paginate(my_redemptions(volunteer=volunteer, status=status), page=q.page, size=q.page_size)
    return {"items": page.items, "count": page.count}


@router.post(
    "/redemptions/{redemption_id}/cancel",
    response={200: s.RedemptionOut, **ERRORS},
    summary="取消预约（积分退回、库存恢复）",
)
def cancel(request: HttpRequest, redemption_id: int) -> Redemption:
    actor = user_of(request)
    redemption = redemption_get(user=actor, redemption_id=redemption_id)
    redemption_cancel(actor=actor, redemption=redemption)
    return redemption_get(user=actor, redemption_id=redemption_id)


@router.get("/counter/redemptions", response=s.RedemptionPageOut, summary="本柜台待核销的预约")
def counter_pending(request: HttpRequest, q: Query[s.PageQuery]) -> dict[str, Any]:
    page = paginate(counter_redemptions(user=user_of(request)), page=q.page, size=q.page_size)
    return {"items": page.items, "count": page.count}


@router.post(
    "/counter/lookup", response={200: s.RedemptionPageOut, **ERRORS}, summary="按6位核销码或二维码令牌查找待核销预约"
)
def counter_find(request: HttpRequest, payload: s.CounterIn) -> dict[str, Any]:
    found = counter_lookup(user=user_of(request), text=payload.code)
    return {"items": found, "count": len(found)}


@router.post(
    "/redemptions/{redemption_id}/confirm", response={200: s.RedemptionOut, **ERRORS}, summary="柜台确认兑换（核销）"
)
def confirm(request: HttpRequest, redemption_id: int) -> Redemption:
    actor = user_of(request)
    redemption = redemption_get(user=actor, redemption_id=redemption_id)
    redemption_confirm(actor=actor, redemption=redemption)
    return redemption_get(user=actor, redemption_id=redemption_id)


# ---- merchants -------------------------------------------------------------------------------------------


@router.get("/merchants", response=s.MerchantPageOut, summary="联盟商家（审核人可按状态查看）")
def merchants(request: HttpRequest, q: Query[s.MerchantFilter]) -> dict[str, Any]:
    status = q.status if q.status in MerchantStatus.values else MerchantStatus.APPROVED
    page = paginate(merchant_list(user=user_of(request), status=status, q=q.q), page=q.page, size=q.page_size)
    return {"items": page.items, "count": page.count}


@router.post("/merchants", response={201: s.MerchantOut, **ERRORS}, summary="商家申请加盟")
def merchant_new(request: HttpRequest, payload: s.MerchantIn) -> Status[Any]:
    data = MerchantData(**{**payload.dict(exclude={"org"}), "org": org_of(payload.org)})
    merchant = merchant_apply(actor=user_of(request), data=data)
    return Status(201, merchant)


@router.get("/merchants/{merchant_id}", response={200: s.MerchantOut, 404: s.ErrorOut}, summary="商家详情")
def merchant_detail(request: HttpRequest, merchant_id: int) -> Any:
    return merchant_get(user=user_of(request), merchant_id=merchant_id)


@router.post(
    "/merchants/{merchant_id}/review", response={200: s.MerchantOut, **ERRORS}, summary="审核加盟申请 / 暂停商家"
)
def merchant_review_api(request: HttpRequest, merchant_id: int, payload: s.ReviewIn) -> Any:
    actor = user_of(request)
    merchant = merchant_get(user=actor, merchant_id=merchant_id, action="change")
    if payload.action == "suspend":
        return merchant_suspend(actor=actor, merchant=merchant, note=payload.note)
    return merchant_review(actor=actor, merchant=merchant, approve=payload.action == "approve", note=payload.note)


@router.get(
    "/merchants/{merchant_id}/settlement",
    response={200: s.SettlementOut, **ERRORS},
    summary="商家月度结算（month=2026-07）",
)
def settlement(request: HttpRequest, merchant_id: int, q: Query[s.PageQuery], month: str = "") -> dict[str, Any]:
    merchant = merchant_get(user=user_of(request), merchant_id=merchant_id, action="change")
    first = month_of(month)
    if first is None:
        raise DomainError("月份格式应为 2026-07", field="month", code="bad_month")
    result = merchant_settlement(merchant=merchant, month=first)
    page = paginate(result.rows, page=q.page, size=q.page_size)
    return {
        "merchant": merchant.pk,
        "month": f"{first:%Y-%m}",
        "count": result.count,
        "quantity": result.quantity,
        "points": result.points,
        "items": page.items,
    }
