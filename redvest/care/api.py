"""/api/v1/care/: people in need, consent and health data, pairings, visits and the overdue list.
Every list is {"items", "count"} with page/page_size; errors are {"code", "message", "errors"}."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from redvest.care import schemas as s
from redvest.care import selectors, services
from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

router = Router(tags=["结对帮扶"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}


# ---- Recipients -------------------------------------------------------------------------------


@router.get("/recipients", response=list[s.RecipientRowOut], summary="帮扶对象列表（按权限范围，电话脱敏）")
@paginate
def recipients(request: HttpRequest, filters: Query[s.RecipientFilter]) -> QuerySet[Any]:
    f = selectors.RecipientFilters(
        category=filters.category, org_id=filters.org, overdue=filters.overdue, status=filters.status, q=filters.q
    )
    return selectors.recipient_list(user=api_user(request), filters=f)


@router.post("/recipients", response={201: s.RecipientOut, **ERRORS}, summary="登记帮扶对象")
def recipient_new(request: HttpRequest, payload: s.RecipientIn) -> Status[Any]:
    data = services.RecipientData(org_id=payload.org, **payload.dict(exclude={"org"}))
    return Status(201, services.recipient_create(actor=api_user(request), data=data))


@router.get("/recipients/{recipient_id}", response={200: s.RecipientOut, **ERRORS}, summary="帮扶对象详情")
def recipient(request: HttpRequest, recipient_id: int) -> Any:
    return selectors.recipient_get(user=api_user(request), pk=recipient_id)


# ---- Consent and health -----------------------------------------------------------------------


@router.post(
    "/recipients/{recipient_id}/consents", response={201: s.ConsentOut, **ERRORS}, summary="登记健康信息单独同意"
)
def consent_new(request: HttpRequest, recipient_id: int, payload: s.ConsentIn) -> Status[Any]:
    user = api_user(request)
    recipient = selectors.recipient_get(user=user, pk=recipient_id, action="change")
    consent = services.consent_record(actor=user, recipient=recipient, **payload.dict())
    return Status(201, consent)


@router.post(
    "/consents/{consent_id}/withdraw", response={200: s.ConsentOut, **ERRORS}, summary="撤回同意（删除健康信息）"
)
def consent_withdraw(request: HttpRequest, consent_id: int, payload: s.WithdrawIn) -> Any:
    user = api_user(request)
    consent = selectors.consent_get(user=user, pk=consent_id)
    return services.consent_withdraw(actor=user, consent=consent, reason=payload.reason)


@router.get(
    "/recipients/{recipient_id}/health", response={200: s.HealthOut, **ERRORS}, summary="健康与残疾信息（查看留痕）"
)
def health(request: HttpRequest, recipient_id: int) -> Any:
    user = api_user(request)
    recipient = selectors.recipient_get(user=user, pk=recipient_id)
    data = services.health_reveal(actor=user, recipient=recipient)
    if data is None:
        return {**dataclasses.asdict(services.HealthData()), "recorded": False}
    return {**dataclasses.asdict(data), "recorded": True}


@router.put(
    "/recipients/{recipient_id}/health",
    response={200: s.HealthOut, **ERRORS},
    summary="记录健康与残疾信息（须有有效的单独同意，否则422）",
)
def health_put(request: HttpRequest, recipient_id: int, payload: s.HealthIn) -> Any:
    user = api_user(request)
    recipient = selectors.recipient_get(user=user, pk=recipient_id)
    data = services.HealthData(**payload.dict())
    services.health_save(actor=user, recipient=recipient, data=data)
    return {**dataclasses.asdict(data), "recorded": True}


# ---- Pairings ---------------------------------------------------------------------------------


@router.get("/pairings", response=list[s.PairingOut], summary="结对关系列表")
@paginate
def pairings(request: HttpRequest, filters: Query[s.PairingFilter]) -> QuerySet[Any]:
    qs = selectors.pairing_list(user=api_user(request), recipient_id=filters.recipient, status=filters.status)
    return qs


@router.post("/pairings", response={201: s.PairingOut, **ERRORS}, summary="建立结对（志愿者或服务队二选一）")
def pairing_new(request: HttpRequest, payload: s.PairingIn) -> Status[Any]:
    user = api_user(request)
    recipient = selectors.recipient_get(user=user, pk=payload.recipient, action="change")
    volunteer = team = None
    if payload.volunteer is not None:
        volunteer = Volunteer.objects.select_related("org").filter(pk=payload.volunteer).first()
        if volunteer is None:
            raise NotFound("志愿者不存在", field="volunteer")
    if payload.team is not None:
        team = Team.objects.select_related("org").filter(pk=payload.team).first()
        if team is None:
            raise NotFound("服务队不存在", field="team")
    pairing = services.pairing_create(
        actor=user, recipient=recipient, volunteer=volunteer, team=team, started_on=payload.started_on
    )
    return Status(201, selectors.pairing_get(user=user, pk=pairing.pk))


@router.post("/pairings/{pairing_id}/end", response={200: s.PairingOut, **ERRORS}, summary="解除结对")
def pairing_end(request: HttpRequest, pairing_id: int, payload: s.EndIn) -> Any:
    user = api_user(request)
    pairing = selectors.pairing_get(user=user, pk=pairing_id)
    services.pairing_end(actor=user, pairing=pairing, reason=payload.reason)
    return selectors.pairing_get(user=user, pk=pairing_id)


@router.get("/overdue", response=list[s.OverdueOut], summary="逾期走访（逾期天数排序）")
@paginate
def overdue(request: HttpRequest, filters: Query[s.OverdueFilter]) -> QuerySet[Any]:
    today = timezone.localdate()
    qs = selectors.overdue_pairings(user=api_user(request), today=today, org_id=filters.org, sort=filters.sort)
    return qs


# ---- Visits -----------------------------------------------------------------------------------


@router.get("/visits", response=list[s.VisitOut], summary="走访记录")
@paginate
def visits(request: HttpRequest, filters: Query[s.VisitFilter]) -> QuerySet[Any]:
    qs = selectors.visit_list(
        user=api_user(request), recipient_id=filters.recipient, start=filters.start, end=filters.end
    )
    return qs


@router.post(
    "/visits",
    response={201: s.VisitOut, **ERRORS},
    summary="记录走访（create_request=true 时把发现的需求同时登记为需求工单）",
)
def visit_new(request: HttpRequest, payload: s.VisitIn) -> Status[Any]:
    user = api_user(request)
    recipient = selectors.recipient_get(user=user, pk=payload.recipient)
    data = services.VisitData(
        visited_on=payload.visited_on,
        form=payload.form,
        duration_minutes=payload.duration_minutes,
        notes=payload.notes,
        need_found=payload.need_found,
        need_item_code=payload.need_item_code,
        create_request=payload.create_request,
        pairing_id=payload.pairing,
    )
    return Status(201, services.visit_log(actor=user, recipient=recipient, data=data, now=timezone.now()))
