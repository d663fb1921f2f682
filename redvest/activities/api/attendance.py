"""Check-in and check-out: the leader's current code, check-in/out, offline sync, proxy, confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from redvest.activities.api._common import responses
from redvest.activities.codes import code_at, qr_svg, seconds_left
from redvest.activities.models import AttendanceMethod, AttendanceStatus
from redvest.activities.schemas import (
    AttendanceOut,
    CheckInIn,
    CodeOut,
    ConfirmIn,
    ListQuery,
    ProxyCheckInIn,
    ProxyCheckOutIn,
    SyncIn,
    SyncOut,
    attendance_out,
)
from redvest.activities.selectors import activity_get, attendance_get, attendance_list_for_activity, attendance_of_user
from redvest.activities.services import (
    Position,
    SyncItem,
    attendance_check_in,
    attendance_check_out,
    attendance_confirm,
    attendance_proxy_check_in,
    attendance_proxy_check_out,
    attendance_sync,
)
from redvest.core.api_pagination import Rows, each, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.volunteers.models import Volunteer

router = Router(tags=["签到签退"])


@router.get(
    "/{int:activity_id}/code",
    response=responses(CodeOut),
    url_name="activity-code",
    summary="当前签到码与二维码（组织者；每60秒更新）",
)
def current_code(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    now = timezone.now()
    code = code_at(activity.checkin_secret, now)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk])) + f"?code={code}"
    return {"code": code, "seconds_left": seconds_left(now), "checkin_url": url, "qr_svg": qr_svg(url)}


def _position(payload: CheckInIn) -> Position | None:
    if payload.latitude is None or payload.longitude is None:
        return None
    return Position(latitude=payload.latitude, longitude=payload.longitude)


def _attend(request: HttpRequest, activity_id: int, payload: CheckInIn, service: Callable[..., Any]) -> dict[str, Any]:
    """Check-in and check-out take the same inputs: the code, the phone's position, the client id."""
    activity = activity_get(user=api_user(request), activity_id=activity_id)
    attendance = service(
        actor=api_user(request),
        activity=activity,
        code=payload.code,
        position=_position(payload),
        at=timezone.now(),
        client_id=payload.client_id,
        method=AttendanceMethod.QR if payload.via_qr else AttendanceMethod.CODE,
    )
    return attendance_out(attendance)


@router.post(
    "/{int:activity_id}/check-in",
    response=responses(AttendanceOut),
    url_name="activity-check-in",
    summary="签到（签到码 + 手机定位，须在签到范围内）",
)
def check_in(request: HttpRequest, activity_id: int, payload: CheckInIn) -> dict[str, Any]:
    return _attend(request, activity_id, payload, attendance_check_in)


@router.post(
    "/{int:activity_id}/check-out",
    response=responses(AttendanceOut),
    url_name="activity-check-out",
    summary="签退（签到码 + 手机定位；服务时长自动入账）",
)
def check_out(request: HttpRequest, activity_id: int, payload: CheckInIn) -> dict[str, Any]:
    return _attend(request, activity_id, payload, attendance_check_out)


@router.post(
    "/sync",
    response=responses(SyncOut),
    url_name="attendance-sync",
    summary="离线签到/签退补传（同一 client_id 只生成一条记录）",
)
def sync(request: HttpRequest, payload: SyncIn) -> dict[str, Any]:
    items = [
        SyncItem(
            client_id=i.client_id,
            activity_id=i.activity_id,
            kind=i.kind,
            at=i.at,
            code=i.code,
            position=(
                Position(latitude=i.latitude, longitude=i.longitude)
                if i.latitude is not None and i.longitude is not None
                else None
            ),
        )
        for i in payload.items
    ]
    results = attendance_sync(actor=api_user(request), items=items, received_at=timezone.now())
    return {
        "results": [
            {
                "client_id": r.client_id,
                "ok": r.ok,
                "code": r.code,
                "message": r.message,
                "late": r.late,
                "attendance": attendance_out(r.attendance) if r.attendance else None,
            }
            for r in results
        ]
    }


@router.get(
    "/{int:activity_id}/attendances",
    response=responses(list[AttendanceOut]),
    url_name="attendance-list",
    summary="活动的签到记录（组织者）",
)
@paginate
def list_attendances(request: HttpRequest, activity_id: int, filters: Query[ListQuery]) -> Rows[Any, dict[str, Any]]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    status = filters.status if filters.status in AttendanceStatus.values else ""
    return each(attendance_list_for_activity(user=api_user(request), activity=activity, status=status), attendance_out)


@router.get(
    "/attendances/mine", response=list[AttendanceOut], url_name="attendance-mine", summary="我的签到记录与服务时长"
)
@paginate
def mine(request: HttpRequest) -> Rows[Any, dict[str, Any]]:
    return each(attendance_of_user(user=api_user(request)), attendance_out)


@router.post(
    "/{int:activity_id}/proxy-check-in",
    response=responses(AttendanceOut),
    url_name="attendance-proxy-in",
    summary="负责人代为签到（须填写原因，留痕）",
)
def proxy_check_in(request: HttpRequest, activity_id: int, payload: ProxyCheckInIn) -> dict[str, Any]:
    activity = activity_get(user=api_user(request), activity_id=activity_id, action="change")
    volunteer = Volunteer.objects.filter(pk=payload.volunteer_id).first()
    if volunteer is None:
        raise NotFound("志愿者不存在")
    attendance = attendance_proxy_check_in(
        actor=api_user(request), activity=activity, volunteer=volunteer, reason=payload.reason, at=timezone.now()
    )
    return attendance_out(attendance)


@router.post(
    "/attendances/{int:attendance_id}/proxy-check-out",
    response=responses(AttendanceOut),
    url_name="attendance-proxy-out",
    summary="负责人代为签退（须填写原因，留痕）",
)
def proxy_check_out(request: HttpRequest, attendance_id: int, payload: ProxyCheckOutIn) -> dict[str, Any]:
    attendance = attendance_get(user=api_user(request), attendance_id=attendance_id)
    closed = attendance_proxy_check_out(
        actor=api_user(request),
        attendance=attendance,
        reason=payload.reason,
        at=timezone.now(),
        check_out_at=payload.check_out_at,
    )
    return attendance_out(closed)


@router.post(
    "/attendances/{int:attendance_id}/confirm",
    response=responses(AttendanceOut),
    url_name="attendance-confirm",
    summary="确认系统自动签退的记录（可更正实际签退时间）",
)
def confirm(request: HttpRequest, attendance_id: int, payload: ConfirmIn) -> dict[str, Any]:
    attendance = attendance_get(user=api_user(request), attendance_id=attendance_id)
    confirmed = attendance_confirm(
        actor=api_user(request), attendance=attendance, at=timezone.now(), check_out_at=payload.check_out_at
    )
    return attendance_out(confirmed)
