"""/api/v1/points: my points and statements, rules and policy, claims, funds and donations, bank
reports; rewards, merchants and the counter (api_rewards); the pioneer index (api_pioneer)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import DomainError, NotFound
from redvest.core.schemas import Id
from redvest.points import schemas as s
from redvest.points._api import ERRORS, org_of
from redvest.points.api_pioneer import router as pioneer_router
from redvest.points.api_rewards import router as rewards_router
from redvest.points.models import AccountKind, EarningRule, PointsAccount, PointsEntry
from redvest.points.selectors import (
    account_get,
    bank_report,
    claim_get,
    claim_list,
    counter_token,
    fund_list,
    my_points,
    policy_for,
    rules_in_force,
    statement,
    volunteer_by_number,
    volunteer_of,
)
from redvest.points.selectors.rewards import COUNTER_TOKEN_MAX_AGE
from redvest.points.services import (
    ClaimData,
    PolicyData,
    RuleData,
    claim_approve,
    claim_reject,
    claim_report,
    claim_revoke,
    donate_to_fund,
    fund_create,
    policy_set,
    rule_clear,
    rule_set,
    transfer_to_volunteer,
)

router = Router(tags=["积分银行"])
router.add_router("", rewards_router)
router.add_router("/index", pioneer_router)


# ---- my points and statements ----------------------------------------------------------------------


@router.get("/me", response={200: s.MeOut, 403: s.ErrorOut}, summary="我的积分：余额、冻结、年度各类积分、礼遇等级")
def me(request: HttpRequest) -> dict[str, Any]:
    mine = my_points(user=api_user(request))
    return {
        "volunteer": mine.volunteer.pk,
        "name": mine.volunteer.name,
        "account": mine.account.pk if mine.account else None,
        "balance": mine.balance,
        "held_points": mine.held_points,
        "year": mine.year,
        "earned_this_year": mine.earned_this_year,
        "earned_by_type": mine.earned_by_type,
        "tier": mine.tier,
        "held": mine.held,
    }


@router.get("/me/qr-token", response={200: s.TokenOut, 403: s.ErrorOut}, summary="兑换柜台二维码令牌（5分钟有效）")
def qr_token(request: HttpRequest) -> dict[str, Any]:
    volunteer = volunteer_of(user=api_user(request))
    return {"token": counter_token(volunteer=volunteer), "expires_in": COUNTER_TOKEN_MAX_AGE}


@router.get(
    "/me/entries",
    response={200: list[s.EntryOut], 403: s.ErrorOut},
    summary="我的积分明细（含每笔后余额；当前余额见 GET /me）",
)
@paginate
def my_entries(request: HttpRequest) -> QuerySet[Any]:
    volunteer = volunteer_of(user=api_user(request))
    account = PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER, volunteer=volunteer).first()
    return statement(account=account) if account is not None else PointsEntry.objects.none()


@router.get(
    "/accounts/{account_id}/entries",
    response={200: list[s.EntryOut], 404: s.ErrorOut},
    summary="账户明细（每笔后余额；最新一笔的即当前余额）",
)
@paginate
def account_entries(request: HttpRequest, account_id: int) -> QuerySet[Any]:
    return statement(account=account_get(user=api_user(request), account_id=account_id))


# ---- rules and policy --------------------------------------------------------------------------------


@router.get(
    "/rules",
    response={200: list[s.RuleInForceOut], 404: s.ErrorOut},
    summary="某组织执行的积分规则（不填为本人所在组织）",
)
@paginate
def rules(request: HttpRequest, org: Id | None = None) -> list[Any]:
    node = org_of(org) if org else volunteer_of(user=api_user(request)).org
    return rules_in_force(org=node)


@router.put("/rules", response={200: s.RuleOut, **ERRORS}, summary="设置本组织某类积分规则（覆盖上级）")
def rule_put(request: HttpRequest, payload: s.RuleIn) -> EarningRule:
    data = RuleData(**payload.dict(exclude={"org"}))
    return rule_set(actor=api_user(request), org=org_of(payload.org), data=data)


@router.delete("/rules/{rule_id}", response={204: None, **ERRORS}, summary="删除本组织规则，改为沿用上级")
def rule_delete(request: HttpRequest, rule_id: int) -> Status[Any]:
    rule = EarningRule.objects.select_related("org").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("规则不存在")
    rule_clear(actor=api_user(request), rule=rule)
    return Status(204, None)


@router.get("/policy", response={200: s.PolicyOut, 404: s.ErrorOut}, summary="某组织执行的积分政策")
def policy(request: HttpRequest, org: Id | None = None) -> Any:
    node = org_of(org) if org else volunteer_of(user=api_user(request)).org
    return policy_for(org=node)


@router.put("/policy/{org_id}", response={200: s.PolicyOut, **ERRORS}, summary="设置本组织积分政策（空值沿用上级）")
def policy_put(request: HttpRequest, org_id: int, payload: s.PolicyIn) -> Any:
    node = org_of(org_id)
    policy_set(actor=api_user(request), org=node, data=PolicyData(**payload.dict()))
    return policy_for(org=node)


# ---- claims (好人好事登记) ------------------------------------------------------------------------------


@router.get("/claims", response=list[s.ClaimOut], summary="积分申报列表（我登记的、我的、待我审核的）")
@paginate
def claims(request: HttpRequest, q: Query[s.ClaimFilter]) -> QuerySet[Any]:
    return claim_list(user=api_user(request), status=q.status, point_type=q.point_type)


@router.post("/claims", response={201: s.ClaimOut, **ERRORS}, summary="登记好人好事（附佐证材料）")
def claim_new(
    request: HttpRequest,
    volunteer_number: Form[str],
    point_type: Form[str],
    title: Form[str],
    occurred_on: Form[datetime.date],
    evidence: File[UploadedFile],
    description: Form[str] = "",
    place: Form[str] = "",
) -> Status[Any]:
    volunteer = volunteer_by_number(number=volunteer_number)
    if volunteer is None:
        raise DomainError("没有找到该编号的已注册志愿者", field="volunteer_number", code="volunteer_not_found")
    data = ClaimData(
        volunteer=volunteer,
        point_type=point_type,
        title=title,
        occurred_on=occurred_on,
        description=description,
        place=place,
        evidence=evidence,
    )
    claim = claim_report(actor=api_user(request), data=data)
    return Status(201, claim_get(user=api_user(request), claim_id=claim.pk))


@router.get("/claims/{claim_id}", response={200: s.ClaimOut, 404: s.ErrorOut}, summary="积分申报详情")
def claim_detail(request: HttpRequest, claim_id: int) -> Any:
    return claim_get(user=api_user(request), claim_id=claim_id)


@router.post("/claims/{claim_id}/approve", response={200: s.ClaimOut, **ERRORS}, summary="审核通过并入账")
def claim_approve_api(request: HttpRequest, claim_id: int, payload: s.ApproveIn) -> Any:
    claim = claim_get(user=api_user(request), claim_id=claim_id)
    claim_approve(actor=api_user(request), claim=claim, points=payload.points, note=payload.note)
    return claim_get(user=api_user(request), claim_id=claim_id)


@router.post("/claims/{claim_id}/reject", response={200: s.ClaimOut, **ERRORS}, summary="审核不通过（须填写原因）")
def claim_reject_api(request: HttpRequest, claim_id: int, payload: s.NoteIn) -> Any:
    claim = claim_get(user=api_user(request), claim_id=claim_id)
    claim_reject(actor=api_user(request), claim=claim, note=payload.note)
    return claim_get(user=api_user(request), claim_id=claim_id)


@router.post("/claims/{claim_id}/revoke", response={200: s.ClaimOut, **ERRORS}, summary="撤销已通过的申报并冲正积分")
def claim_revoke_api(request: HttpRequest, claim_id: int, payload: s.NoteIn) -> Any:
    claim = claim_get(user=api_user(request), claim_id=claim_id)
    claim_revoke(actor=api_user(request), claim=claim, reason=payload.note)
    return claim_get(user=api_user(request), claim_id=claim_id)


# ---- funds, donations, bank --------------------------------------------------------------------------


@router.get("/funds", response=list[s.AccountOut], summary="我管理的爱心基金")
@paginate
def funds(request: HttpRequest) -> QuerySet[Any]:
    return fund_list(user=api_user(request))


@router.post("/funds", response={201: s.AccountOut, **ERRORS}, summary="设立爱心基金")
def fund_new(request: HttpRequest, payload: s.FundIn) -> Status[Any]:
    return Status(201, fund_create(actor=api_user(request), org=org_of(payload.org), name=payload.name))


@router.post("/donations", response={201: s.DonationOut, **ERRORS}, summary="捐赠积分给爱心基金或转赠其他志愿者")
def donation(request: HttpRequest, payload: s.DonationIn) -> Status[Any]:
    actor = api_user(request)
    volunteer = volunteer_of(user=actor)
    if payload.fund is not None:
        fund = PointsAccount.objects.filter(pk=payload.fund, kind=AccountKind.FUND).select_related("org").first()
        if fund is None:
            raise NotFound("爱心基金不存在", field="fund")
        txn = donate_to_fund(actor=actor, volunteer=volunteer, fund=fund, amount=payload.amount, note=payload.note)
    elif payload.recipient_number:
        recipient = volunteer_by_number(number=payload.recipient_number)
        if recipient is None:
            raise NotFound("没有找到该编号的已注册志愿者", field="recipient_number")
        txn = transfer_to_volunteer(
            actor=actor, volunteer=volunteer, recipient=recipient, amount=payload.amount, note=payload.note
        )
    else:
        raise DomainError("请选择爱心基金或填写受赠志愿者编号", field="fund", code="no_target")
    balance = PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=volunteer).balance
    return Status(201, {"transaction": txn.pk, "balance": balance})


@router.get("/bank/report", response={200: s.BankReportOut, **ERRORS}, summary="好人好事银行报表")
def bank(request: HttpRequest, org: Id, start: datetime.date | None = None, end: datetime.date | None = None) -> Any:
    today = timezone.localdate()
    first, last = start or today.replace(day=1), end or today
    if last < first or (last - first).days > 366:
        raise DomainError("查询区间应在一年以内，且截止日期不早于开始日期", field="end", code="bad_range")
    return bank_report(user=api_user(request), org=org_of(org), start=first, end=last)
