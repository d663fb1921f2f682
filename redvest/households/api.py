"""/api/v1/households/: 联系户 and their contact log. Lists are {"items", "count", "count_capped"} with
page/page_size; errors are {"code", "message", "errors"} (422 naming the field)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.households import schemas as s
from redvest.households import selectors, services

router = Router(tags=["联户"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}


def _data(payload: s.HouseholdIn) -> services.HouseholdData:
    return services.HouseholdData(
        org_id=payload.org,
        head_name=payload.head_name,
        address=payload.address,
        phone=payload.phone,
        notes=payload.notes,
        volunteer_id=payload.volunteer,
        team_id=payload.team,
    )


@router.get("/", response=list[s.HouseholdOut], summary="联系户列表（按权限范围，电话脱敏；久未联系的在前）")
@paginate
def household_list(request: HttpRequest, filters: Query[s.HouseholdFilter]) -> QuerySet[Any]:
    f = selectors.HouseholdFilters(q=filters.q, org_id=filters.org, overdue=filters.overdue)
    return selectors.household_list(user=api_user(request), filters=f)


@router.get("/mine", response=list[s.HouseholdOut], summary="我联系的户（本人或所带服务队）")
@paginate
def household_mine(request: HttpRequest) -> QuerySet[Any]:
    return selectors.my_households(user=api_user(request))


@router.post("/", response={201: s.HouseholdOut, **ERRORS}, summary="登记联系户（管理员）")
def household_create(request: HttpRequest, payload: s.HouseholdIn) -> Status[Any]:
    user = api_user(request)
    household = services.household_create(actor=user, data=_data(payload))
    return Status(201, selectors.household_get(user=user, pk=household.pk))


@router.get("/{int:household_id}", response={200: s.HouseholdOut, **ERRORS}, summary="联系户详情")
def household_detail(request: HttpRequest, household_id: int) -> Any:
    return selectors.household_get(user=api_user(request), pk=household_id)


@router.put("/{int:household_id}", response={200: s.HouseholdOut, **ERRORS}, summary="修改联系户或改换联户人")
def household_update(request: HttpRequest, household_id: int, payload: s.HouseholdIn) -> Any:
    user = api_user(request)
    household = selectors.household_get(user=user, pk=household_id, action="change")
    services.household_update(actor=user, household=household, data=_data(payload))
    return selectors.household_get(user=user, pk=household_id)


@router.post("/{int:household_id}/phone", response={200: s.PhoneOut, **ERRORS}, summary="查看完整电话（留审计）")
def household_phone(request: HttpRequest, household_id: int) -> Any:
    user = api_user(request)
    household = selectors.household_get(user=user, pk=household_id)
    return {"phone": services.household_phone_reveal(actor=user, household=household)}


@router.get("/{int:household_id}/contacts", response=list[s.ContactOut], summary="联系记录（新的在前）")
@paginate
def contact_list(request: HttpRequest, household_id: int) -> QuerySet[Any]:
    user = api_user(request)
    household = selectors.household_get(user=user, pk=household_id)
    return selectors.household_contacts(user=user, household=household)


@router.post("/{int:household_id}/contacts", response={201: s.ContactOut, **ERRORS}, summary="记录一次联系（只能新增）")
def contact_create(request: HttpRequest, household_id: int, payload: s.ContactIn) -> Status[Any]:
    user = api_user(request)
    household = selectors.household_get(user=user, pk=household_id)
    data = services.ContactData(
        contacted_on=payload.contacted_on, way=payload.way, content=payload.content, follow_up=payload.follow_up
    )
    return Status(201, services.contact_log(actor=user, household=household, data=data))
