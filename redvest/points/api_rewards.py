"""/api/v1/points: the rewards catalog, reservations, the counter, alliance merchants and settlement."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import DomainError
from redvest.points import schemas as s
from redvest.points._api import ERRORS, org_of
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
from redvest.points.selectors.rewards import Settlement, month_of
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


@router.get("/items", response=list[s.ItemOut], summary="兑换商城：当前可兑换的物品")
@paginate
def items(request: HttpRequest, q: Query[s.ItemFilter]) -> QuerySet[Any]:
    qs = catalog(user=api_user(request), q=q.q, kind=q.kind, provider=q.provider, merchant_id=q.merchant)
    return qs


@router.get("/items/{item_id}", response={200: s.ItemOut, 404: s.ErrorOut}, summary="物品详情")
def item_detail(request: HttpRequest, item_id: int) -> RewardItem:
    return item_get(user=api_user(request), item_id=item_id)


@router.post("/items", response={201: s.ItemOut, **ERRORS}, summary="发布物品（好人好事银行或联盟商家）")
def item_new(request: HttpRequest, payload: s.ItemIn) -> Status[Any]:
    actor = api_user(request)
    merchant = merchant_get(user=actor, merchant_id=payload.merchant, action="change") if payload.merchant else None
    org = org_of(payload.org) if merchant is None else None
    data = ItemData(**payload.dict(exclude={"org", "merchant"}))
    return Status(201, item_create(actor=actor, data=data, org=org, merchant=merchant))


@router.patch("/items/{item_id}", response={200: s.ItemOut, **ERRORS}, summary="修改物品（库存、上下架等）")
def item_patch(request: HttpRequest, item_id: int, payload: s.ItemPatch) -> RewardItem:
    actor = api_user(request)
    item = item_get(user=actor, item_id=item_id, action="change")
    current = {f: getattr(item, f) for f in s.ItemPatch.model_fields}
    current.update({k: v for k, v in payload.dict(exclude_unset=True).items()})
    return item_update(actor=actor, item=item, data=ItemData(**current))


@router.post(
    "/items/{item_id}/reserve", response={201: s.RedemptionOut, **ERRORS}, summary="预约兑换（积分冻结、库存扣减）"
)
def reserve(request: HttpRequest, item_id: int, payload: s.ReserveIn) -> Status[Any]:
    actor = api_user(request)
    item = item_get(user=actor, item_id=item_id)
    volunteer = volunteer_of(user=actor)
    redemption = redemption_reserve(actor=actor, volunteer=volunteer, item=item, quantity=payload.quantity)
    return Status(201, redemption_get(user=actor, redemption_id=redemption.pk))


# ---- redemptions and the counter -----------------------------------------------------------------------


@router.get("/redemptions", response={200: list[s.RedemptionOut], 403: s.ErrorOut}, summary="我的兑换")
@paginate
def redemptions(request: HttpRequest, status: str = "") -> QuerySet[Any]:
    volunteer = volunteer_of(user=api_user(request))
    return my_redemptions(volunteer=volunteer, status=status)


@router.post(
    "/redemptions/{redemption_id}/cancel",
    response={200: s.RedemptionOut, **ERRORS},
    summary="取消预约（积分退回、库存恢复）",
)
def cancel(request: HttpRequest, redemption_id: int) -> Redemption:
    actor = api_user(request)
    redemption = redemption_get(user=actor, redemption_id=redemption_id)
    redemption_cancel(actor=actor, redemption=redemption)
    return redemption_get(user=actor, redemption_id=redemption_id)


@router.get("/counter/redemptions", response=list[s.RedemptionOut], summary="本柜台待核销的预约")
@paginate
def counter_pending(request: HttpRequest) -> QuerySet[Any]:
    return counter_redemptions(user=api_user(request))


@router.post(
    "/counter/lookup", response={200: list[s.RedemptionOut], **ERRORS}, summary="按6位核销码或二维码令牌查找待核销预约"
)
@paginate
def counter_find(request: HttpRequest, payload: s.CounterIn) -> list[Redemption]:
    return counter_lookup(user=api_user(request), text=payload.code)


@router.post(
    "/redemptions/{redemption_id}/confirm", response={200: s.RedemptionOut, **ERRORS}, summary="柜台确认兑换（核销）"
)
def confirm(request: HttpRequest, redemption_id: int) -> Redemption:
    actor = api_user(request)
    redemption = redemption_get(user=actor, redemption_id=redemption_id)
    redemption_confirm(actor=actor, redemption=redemption)
    return redemption_get(user=actor, redemption_id=redemption_id)


# ---- merchants -------------------------------------------------------------------------------------------


@router.get("/merchants", response=list[s.MerchantOut], summary="联盟商家（审核人可按状态查看）")
@paginate
def merchants(request: HttpRequest, q: Query[s.MerchantFilter]) -> QuerySet[Any]:
    status = q.status if q.status in MerchantStatus.values else MerchantStatus.APPROVED
    return merchant_list(user=api_user(request), status=status, q=q.q)


@router.post("/merchants", response={201: s.MerchantOut, **ERRORS}, summary="商家申请加盟")
def merchant_new(request: HttpRequest, payload: s.MerchantIn) -> Status[Any]:
    data = MerchantData(**{**payload.dict(exclude={"org"}), "org": org_of(payload.org)})
    merchant = merchant_apply(actor=api_user(request), data=data)
    return Status(201, merchant)


@router.get("/merchants/{merchant_id}", response={200: s.MerchantOut, 404: s.ErrorOut}, summary="商家详情")
def merchant_detail(request: HttpRequest, merchant_id: int) -> Any:
    return merchant_get(user=api_user(request), merchant_id=merchant_id)


@router.post(
    "/merchants/{merchant_id}/review", response={200: s.MerchantOut, **ERRORS}, summary="审核加盟申请 / 暂停商家"
)
def merchant_review_api(request: HttpRequest, merchant_id: int, payload: s.ReviewIn) -> Any:
    actor = api_user(request)
    merchant = merchant_get(user=actor, merchant_id=merchant_id, action="change")
    if payload.action == "suspend":
        return merchant_suspend(actor=actor, merchant=merchant, note=payload.note)
    return merchant_review(actor=actor, merchant=merchant, approve=payload.action == "approve", note=payload.note)


@router.get(
    "/merchants/{merchant_id}/settlement",
    response={200: s.SettlementOut, **ERRORS},
    summary="商家月度结算汇总（month=2026-07；明细见 /settlement/items）",
)
def settlement(request: HttpRequest, merchant_id: int, month: str = "") -> dict[str, Any]:
    result = _settlement(request, merchant_id, month)
    return {
        "merchant": merchant_id,
        "month": f"{result.month:%Y-%m}",
        "count": result.count,
        "quantity": result.quantity,
        "points": result.points,
    }


@router.get(
    "/merchants/{merchant_id}/settlement/items",
    response={200: list[s.SettlementRowOut], **ERRORS},
    summary="商家月度结算明细（month=2026-07，分页）",
)
@paginate
def settlement_items(request: HttpRequest, merchant_id: int, month: str = "") -> QuerySet[Redemption]:
    return _settlement(request, merchant_id, month).rows


def _settlement(request: HttpRequest, merchant_id: int, month: str) -> Settlement:
    merchant = merchant_get(user=api_user(request), merchant_id=merchant_id, action="change")
    first = month_of(month)
    if first is None:
        raise DomainError("月份格式应为 2026-07", field="month", code="bad_month")
    return merchant_settlement(merchant=merchant, month=first)
