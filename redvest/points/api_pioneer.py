"""/api/v1/points/index: the pioneer index (党员先锋指数)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from redvest.accounts.policy import home_orgs
from redvest.core.api_pagination import Fetched, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import PermissionDenied
from redvest.core.pagination import Page
from redvest.core.schemas import Id, UInt16
from redvest.orgs.models import OrgNode
from redvest.points import schemas as s
from redvest.points._api import ERRORS, org_of
from redvest.points.models import PioneerConfig, PioneerEntry
from redvest.points.selectors import (
    Breakdown,
    party_member_for,
    pioneer_breakdown,
    pioneer_config_for,
    pioneer_entries,
    pioneer_entry_get,
    pioneer_ranking,
    volunteer_of,
)
from redvest.points.services import ConfigData, pioneer_config_set, pioneer_entry_add, pioneer_entry_revoke

router = Router(tags=["党员先锋指数"])


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/me", response={200: s.BreakdownOut, 403: s.ErrorOut, 404: s.ErrorOut}, summary="我的先锋指数明细")
def mine(request: HttpRequest, year: UInt16 | None = None) -> Breakdown:
    return pioneer_breakdown(volunteer=volunteer_of(user=api_user(request)), year=_year(year))


@router.get("/ranking", response={200: list[s.RankingRowOut], **ERRORS}, summary="本辖区党员先锋指数排名（分页）")
@paginate
def ranking(request: HttpRequest, q: Query[s.RankingQuery]) -> Fetched[Any]:
    actor = api_user(request)
    if q.org:
        org = org_of(q.org)
    else:
        home = OrgNode.objects.filter(pk__in=home_orgs(actor)).order_by("path").first()
        if home is None:
            raise PermissionDenied("只有组织管理员可以查看先锋指数排名")
        org = home
    year = _year(q.year)

    def fetch(page: int, size: int) -> Page[Any]:
        found = pioneer_ranking(user=actor, org=org, year=year, page=page, size=size)
        return Page(items=found.rows, count=found.count, number=found.number, size=found.size)

    return Fetched(fetch)


@router.get("/entries", response=list[s.PioneerEntryOut], summary="先锋指数加减分记录")
@paginate
def entries(request: HttpRequest, q: Query[s.PioneerEntryFilter]) -> QuerySet[Any]:
    return pioneer_entries(user=api_user(request), year=q.year, number=q.number)


@router.post(
    "/entries", response={201: s.PioneerEntryOut, **ERRORS}, summary="记录加分（表彰、典型）或扣分（投诉、违规）"
)
def entry_new(request: HttpRequest, payload: s.PioneerEntryIn) -> Status[Any]:
    actor = api_user(request)
    member = party_member_for(user=actor, number=payload.number)
    entry = pioneer_entry_add(
        actor=actor,
        volunteer=member,
        year=payload.year,
        category=payload.category,
        score=payload.score,
        reason=payload.reason,
    )
    return Status(201, entry)


@router.post("/entries/{entry_id}/revoke", response={200: s.PioneerEntryOut, **ERRORS}, summary="撤销加减分记录")
def entry_revoke(request: HttpRequest, entry_id: int, payload: s.RevokeIn) -> PioneerEntry:
    actor = api_user(request)
    return pioneer_entry_revoke(
        actor=actor, entry=pioneer_entry_get(user=actor, entry_id=entry_id), reason=payload.reason
    )


@router.get("/config", response={200: s.PioneerConfigIO, 404: s.ErrorOut}, summary="某组织执行的先锋指数权重")
def config(request: HttpRequest, org: Id) -> PioneerConfig:
    return pioneer_config_for(org=org_of(org))


@router.put("/config/{org_id}", response={200: s.PioneerConfigIO, **ERRORS}, summary="设置本组织先锋指数权重与等次")
def config_put(request: HttpRequest, org_id: int, payload: s.PioneerConfigIO) -> PioneerConfig:
    return pioneer_config_set(actor=api_user(request), org=org_of(org_id), data=ConfigData(**payload.dict()))
