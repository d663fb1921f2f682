"""Sign-ups: sign up, cancel, the organiser's list, approve and reject."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from redvest.activities.api._common import responses
from redvest.activities.models import SignUpStatus
from redvest.activities.schemas import ListQuery, NoteIn, SignUpOut, signup_out
from redvest.activities.selectors import activity_get, signup_get, signup_list_for_activity
from redvest.activities.services import signup_cancel, signup_create, signup_decide
from redvest.core.api_pagination import Rows, each, paginate
from redvest.core.api_request import api_user

router = Router(tags=["活动报名"])


@router.post(
    "/{int:activity_id}/signups",
    response=responses(SignUpOut, 201),
    url_name="signup-create",
    summary="报名（需审核则待审核；名额已满则候补）",
)
def create(request: HttpRequest, activity_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    activity = activity_get(user=api_user(request), activity_id=activity_id)
    signup = signup_create(actor=api_user(request), activity=activity, at=timezone.now(), note=payload.note)
    return Status(201, signup_out(signup_get(user=api_user(request), signup_id=signup.pk)))


@router.get(
    "/{int:activity_id}/signups",
    response=responses(list[SignUpOut]),
    url_name="signup-list",
    summary="活动的报名名单（组织者）",
)
@paginate
def list_signups(request: HttpRequest, activity_id: int, filters: Query[ListQuery]) -> Rows[Any, dict[str, Any]]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    status = filters.status if filters.status in SignUpStatus.values else ""
    return each(signup_list_for_activity(user=api_user(request), activity=activity, status=status), signup_out)


@router.post(
    "/signups/{int:signup_id}/cancel",
    response=responses(SignUpOut),
    url_name="signup-cancel",
    summary="取消自己的报名（空出的名额自动由候补递补）",
)
def cancel(request: HttpRequest, signup_id: int) -> dict[str, Any]:
    signup = signup_get(user=api_user(request), signup_id=signup_id)
    return signup_out(signup_cancel(actor=api_user(request), signup=signup, at=timezone.now()))


@router.post(
    "/signups/{int:signup_id}/approve", response=responses(SignUpOut), url_name="signup-approve", summary="录用"
)
def approve(request: HttpRequest, signup_id: int, payload: NoteIn) -> dict[str, Any]:
    signup = signup_get(user=api_user(request), signup_id=signup_id)
    decided = signup_decide(actor=api_user(request), signup=signup, approve=True, at=timezone.now(), note=payload.note)
    return signup_out(decided)


@router.post(
    "/signups/{int:signup_id}/reject", response=responses(SignUpOut), url_name="signup-reject", summary="不录用"
)
def reject(request: HttpRequest, signup_id: int, payload: NoteIn) -> dict[str, Any]:
    signup = signup_get(user=api_user(request), signup_id=signup_id)
    decided = signup_decide(actor=api_user(request), signup=signup, approve=False, at=timezone.now(), note=payload.note)
    return signup_out(decided)
