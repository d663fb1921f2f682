"""/api/v1/teams: teams, rosters, leader/liaison/backbone, join requests, brand projects."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.teams import schemas as s
from redvest.teams.selectors import (
    announcement_get,
    announcement_versions,
    brand_get,
    brand_list,
    join_request_get,
    join_request_inbox,
    my_announcements,
    team_announcements,
    team_get,
    team_list,
    team_roster,
    volunteer_get,
)
from redvest.teams.services import (
    AnnouncementData,
    BrandData,
    TeamData,
    announcement_mark_read,
    announcement_post,
    announcement_revise,
    backbone_set,
    brand_create,
    brand_update,
    join_request_approve,
    join_request_create,
    join_request_reject,
    join_request_withdraw,
    team_create,
    team_set_leader,
    team_set_liaison,
    team_update,
)

router = Router(tags=["服务队"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _team(request: HttpRequest, team_id: int) -> Any:
    return team_get(user=api_user(request), team_id=team_id, with_backbone=True)


# ---- 群公告 -------------------------------------------------------------------------------------


def _announcement_data(payload: s.AnnouncementIn) -> AnnouncementData:
    return AnnouncementData(
        title=payload.title, body=payload.body, pinned=payload.pinned, expires_at=payload.expires_at
    )


@router.get(
    "/announcements/mine", response=list[s.AnnouncementOut], summary="我所在服务队的群公告（置顶在前，标注已读）"
)
@paginate
def announcements_mine(request: HttpRequest) -> QuerySet[Any]:
    return my_announcements(user=api_user(request))


@router.get(
    "/announcements/{int:announcement_id}", response={200: s.AnnouncementOut, **ERRORS}, summary="公告详情（记为已读）"
)
def announcement_detail(request: HttpRequest, announcement_id: int) -> Any:
    user = api_user(request)
    announcement = announcement_get(user=user, pk=announcement_id)
    announcement_mark_read(user=user, announcement=announcement)
    announcement.is_read = True  # type: ignore[attr-defined]  # the list's annotation, set for the reader
    return announcement


@router.get(
    "/announcements/{int:announcement_id}/versions",
    response=list[s.AnnouncementOut],
    summary="公告的全部版本（新的在前）",
)
@paginate
def announcement_history(request: HttpRequest, announcement_id: int) -> QuerySet[Any]:
    announcement = announcement_get(user=api_user(request), pk=announcement_id)
    return announcement_versions(announcement=announcement).select_related("team")


@router.post(
    "/announcements/{int:announcement_id}/revisions",
    response={201: s.AnnouncementOut, **ERRORS},
    summary="修订公告（生成新版本，旧版本保留）",
)
def announcement_revision(request: HttpRequest, announcement_id: int, payload: s.AnnouncementIn) -> Status[Any]:
    user = api_user(request)
    announcement = announcement_get(user=user, pk=announcement_id)
    return Status(201, announcement_revise(actor=user, announcement=announcement, data=_announcement_data(payload)))


@router.get("/{int:team_id}/announcements", response=list[s.AnnouncementOut], summary="服务队群公告（置顶在前）")
@paginate
def team_announcement_list(request: HttpRequest, team_id: int) -> QuerySet[Any]:
    user = api_user(request)
    return team_announcements(user=user, team=team_get(user=user, team_id=team_id))


@router.post("/{int:team_id}/announcements", response={201: s.AnnouncementOut, **ERRORS}, summary="发布群公告")
def team_announcement_new(request: HttpRequest, team_id: int, payload: s.AnnouncementIn) -> Status[Any]:
    user = api_user(request)
    team = team_get(user=user, team_id=team_id)
    return Status(201, announcement_post(actor=user, team=team, data=_announcement_data(payload)))


# ---- Brands (declared before /{team_id} for readability; the int converter keeps them apart) --


@router.get("/brands", response=list[s.BrandOut], summary="品牌项目列表")
@paginate
def brands(request: HttpRequest, filters: Query[s.BrandFilter]) -> QuerySet[Any]:
    return brand_list(user=api_user(request), q=filters.q, owner_id=filters.owner_id)


@router.post("/brands", response={201: s.BrandDetailOut, **ERRORS}, summary="新建品牌项目")
def brand_new(request: HttpRequest, payload: s.BrandIn) -> Status[Any]:
    data = BrandData(name=payload.name, owner_id=payload.owner, description=payload.description, team_ids=payload.teams)
    brand = brand_create(actor=api_user(request), data=data)
    return Status(201, brand_get(user=api_user(request), brand_id=brand.pk))


@router.get("/brands/{brand_id}", response={200: s.BrandDetailOut, 404: s.ErrorOut}, summary="品牌项目详情")
def brand_detail(request: HttpRequest, brand_id: int) -> Any:
    return brand_get(user=api_user(request), brand_id=brand_id)


@router.patch("/brands/{brand_id}", response={200: s.BrandDetailOut, **ERRORS}, summary="修改品牌项目")
def brand_patch(request: HttpRequest, brand_id: int, payload: s.BrandPatch) -> Any:
    brand = brand_get(user=api_user(request), brand_id=brand_id)
    changes = payload.dict(exclude_unset=True)
    data = dataclasses.replace(
        BrandData.of(brand),
        **{{"owner": "owner_id", "teams": "team_ids"}.get(k, k): v for k, v in changes.items()},
    )
    brand_update(actor=api_user(request), brand=brand, data=data)
    return brand_get(user=api_user(request), brand_id=brand_id)


# ---- Join requests ----------------------------------------------------------------------------


@router.get("/join-requests", response=list[s.JoinRequestOut], summary="待我审批的入队申请")
@paginate
def join_requests(request: HttpRequest) -> QuerySet[Any]:
    return join_request_inbox(user=api_user(request))


@router.post("/join-requests/{request_id}/approve", response={200: s.JoinRequestOut, **ERRORS}, summary="同意入队申请")
def join_request_approve_api(request: HttpRequest, request_id: int, payload: s.DecisionIn) -> Any:
    join_request = join_request_get(user=api_user(request), request_id=request_id)
    return join_request_approve(actor=api_user(request), join_request=join_request, note=payload.note)


@router.post("/join-requests/{request_id}/reject", response={200: s.JoinRequestOut, **ERRORS}, summary="拒绝入队申请")
def join_request_reject_api(request: HttpRequest, request_id: int, payload: s.DecisionIn) -> Any:
    join_request = join_request_get(user=api_user(request), request_id=request_id)
    return join_request_reject(actor=api_user(request), join_request=join_request, note=payload.note)


@router.post(
    "/join-requests/{request_id}/withdraw", response={200: s.JoinRequestOut, **ERRORS}, summary="撤回本人的申请"
)
def join_request_withdraw_api(request: HttpRequest, request_id: int) -> Any:
    join_request = join_request_get(user=api_user(request), request_id=request_id)
    return join_request_withdraw(actor=api_user(request), join_request=join_request)


# ---- Teams ------------------------------------------------------------------------------------


@router.get("/", response=list[s.TeamOut], summary="服务队列表（含人数与人数不足标记）")
@paginate
def teams(request: HttpRequest, filters: Query[s.TeamFilter]) -> QuerySet[Any]:
    qs = team_list(
        user=api_user(request),
        q=filters.q,
        kind=filters.kind,
        specialty=filters.specialty,
        org_id=filters.org_id,
        below_min_size=filters.below_min_size,
        status=filters.status,
    )
    return qs


@router.post("/", response={201: s.TeamDetailOut, **ERRORS}, summary="新建服务队")
def team_new(request: HttpRequest, payload: s.TeamIn) -> Status[Any]:
    data = TeamData(
        name=payload.name,
        kind=payload.kind,
        org_id=payload.org,
        specialty=payload.specialty,
        parent_id=payload.parent,
        rules=payload.rules,
    )
    team = team_create(actor=api_user(request), data=data)
    return Status(201, _team(request, team.pk))


@router.get("/{team_id}", response={200: s.TeamDetailOut, 404: s.ErrorOut}, summary="服务队详情")
def team_detail(request: HttpRequest, team_id: int) -> Any:
    return _team(request, team_id)


@router.patch("/{team_id}", response={200: s.TeamDetailOut, **ERRORS}, summary="修改服务队")
def team_patch(request: HttpRequest, team_id: int, payload: s.TeamPatch) -> Any:
    team = _team(request, team_id)
    changes = payload.dict(exclude_unset=True)
    data = dataclasses.replace(
        TeamData.of(team), **{{"org": "org_id", "parent": "parent_id"}.get(k, k): v for k, v in changes.items()}
    )
    team_update(actor=api_user(request), team=team, data=data)
    return _team(request, team_id)


@router.get("/{team_id}/members", response={200: list[s.MemberOut], 404: s.ErrorOut}, summary="队员名单（分页）")
@paginate
def team_members(request: HttpRequest, team_id: int) -> QuerySet[Any]:
    return team_roster(team=_team(request, team_id))


@router.post("/{team_id}/join-requests", response={201: s.JoinRequestOut, **ERRORS}, summary="申请加入服务队")
def team_join(request: HttpRequest, team_id: int, payload: s.JoinRequestIn) -> Status[Any]:
    team = _team(request, team_id)
    volunteer = volunteer_get(user=api_user(request), volunteer_id=payload.volunteer) if payload.volunteer else None
    join_request = join_request_create(
        actor=api_user(request), team=team, kind=payload.kind, message=payload.message, volunteer=volunteer
    )
    return Status(201, join_request)


@router.post("/{team_id}/leader", response={200: s.TeamDetailOut, **ERRORS}, summary="设置负责人（须为在册队员）")
def team_leader(request: HttpRequest, team_id: int, payload: s.VolunteerRefIn) -> Any:
    team_set_leader(actor=api_user(request), team=_team(request, team_id), volunteer_id=payload.volunteer)
    return _team(request, team_id)


@router.post("/{team_id}/liaison", response={200: s.TeamDetailOut, **ERRORS}, summary="设置联络员（须为在册队员）")
def team_liaison(request: HttpRequest, team_id: int, payload: s.VolunteerRefIn) -> Any:
    team_set_liaison(actor=api_user(request), team=_team(request, team_id), volunteer_id=payload.volunteer)
    return _team(request, team_id)


@router.post("/{team_id}/backbone", response={200: s.TeamDetailOut, **ERRORS}, summary="设置骨干梯队（有序）")
def team_backbone(request: HttpRequest, team_id: int, payload: s.BackboneIn) -> Any:
    backbone_set(actor=api_user(request), team=_team(request, team_id), volunteer_ids=list(payload.volunteers))
    return _team(request, team_id)
