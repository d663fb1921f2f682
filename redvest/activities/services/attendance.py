"""Writes for attendance: check-in/out by code and location, offline sync, proxy, forgotten check-outs.

Every path ends in the same rules; a closed stay becomes credit minutes and a doubtful one an item in the
review queue in the records app, through `activities.hooks` (records registers there).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import require
from redvest.activities import hooks
from redvest.activities.codes import code_matches
from redvest.activities.conf import CHECKIN_OPENS_BEFORE, CLOCK_SKEW, checkout_grace, late_sync_after, sync_window
from redvest.activities.errors import (
    ActivityCancelled,
    ActivityEnded,
    ActivityNotPublished,
    AlreadyCheckedIn,
    AttendanceStateInvalid,
    ClientIdTaken,
    LocationRequired,
    NotApproved,
    NotCheckedIn,
    OutsideGeofence,
    SyncRejected,
    TooEarly,
    WrongCode,
)
from redvest.activities.geo import haversine_m
from redvest.activities.models import (
    HELD_STATUSES,
    Activity,
    ActivityMode,
    ActivityStatus,
    AnomalyKind,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services._common import volunteer_of
from redvest.activities.services.safeguards import require_insured
from redvest.audit.services import audit_record
from redvest.core.errors import DomainError, NotFound, ValidationFailed

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer


@dataclass(frozen=True)
class Position:
    latitude: Decimal
    longitude: Decimal


def _fmt(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%m月%d日 %H:%M}"


def _position(position: Position | None) -> Position | None:
    """The phone's location, or None when the person refused it (the code alone then, flagged)."""
    if position is not None and not (-90 <= position.latitude <= 90 and -180 <= position.longitude <= 180):
        raise LocationRequired("位置信息无效，请重新定位")
    return position


def _distance_m(activity: Activity, position: Position | None) -> int | None:
    if position is None:
        return None
    return round(haversine_m(activity.latitude, activity.longitude, position.latitude, position.longitude))


def _flag_no_location(attendance: Attendance, *, what: str) -> None:
    """No location (refused on the phone): the code alone is accepted, and the organiser confirms the
    person was there from the anomaly queue."""
    hooks.attendance_flagged(
        AnomalyKind.NO_LOCATION,
        attendance,
        f"{what}时未获取到手机定位，凭签到码{what}，请活动负责人确认本人在场",
    )


def _require_running(activity: Activity) -> None:
    """Published (招募中, 进行中 or 已结束: the time window decides, so late check-outs and offline items
    still land after the end)."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("活动已取消，不能签到")
    if activity.status not in HELD_STATUSES:
        raise ActivityNotPublished("活动尚未发布，不能签到")


def _require_check_in_window(activity: Activity, at: datetime.datetime) -> None:
    opens = activity.start_at - CHECKIN_OPENS_BEFORE
    if at < opens:
        raise TooEarly(f"签到尚未开始，将于 {_fmt(opens)} 开放（活动开始前30分钟）")
    if at > activity.end_at:
        raise ActivityEnded("活动已结束，不能签到")


def _has_approved_signup(activity: Activity, volunteer: Volunteer) -> bool:
    return SignUp.objects.filter(activity=activity, volunteer=volunteer, status=SignUpStatus.APPROVED).exists()


def _require_code(activity: Activity, code: str, at: datetime.datetime) -> None:
    if not code_matches(activity.checkin_secret, code, at):
        raise WrongCode()


def _sync_is_late(*, at: datetime.datetime, received_at: datetime.datetime | None) -> bool:
    """For offline items: refuse claimed times in the future or past the window; say whether it is late."""
    if received_at is None:
        return False
    if at > received_at + CLOCK_SKEW:
        raise SyncRejected("记录时间晚于服务器当前时间，请检查手机的时间设置")
    window = sync_window()
    if received_at - at > window:
        hours = int(window.total_seconds() // 3600)
        raise SyncRejected(f"离线记录已超过 {hours} 小时，无法同步，请联系活动负责人补录")
    return received_at - at > late_sync_after()


def _flag_late(attendance: Attendance, *, at: datetime.datetime, received_at: datetime.datetime, what: str) -> None:
    minutes = int((received_at - at).total_seconds() // 60)
    hooks.attendance_flagged(
        AnomalyKind.LATE_SYNC,
        attendance,
        f"离线{what}记录时间 {_fmt(at)}，{minutes} 分钟后才同步到服务器",
    )


@transaction.atomic
def attendance_check_in(
    *,
    actor: User,
    activity: Activity,
    code: str,
    position: Position | None,
    at: datetime.datetime,
    client_id: str | None = None,
    received_at: datetime.datetime | None = None,
    method: str = AttendanceMethod.CODE,
) -> Attendance:
    """Check the acting volunteer in at `at` (the claimed time for offline items, received at `received_at`).

    Rules in order: same client id returns the earlier record; the activity is published; not earlier
    than 30 minutes before start nor after the end; the code of that minute (or the one before); the
    location inside the geofence (none given: accepted with a no_location anomaly for the organiser to
    confirm); an approved sign-up (分散 activities: any registered volunteer); at a risky activity, an
    insurance policy covering the volunteer and `at` (NotInsured); no open stay. Raises the matching error from `activities.errors` and writes nothing.
    """
    volunteer = volunteer_of(actor)
    if client_id:
        existing = Attendance.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.volunteer_id != volunteer.pk:
                raise ClientIdTaken()
            return existing
    late = _sync_is_late(at=at, received_at=received_at)
    activity = Activity.objects.select_related("org").get(pk=activity.pk)
    _require_running(activity)
    _require_check_in_window(activity, at)
    _require_code(activity, code, at)
    position = _position(position)
    distance = _distance_m(activity, position)
    if distance is not None and distance > activity.geofence_radius_m:
        raise OutsideGeofence(
            f"您距活动地点约 {distance} 米，超出签到范围（{activity.geofence_radius_m} 米），请到达现场后再签到"
        )
    if activity.mode != ActivityMode.DISPERSED and not _has_approved_signup(activity, volunteer):
        raise NotApproved()
    require_insured(activity, volunteer, at)
    if Attendance.objects.filter(activity=activity, volunteer=volunteer, status=AttendanceStatus.OPEN).exists():
        raise AlreadyCheckedIn()
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity,
                volunteer=volunteer,
                check_in_at=at,
                check_in_method=method,
                check_in_lat=position.latitude if position else None,
                check_in_lng=position.longitude if position else None,
                check_in_distance_m=distance,
                client_id=client_id or None,
                late_sync=late,
            )
    except IntegrityError:
        # A concurrent request won: the same client id (return it) or a second open stay.
        if client_id and (existing := Attendance.objects.filter(client_id=client_id).first()) is not None:
            return existing
        raise AlreadyCheckedIn() from None
    if position is None:
        _flag_no_location(attendance, what="签到")
    if late and received_at is not None:
        _flag_late(attendance, at=at, received_at=received_at, what="签到")
    return attendance


@transaction.atomic
def attendance_check_out(
    *,
    actor: User,
    activity: Activity,
    code: str,
    position: Position | None,
    at: datetime.datetime,
    client_id: str | None = None,
    received_at: datetime.datetime | None = None,
    method: str = AttendanceMethod.CODE,
) -> Attendance:
    """Close the acting volunteer's open stay with the current code and post its credit minutes.

    A location outside the geofence is accepted (people tap 签退 on the way out) but flagged
    far_from_site for review. Raises NotCheckedIn, WrongCode, LocationRequired, SyncRejected.
    """
    volunteer = volunteer_of(actor)

    def earlier(cid: str | None) -> Attendance | None:
        if not cid:
            return None
        existing = Attendance.objects.filter(checkout_client_id=cid).first()
        if existing is not None and existing.volunteer_id != volunteer.pk:
            raise ClientIdTaken()
        return existing

    if (existing := earlier(client_id)) is not None:
        return existing
    late = _sync_is_late(at=at, received_at=received_at)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__org")
        .filter(activity_id=activity.pk, volunteer=volunteer, status=AttendanceStatus.OPEN)
        .first()
    )
    if attendance is None:
        if (existing := earlier(client_id)) is not None:
            return existing
        if Attendance.objects.filter(
            activity_id=activity.pk, volunteer=volunteer, status=AttendanceStatus.AUTO_CLOSED
        ).exists():
            raise NotCheckedIn("系统已在活动结束后为您自动签退，请联系活动负责人确认服务时长")
        raise NotCheckedIn()
    current = attendance.activity
    _require_code(current, code, at)
    position = _position(position)
    if at < attendance.check_in_at:
        raise AttendanceStateInvalid("签退时间不能早于签到时间")
    distance = _distance_m(current, position)
    attendance.check_out_at = at
    attendance.check_out_method = method
    attendance.check_out_lat = position.latitude if position else None
    attendance.check_out_lng = position.longitude if position else None
    attendance.check_out_distance_m = distance
    attendance.checkout_client_id = client_id or None
    attendance.late_sync = attendance.late_sync or late
    attendance.status = AttendanceStatus.CLOSED
    attendance.save()
    if position is None:
        _flag_no_location(attendance, what="签退")
    elif distance is not None and distance > current.geofence_radius_m:
        hooks.attendance_flagged(
            AnomalyKind.FAR_FROM_SITE,
            attendance,
            f"签退位置距活动地点约 {distance} 米（签到范围 {current.geofence_radius_m} 米）",
        )
    if late and received_at is not None:
        _flag_late(attendance, at=at, received_at=received_at, what="签退")
    hooks.attendance_closed(actor, attendance)
    return attendance


CHECK_IN = "check_in"
CHECK_OUT = "check_out"
MAX_SYNC_ITEMS = 50


@dataclass(frozen=True)
class SyncItem:
    """One check-in or check-out the phone kept while offline."""

    client_id: str
    activity_id: int
    kind: str  # check_in | check_out
    at: datetime.datetime
    code: str
    position: Position | None


@dataclass(frozen=True)
class SyncResult:
    client_id: str
    ok: bool
    code: str
    message: str
    attendance: Attendance | None = None

    @property
    def late(self) -> bool:
        return bool(self.attendance and self.attendance.late_sync)


def attendance_sync(*, actor: User, items: list[SyncItem], received_at: datetime.datetime) -> list[SyncResult]:
    """Apply offline items oldest first, each in its own transaction so one bad item keeps the rest.

    Items run through attendance_check_in/out with the claimed time (the code is checked against that
    minute); a client id seen before returns the earlier record; late ones are flagged late_sync.
    """
    from redvest.activities.selectors.activities import activities_visible

    if len(items) > MAX_SYNC_ITEMS:
        raise DomainError(f"一次最多同步 {MAX_SYNC_ITEMS} 条记录", field="items", code="too_many_items")
    visible = activities_visible(user=actor)
    results: list[SyncResult] = []
    for item in sorted(items, key=lambda i: i.at):
        try:
            if not item.client_id or len(item.client_id) > 64:
                raise SyncRejected("离线记录缺少有效的编号")
            activity = visible.filter(pk=item.activity_id).first()
            if activity is None:
                raise NotFound("活动不存在")
            if item.kind == CHECK_IN:
                attendance = attendance_check_in(
                    actor=actor,
                    activity=activity,
                    code=item.code,
                    position=item.position,
                    at=item.at,
                    client_id=item.client_id,
                    received_at=received_at,
                    method=AttendanceMethod.OFFLINE,
                )
            elif item.kind == CHECK_OUT:
                attendance = attendance_check_out(
                    actor=actor,
                    activity=activity,
                    code=item.code,
                    position=item.position,
                    at=item.at,
                    client_id=item.client_id,
                    received_at=received_at,
                    method=AttendanceMethod.OFFLINE,
                )
            else:
                raise SyncRejected("未知的离线记录类型")
        except DomainError as exc:
            results.append(SyncResult(client_id=item.client_id, ok=False, code=exc.code, message=exc.message))
        else:
            results.append(
                SyncResult(client_id=item.client_id, ok=True, code="ok", message="已同步", attendance=attendance)
            )
    return results


def _reason(reason: str, *, label: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{label}原因", field="reason", code="reason_required")
    if len(reason) > 200:
        raise DomainError(f"{label}原因不能超过200字", field="reason")
    return reason


@transaction.atomic
def attendance_proxy_check_in(
    *, actor: User, activity: Activity, volunteer: Volunteer, reason: str, at: datetime.datetime
) -> Attendance:
    """An organiser checks an approved volunteer in on their behalf (no code or location), with a reason,
    audited. Raises PermissionDenied, the reason error, ActivityCancelled, TooEarly, NotApproved, NotInsured,
    AlreadyCheckedIn."""
    require(actor, "change", activity)
    reason = _reason(reason, label="代签到")
    activity = Activity.objects.select_related("org").get(pk=activity.pk)
    _require_running(activity)
    _require_check_in_window(activity, at)
    if not _has_approved_signup(activity, volunteer):
        raise NotApproved("该志愿者未被录用，不能代为签到")
    require_insured(activity, volunteer, at, proxy=True)
    if Attendance.objects.filter(activity=activity, volunteer=volunteer, status=AttendanceStatus.OPEN).exists():
        raise AlreadyCheckedIn("该志愿者已签到")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity,
                volunteer=volunteer,
                check_in_at=at,
                check_in_method=AttendanceMethod.PROXY,
                proxy_by=actor,
                proxy_reason=reason,
            )
    except IntegrityError:
        raise AlreadyCheckedIn("该志愿者已签到") from None
    audit_record(
        actor=actor,
        action="create",
        target=attendance,
        org=activity.org,
        after={"volunteer": volunteer.pk, "check_in_at": at.isoformat(), "method": AttendanceMethod.PROXY},
        reason=reason,
    )
    return attendance


@transaction.atomic
def attendance_proxy_check_out(
    *,
    actor: User,
    attendance: Attendance,
    reason: str,
    at: datetime.datetime,
    check_out_at: datetime.datetime | None = None,
) -> Attendance:
    """An organiser checks a volunteer out (now, or at an earlier time they name), with a reason, audited,
    and posts the minutes. Raises PermissionDenied, the reason error, NotCheckedIn, ValidationFailed."""
    require(actor, "change", attendance.activity)
    reason = _reason(reason, label="代签退")
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("activity__org", "volunteer__org")
        .get(pk=attendance.pk)
    )
    if attendance.status != AttendanceStatus.OPEN:
        raise NotCheckedIn("该志愿者当前未处于签到状态，不能代为签退")
    when = check_out_at or at
    if when < attendance.check_in_at:
        raise ValidationFailed({"check_out_at": "签退时间不能早于签到时间"})
    if when > at:
        raise ValidationFailed({"check_out_at": "签退时间不能晚于当前时间"})
    attendance.check_out_at = when
    attendance.check_out_method = AttendanceMethod.PROXY
    attendance.checkout_proxy_by = actor
    attendance.checkout_proxy_reason = reason
    attendance.status = AttendanceStatus.CLOSED
    attendance.save()
    audit_record(
        actor=actor,
        action="update",
        target=attendance,
        org=attendance.activity.org,
        before={"status": AttendanceStatus.OPEN},
        after={"status": AttendanceStatus.CLOSED, "check_out_at": when.isoformat(), "method": AttendanceMethod.PROXY},
        reason=reason,
    )
    hooks.attendance_closed(actor, attendance)
    return attendance


@transaction.atomic
def _auto_close_one(*, attendance_id: int) -> bool:
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer")
        .filter(pk=attendance_id, status=AttendanceStatus.OPEN)
        .first()
    )
    if attendance is None:  # checked out meanwhile, or closed by an earlier sweep
        return False
    attendance.check_out_at = max(attendance.activity.end_at, attendance.check_in_at)
    attendance.status = AttendanceStatus.AUTO_CLOSED
    attendance.save(update_fields=["check_out_at", "status"])
    hooks.attendance_flagged(
        AnomalyKind.AUTO_CLOSED,
        attendance,
        "未签退，系统按活动结束时间自动签退，待负责人确认",
    )
    return True


def attendance_auto_close(*, at: datetime.datetime, activity_id: int | None = None) -> int:
    """Close stays still open at activity end + grace as auto_closed (check-out = activity end) and flag
    them for the organiser. Safe to repeat: only open stays are touched, each under its row lock."""
    due = Attendance.objects.filter(status=AttendanceStatus.OPEN, activity__end_at__lte=at - checkout_grace())
    if activity_id is not None:
        due = due.filter(activity_id=activity_id)
    return sum(_auto_close_one(attendance_id=pk) for pk in list(due.values_list("pk", flat=True)))


@transaction.atomic
def attendance_confirm(
    *, actor: User, attendance: Attendance, at: datetime.datetime, check_out_at: datetime.datetime | None = None
) -> Attendance:
    """The organiser confirms an auto-closed stay as is, or sets the real check-out time; then posts it.
    Raises PermissionDenied, AttendanceStateInvalid, ValidationFailed."""
    require(actor, "change", attendance.activity)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("activity__org", "volunteer__org")
        .get(pk=attendance.pk)
    )
    if attendance.status != AttendanceStatus.AUTO_CLOSED:
        raise AttendanceStateInvalid("只有系统自动签退的记录需要确认")
    before: dict[str, Any] = {"status": attendance.status, "check_out_at": str(attendance.check_out_at)}
    if check_out_at is not None:
        if check_out_at <= attendance.check_in_at:
            raise ValidationFailed({"check_out_at": "签退时间必须晚于签到时间"})
        if check_out_at > at:
            raise ValidationFailed({"check_out_at": "签退时间不能晚于当前时间"})
        attendance.check_out_at = check_out_at
        attendance.status = AttendanceStatus.CLOSED
    else:
        attendance.status = AttendanceStatus.CONFIRMED
    attendance.save(update_fields=["check_out_at", "status"])
    audit_record(
        actor=actor,
        action="update",
        target=attendance,
        org=attendance.activity.org,
        before=before,
        after={"status": attendance.status, "check_out_at": str(attendance.check_out_at)},
        reason="确认自动签退" if check_out_at is None else "更正签退时间",
    )
    # The review item this stay raised is settled by the confirmation itself (the records app owns it).
    hooks.attendance_confirmed(actor, attendance, check_out_at is not None, at)
    hooks.attendance_closed(actor, attendance)
    return attendance
