"""Outcomes and photos of an activity; quarterly themes, tally categories and the month calendar."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from redvest.activities.api._common import responses
from redvest.activities.schemas import (
    CalendarOut,
    CalendarQuery,
    OutcomeIn,
    OutcomeOut,
    PhotoOut,
    TallyCategoryIn,
    TallyCategoryOut,
    TallyCategoryQuery,
    ThemeIn,
    ThemeOut,
    ThemeQuery,
    outcome_out,
    tags_out,
)
from redvest.activities.selectors import (
    activities_visible,
    activity_get,
    activity_report,
    month_calendar,
    tally_categories_for,
    tally_category_list,
    theme_list,
)
from redvest.activities.services import OutcomeData, outcome_save, photo_add, tally_category_create, theme_set
from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode

router = Router(tags=["活动成效与日历"])


def _org(org_id: int) -> OrgNode:
    org = OrgNode.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFound("组织不存在")
    return org


@router.get("/{int:activity_id}/outcome", response=responses(OutcomeOut), url_name="outcome-get", summary="活动成效")
def get_outcome(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id)
    return outcome_out(activity_report(activity=activity))


@router.put(
    "/{int:activity_id}/outcome",
    response=responses(OutcomeOut),
    url_name="outcome-save",
    summary="填报活动成效（场次、受益人数、问题、统计项；人次按签到统计）",
)
def save_outcome(request: HttpRequest, activity_id: int, payload: OutcomeIn) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    outcome_save(
        actor=api_user(request),
        activity=activity,
        data=OutcomeData(
            sessions=payload.sessions,
            beneficiaries=payload.beneficiaries,
            problems_found=payload.problems_found,
            problems_solved=payload.problems_solved,
            summary=payload.summary,
            tallies={t.category_id: t.value for t in payload.tallies},
        ),
    )
    return outcome_out(activity_report(activity=activity))


@router.post(
    "/{int:activity_id}/photos",
    response=responses(PhotoOut, 201),
    url_name="photo-add",
    summary="上传活动照片（JPG/PNG/WebP，≤5MB）",
)
def add_photo(
    request: HttpRequest, activity_id: int, image: File[UploadedFile], caption: Form[str] = ""
) -> Status[dict[str, Any]]:
    from django.urls import reverse

    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    photo = photo_add(actor=api_user(request), activity=activity, image=image, caption=caption)
    return Status(201, {"id": photo.pk, "url": reverse("activities:photo", args=[photo.pk]), "caption": photo.caption})


@router.get("/themes", response=responses(list[ThemeOut]), url_name="theme-list", summary="组织的季度主题（含上级）")
@paginate
def list_themes(request: HttpRequest, filters: Query[ThemeQuery]) -> QuerySet[Any]:
    return theme_list(org=_org(filters.org_id))


@router.post("/themes", response=responses(ThemeOut), url_name="theme-set", summary="设置季度主题（组织管理员）")
def set_theme(request: HttpRequest, payload: ThemeIn) -> Any:
    return theme_set(
        actor=api_user(request),
        org=_org(payload.org_id),
        year=payload.year,
        quarter=payload.quarter,
        title=payload.title,
        description=payload.description,
    )


@router.get(
    "/tally-categories",
    response=responses(list[TallyCategoryOut]),
    url_name="tally-category-list",
    summary="成效统计项：给出 org_id 时为该组织可用的（含上级），否则为我管理的",
)
@paginate
def list_tally_categories(request: HttpRequest, filters: Query[TallyCategoryQuery]) -> QuerySet[Any]:
    if filters.org_id is not None:
        return tally_categories_for(org=_org(filters.org_id))
    return tally_category_list(user=api_user(request))


@router.post(
    "/tally-categories",
    response=responses(TallyCategoryOut, 201),
    url_name="tally-category-create",
    summary="添加成效统计项（组织管理员；下级沿用）",
)
def create_tally_category(request: HttpRequest, payload: TallyCategoryIn) -> Status[Any]:
    category = tally_category_create(
        actor=api_user(request), org=_org(payload.org_id), name=payload.name, unit=payload.unit
    )
    return Status(201, category)


@router.get("/calendar", response=responses(CalendarOut), url_name="calendar", summary="组织（含下级）的月度活动日历")
def calendar(request: HttpRequest, filters: Query[CalendarQuery]) -> dict[str, Any]:
    org = _org(filters.org_id)
    cal = month_calendar(
        activities=activities_visible(user=api_user(request)),
        org=org,
        year=filters.year,
        month=filters.month,
        today=timezone.localdate(),
    )
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "year": cal.year,
        "month": cal.month,
        "theme": cal.theme,
        "activity_count": cal.activity_count,
        "days": [
            {
                "date": c.day,
                "in_month": c.in_month,
                "tags": tags_out(c.tags),
                "activities": c.activities,
                "more": c.more,
            }
            for week in cal.weeks
            for c in week
        ],
    }
