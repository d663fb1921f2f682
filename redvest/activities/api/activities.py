"""Activities: browse near me, detail, create, update, publish, cancel, the organiser's list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from redvest.activities.api._common import responses
from redvest.activities.models import ActivityStatus, ServiceCategory
from redvest.activities.schemas import (
    ActivityDetailOut,
    ActivityIn,
    ActivityOut,
    BrowseQuery,
    ManageQuery,
    ReasonIn,
    activity_out,
    attendance_out,
    browse_row_out,
    outcome_out,
    signup_out,
)
from redvest.activities.selectors import (
    BrowseFilters,
    activity_browse,
    activity_detail,
    activity_get,
    activity_manage_list,
)
from redvest.activities.services import (
    ActivityData,
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
)
from redvest.core.api_pagination import Fetched, Rows, each, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import ValidationFailed
from redvest.orgs.models import OrgNode
from redvest.teams.models import BrandProject, Team

router = Router(tags=["活动"])


@router.get(
    "",
    response=list[ActivityOut],
    url_name="activity-list",
    summary="浏览招募中、进行中的活动（可按距离、类别、日期筛选）",
)
@paginate
def browse(request: HttpRequest, filters: Query[BrowseQuery]) -> Fetched[dict[str, Any]]:
    org = OrgNode.objects.filter(pk=filters.org_id).first() if filters.org_id else None
    found = BrowseFilters(
        latitude=filters.lat,
        longitude=filters.lng,
        radius_km=filters.radius_km,
        category=filters.category if filters.category in ServiceCategory.values else "",
        day=filters.date,
        q=filters.q.strip(),
        org=org,
    )
    at = timezone.now()
    return Fetched(
        lambda page, size: activity_browse(user=api_user(request), filters=found, at=at, page=page, size=size),
        browse_row_out,
    )


@router.get("/manage", response=list[ActivityOut], url_name="activity-manage", summary="我组织的活动")
@paginate
def manage(request: HttpRequest, filters: Query[ManageQuery]) -> Rows[Any, dict[str, Any]]:
    status = filters.status if filters.status in ActivityStatus.values else ""
    qs = activity_manage_list(user=api_user(request), status=status, q=filters.q.strip(), at=timezone.now())
    return each(qs, activity_out)


@router.get("/{int:activity_id}", response=responses(ActivityDetailOut), url_name="activity-detail", summary="活动详情")
def detail(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    d = activity_detail(user=api_user(request), activity_id=activity_id, at=timezone.now())
    return {
        **activity_out(d.activity, my_status=d.my_signup.status if d.my_signup and d.my_signup.is_active else ""),
        "approved_count": d.approved,
        "waitlisted": d.waitlisted,
        "pending": d.pending,
        "can_change": d.can_change,
        "recruiting": d.recruiting,
        "checkin_open": d.checkin_open,
        "my_signup": signup_out(d.my_signup) if d.my_signup else None,
        "my_attendance": attendance_out(d.my_attendance) if d.my_attendance else None,
        "outcome": outcome_out(d.report),
    }


def _data(payload: ActivityIn) -> ActivityData:
    """Resolve the ids a client sends; unknown ones are field errors, not 500s."""
    errors: dict[str, str] = {}
    org = OrgNode.objects.filter(pk=payload.org_id).first()
    if org is None:
        errors["org_id"] = "组织不存在"
    teams = list(Team.objects.filter(pk__in=payload.team_ids, is_active=True).select_related("org"))
    if len(teams) != len(set(payload.team_ids)):
        errors["team_ids"] = "组织队伍不存在或已撤销"
    brand = None
    if payload.brand_id is not None:
        brand = BrandProject.objects.filter(pk=payload.brand_id).first()
        if brand is None:
            errors["brand_id"] = "品牌项目不存在"
    if errors or org is None:
        raise ValidationFailed(errors)
    return ActivityData(
        title=payload.title,
        org=org,
        teams=teams,
        brand=brand,
        category=payload.category,
        mode=payload.mode,
        is_theme_party_day=payload.is_theme_party_day,
        place=payload.place,
        latitude=payload.latitude,
        longitude=payload.longitude,
        geofence_radius_m=payload.geofence_radius_m,
        start_at=payload.start_at,
        end_at=payload.end_at,
        recruit_start=payload.recruit_start,
        recruit_end=payload.recruit_end,
        quota=payload.quota,
        requires_approval=payload.requires_approval,
        skills_wanted=payload.skills_wanted,
        description=payload.description,
        has_risk=payload.has_risk,
        risk_description=payload.risk_description,
    )


def _out(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return activity_out(activity_get(user=api_user(request), activity_id=activity_id))


@router.post("", response=responses(ActivityOut, 201), url_name="activity-create", summary="创建活动（草稿）")
def create(request: HttpRequest, payload: ActivityIn) -> Status[dict[str, Any]]:
    activity = activity_create(actor=api_user(request), data=_data(payload))
    return Status(201, _out(request, activity.pk))


@router.put("/{int:activity_id}", response=responses(ActivityOut), url_name="activity-update", summary="修改活动")
def update(request: HttpRequest, activity_id: int, payload: ActivityIn) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    activity_update(actor=api_user(request), activity=activity, data=_data(payload), at=timezone.now())
    return _out(request, activity_id)


@router.post(
    "/{int:activity_id}/publish", response=responses(ActivityOut), url_name="activity-publish", summary="发布活动"
)
def publish(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    activity_publish(actor=api_user(request), activity=activity, at=timezone.now())
    return _out(request, activity_id)


@router.post(
    "/{int:activity_id}/cancel",
    response=responses(ActivityOut),
    url_name="activity-cancel",
    summary="取消活动（通知所有报名者）",
)
def cancel(request: HttpRequest, activity_id: int, payload: ReasonIn) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    activity_cancel(actor=api_user(request), activity=activity, reason=payload.reason, at=timezone.now())
    return _out(request, activity_id)
