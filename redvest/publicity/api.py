"""/api/v1/publicity: commitments and the public wall, exemplars (and their public list), training
sessions, enrolment, attendance and training hours. Lists are {"items", "count"} with page/page_size;
the wall and the public exemplars need no login."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from redvest.accounts.policy import scope
from redvest.core.api_pagination import Fetched, Rows, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode
from redvest.publicity import schemas as s
from redvest.publicity.models import Commitment, ExemplarPhoto
from redvest.publicity.selectors import (
    Progress,
    PublicExemplar,
    WallRow,
    commitment_get,
    commitment_list,
    commitment_progress,
    exemplar_get,
    exemplar_list,
    follow_ups,
    my_training,
    my_volunteer,
    public_exemplar,
    public_exemplars,
    session_get,
    session_list,
    training_hours_report,
    wall,
    wall_org,
)
from redvest.publicity.services import (
    CommitmentData,
    ExemplarData,
    PhotoIn,
    SessionData,
    attendance_mark,
    commitment_create,
    commitment_follow_up,
    commitment_update,
    exemplar_add_photos,
    exemplar_create,
    exemplar_publish,
    exemplar_submit,
    exemplar_unpublish,
    training_enrol,
    training_session_create,
)
from redvest.volunteers.models import Volunteer

router = Router(tags=["承诺、典型与培训"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _progress(p: Progress | None) -> dict[str, Any] | None:
    return None if p is None else {"kind": p.kind, "target": p.target, "done": p.done, "percent": p.percent}


def _commitment(c: Commitment, progress: Progress | None) -> dict[str, Any]:
    return {
        "id": c.pk,
        "volunteer": c.volunteer_id,
        "volunteer_name": c.volunteer.name,
        "org": c.volunteer.org_id,
        "year": c.year,
        "setting": c.setting,
        "text": c.text,
        "target_kind": c.target_kind,
        "target_value": c.target_value,
        "status": c.status,
        "followed_up_on": c.followed_up_on,
        "progress": _progress(progress),
    }


def _required_org(org_id: int, field: str = "org") -> OrgNode:
    org = OrgNode.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFound("组织不存在", field=field)
    return org


def _org(org_id: int | None, field: str = "org") -> OrgNode | None:
    return None if org_id is None else _required_org(org_id, field)


def _volunteer(request: HttpRequest, volunteer_id: int | None) -> Volunteer:
    if volunteer_id is None:
        return my_volunteer(user=api_user(request))
    found = (
        scope(api_user(request), "volunteer", Volunteer.objects.select_related("org", "user"))
        .filter(pk=volunteer_id)
        .first()
    )
    if found is None:
        raise NotFound("志愿者不存在或您无权查看", field="volunteer")
    return found


# ---- commitments ---------------------------------------------------------------------------------


@router.get("/commitments", response=list[s.CommitmentOut], summary="公开承诺列表（按权限范围）")
@paginate
def commitments(request: HttpRequest, filters: Query[s.CommitmentFilter]) -> Rows[Commitment, dict[str, Any]]:
    qs = commitment_list(
        user=api_user(request),
        year=filters.year,
        setting=filters.setting,
        status=filters.status,
        org=_org(filters.org),
        q=filters.q,
    )

    def rows(page: list[Commitment]) -> list[dict[str, Any]]:
        progress = commitment_progress(page)
        return [_commitment(c, progress.get(c.pk)) for c in page]

    return Rows(qs, rows)


@router.post("/commitments", response={201: s.CommitmentOut, **ERRORS}, summary="作出承诺（本人，或管理员代为登记）")
def commitment_new(request: HttpRequest, payload: s.CommitmentIn) -> Status[Any]:
    """每名志愿者每年每个服务场景（community 社区 / village 村 / enterprise 企业）一项承诺；
    target_kind 为 minutes 时 target_value 为分钟数，为 activities 时为活动次数。"""
    volunteer = _volunteer(request, payload.volunteer)
    c = commitment_create(
        actor=api_user(request),
        volunteer=volunteer,
        data=CommitmentData(
            year=payload.year,
            setting=payload.setting,
            text=payload.text,
            target_kind=payload.target_kind,
            target_value=payload.target_value,
        ),
    )
    c = commitment_get(user=api_user(request), pk=c.pk)
    return Status(201, _commitment(c, commitment_progress([c]).get(c.pk)))


@router.get(
    "/commitments/{commitment_id}", response={200: s.CommitmentDetailOut, 404: s.ErrorOut}, summary="承诺详情及跟进记录"
)
def commitment_one(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    c = commitment_get(user=api_user(request), pk=commitment_id)
    history = [
        {
            "id": f.pk,
            "status": f.status,
            "note": f.note,
            "followed_on": f.followed_on,
            "actor": f.actor_id,
            "created_at": f.created_at,
        }
        for f in follow_ups(commitment=c)
    ]
    return {**_commitment(c, commitment_progress([c]).get(c.pk)), "follow_ups": history}


@router.patch(
    "/commitments/{commitment_id}", response={200: s.CommitmentOut, **ERRORS}, summary="修改承诺（兑现结论前）"
)
def commitment_edit(request: HttpRequest, commitment_id: int, payload: s.CommitmentUpdateIn) -> dict[str, Any]:
    user = api_user(request)
    c = commitment_update(
        actor=user,
        commitment=commitment_get(user=user, pk=commitment_id),
        text=payload.text,
        target_kind=payload.target_kind,
        target_value=payload.target_value,
    )
    c = commitment_get(user=user, pk=c.pk)
    return _commitment(c, commitment_progress([c]).get(c.pk))


@router.post(
    "/commitments/{commitment_id}/follow-ups", response={201: s.FollowUpOut, **ERRORS}, summary="跟进承诺兑现情况"
)
def commitment_follow(request: HttpRequest, commitment_id: int, payload: s.FollowUpIn) -> Status[Any]:
    c = commitment_get(user=api_user(request), pk=commitment_id)
    f = commitment_follow_up(
        actor=api_user(request), commitment=c, status=payload.status, note=payload.note, followed_on=payload.followed_on
    )
    return Status(
        201,
        {
            "id": f.pk,
            "status": f.status,
            "note": f.note,
            "followed_on": f.followed_on,
            "actor": f.actor_id,
            "created_at": f.created_at,
        },
    )


def _wall_row(r: WallRow) -> dict[str, Any]:
    return {
        "id": r.commitment.pk,
        "name": r.name,
        "org_name": r.commitment.volunteer.org.name,
        "year": r.commitment.year,
        "setting": r.commitment.setting,
        "text": r.commitment.text,
        "status": r.commitment.status,
        "progress": _progress(r.progress),
    }


@router.get("/wall", response={200: list[s.WallItemOut], 404: s.ErrorOut}, auth=None, summary="公开承诺墙（无需登录）")
@paginate
def wall_api(request: HttpRequest, filters: Query[s.WallFilter]) -> Fetched[dict[str, Any]]:
    """某组织及其下级的公开承诺；未同意公开的志愿者姓名以掩码显示。"""
    org = wall_org(org_id=filters.org)
    return Fetched(
        lambda page, size: wall(org=org, year=filters.year, setting=filters.setting, page=page, size=size).page,
        _wall_row,
    )


# ---- exemplars -----------------------------------------------------------------------------------


@router.get("/exemplars", response=list[s.ExemplarOut], summary="先进典型（管理，按权限范围）")
@paginate
def exemplars(request: HttpRequest, filters: Query[s.ExemplarFilter]) -> QuerySet[Any]:
    return exemplar_list(user=api_user(request), status=filters.status)


@router.post("/exemplars", response={201: s.ExemplarOut, **ERRORS}, summary="撰写典型（草稿）")
def exemplar_new(request: HttpRequest, payload: s.ExemplarIn) -> Status[Any]:
    e = exemplar_create(
        actor=api_user(request),
        org=_required_org(payload.org),
        data=ExemplarData(
            title=payload.title, body=payload.body, volunteer_ids=payload.volunteers, team_ids=payload.teams
        ),
    )
    return Status(201, exemplar_get(user=api_user(request), pk=e.pk))


@router.post(
    "/exemplars/{exemplar_id}/photos", response={201: list[s.PhotoOut], **ERRORS}, summary="上传典型照片（可多张）"
)
def exemplar_photos_add(
    request: HttpRequest,
    exemplar_id: int,
    photos: File[list[UploadedFile]],
    captions: Form[list[str]] = None,  # type: ignore[assignment]  # ninja: optional form list
) -> Status[Any]:
    """multipart/form-data：photos 可多张（JPG/PNG/WebP，每张不超过5MB，每篇最多9张），captions 按顺序对应。"""
    captions = captions or []
    items = [PhotoIn(f, captions[i] if i < len(captions) else "") for i, f in enumerate(photos)]
    added = exemplar_add_photos(
        actor=api_user(request), exemplar=exemplar_get(user=api_user(request), pk=exemplar_id), photos=items
    )
    return Status(201, [_photo(p) for p in added])


def _photo(p: ExemplarPhoto) -> dict[str, Any]:
    return {"id": p.pk, "caption": p.caption, "url": reverse("publicity:photo", args=[p.pk])}


@router.post("/exemplars/{exemplar_id}/submit", response={200: s.ExemplarOut, **ERRORS}, summary="提交发布")
def exemplar_submit_api(request: HttpRequest, exemplar_id: int) -> Any:
    exemplar_submit(actor=api_user(request), exemplar=exemplar_get(user=api_user(request), pk=exemplar_id))
    return exemplar_get(user=api_user(request), pk=exemplar_id)


@router.post("/exemplars/{exemplar_id}/publish", response={200: s.ExemplarOut, **ERRORS}, summary="发布典型")
def exemplar_publish_api(request: HttpRequest, exemplar_id: int) -> Any:
    exemplar_publish(actor=api_user(request), exemplar=exemplar_get(user=api_user(request), pk=exemplar_id))
    return exemplar_get(user=api_user(request), pk=exemplar_id)


@router.post(
    "/exemplars/{exemplar_id}/unpublish", response={200: s.ExemplarOut, **ERRORS}, summary="撤下典型（须填原因）"
)
def exemplar_unpublish_api(request: HttpRequest, exemplar_id: int, payload: s.ReasonIn) -> Any:
    exemplar_unpublish(
        actor=api_user(request), exemplar=exemplar_get(user=api_user(request), pk=exemplar_id), reason=payload.reason
    )
    return exemplar_get(user=api_user(request), pk=exemplar_id)


def _public(p: PublicExemplar) -> dict[str, Any]:
    e = p.exemplar
    return {
        "id": e.pk,
        "org_name": e.org.name,
        "title": e.title,
        "body": e.body,
        "published_at": e.published_at,
        "names": p.names,
        "teams": p.teams,
        "photos": [_photo(ph) for ph in p.photos],
    }


@router.get("/public/exemplars", response=list[s.PublicExemplarOut], auth=None, summary="已发布的先进典型（无需登录）")
@paginate
def public_exemplar_list(request: HttpRequest) -> Fetched[dict[str, Any]]:
    return Fetched(lambda page, size: public_exemplars(page=page, size=size), _public)


@router.get(
    "/public/exemplars/{exemplar_id}",
    response={200: s.PublicExemplarOut, 404: s.ErrorOut},
    auth=None,
    summary="先进典型详情（无需登录）",
)
def public_exemplar_one(request: HttpRequest, exemplar_id: int) -> dict[str, Any]:
    return _public(public_exemplar(pk=exemplar_id))


# ---- training ------------------------------------------------------------------------------------


@router.get("/training/sessions", response=list[s.SessionOut], summary="培训列表")
@paginate
def sessions(request: HttpRequest, filters: Query[s.SessionFilter]) -> QuerySet[Any]:
    return session_list(user=api_user(request), category=filters.category, upcoming=filters.upcoming)


@router.post("/training/sessions", response={201: s.SessionOut, **ERRORS}, summary="发布培训")
def session_new(request: HttpRequest, payload: s.SessionIn) -> Status[Any]:
    """minutes 为计入培训时长的分钟数（不计入志愿服务时长）。"""
    data = SessionData(**payload.dict(exclude={"org"}))
    created = training_session_create(actor=api_user(request), org=_required_org(payload.org), data=data)
    return Status(201, session_get(user=api_user(request), pk=created.pk))


@router.post(
    "/training/sessions/{session_id}/enrol", response={201: s.EnrolmentOut, **ERRORS}, summary="报名培训（本人或代报）"
)
def session_enrol(request: HttpRequest, session_id: int, payload: s.EnrolIn) -> Status[Any]:
    session = session_get(user=api_user(request), pk=session_id)
    e = training_enrol(actor=api_user(request), session=session, volunteer=_volunteer(request, payload.volunteer))
    return Status(201, {"id": e.pk, "session": e.session_id, "volunteer": e.volunteer_id})


@router.post(
    "/training/sessions/{session_id}/attendance", response={200: s.MarkResultOut, **ERRORS}, summary="登记或更正出勤"
)
def session_attendance(request: HttpRequest, session_id: int, payload: s.AttendanceIn) -> dict[str, int]:
    """更改已登记的出勤会新增一条更正记录（引用原记录），须填写 reason。"""
    session = session_get(user=api_user(request), pk=session_id)
    marks = {m.enrolment: m.attended for m in payload.marks}
    result = attendance_mark(actor=api_user(request), session=session, marks=marks, reason=payload.reason)
    return dataclasses.asdict(result)


@router.get("/training/hours", response={200: list[s.HoursOut], **ERRORS}, summary="志愿者培训时长（按组织和期间）")
@paginate
def training_hours(request: HttpRequest, filters: Query[s.HoursFilter]) -> Fetched[dict[str, Any]]:
    user, org = api_user(request), _required_org(filters.org)
    return Fetched(
        lambda page, size: training_hours_report(
            user=user, org=org, start=filters.start, end=filters.end, page=page, size=size
        ),
        lambda r: {**dataclasses.asdict(r), "volunteer": r.volunteer_id},
    )


@router.get("/training/mine", response={200: s.MyTrainingOut, **ERRORS}, summary="我的培训")
def training_mine(request: HttpRequest) -> dict[str, Any]:
    mine = my_training(volunteer=my_volunteer(user=api_user(request)))
    items = [
        {
            "session": r.enrolment.session_id,
            "title": r.enrolment.session.title,
            "starts_at": r.enrolment.session.starts_at,
            "minutes": r.enrolment.session.minutes,
            "attended": r.attended,
        }
        for r in mine.rows
    ]
    return {"minutes": mine.minutes, "year_minutes": mine.year_minutes, "items": items}
