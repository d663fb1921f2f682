"""Reads of attendance: an activity's check-ins for the organiser, a volunteer's own with credited minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from redvest.accounts.policy import require
from redvest.activities import hooks
from redvest.activities.models import Activity, Attendance, AttendanceStatus
from redvest.core.errors import NotFound

if TYPE_CHECKING:
    from redvest.accounts.models import User


def _with_minutes(qs: QuerySet[Attendance]) -> QuerySet[Attendance]:
    """Credit minutes posted for each stay (`credit_minutes`, from the records app through the hook)."""
    annotations: dict[str, Any] = {}
    for part in hooks.attendance_annotations():
        annotations.update(part)
    return qs.annotate(**annotations) if annotations else qs


def attendance_list_for_activity(*, user: User, activity: Activity, status: str = "") -> QuerySet[Attendance]:
    """An activity's stays for its organisers, latest check-in first."""
    require(user, "change", activity)
    qs = Attendance.objects.filter(activity=activity).select_related("volunteer", "proxy_by", "checkout_proxy_by")
    if status:
        qs = qs.filter(status=status)
    return _with_minutes(qs).order_by("-check_in_at", "-id")


def attendance_get(*, user: User, attendance_id: int) -> Attendance:
    """One stay, for an organiser of its activity."""
    attendance = Attendance.objects.select_related("activity", "volunteer").filter(pk=attendance_id).first()
    if attendance is None:
        raise NotFound("签到记录不存在")
    require(user, "change", attendance.activity)
    return attendance


def attendance_of_user(*, user: User) -> QuerySet[Attendance]:
    """The signed-in volunteer's stays with their credited minutes, latest first."""
    qs = Attendance.objects.filter(volunteer__user=user).select_related("activity", "volunteer")
    return _with_minutes(qs).order_by("-check_in_at", "-id")


def attendance_current(*, user: User, activity: Activity) -> Attendance | None:
    """The user's open stay on the activity, else their latest one."""
    qs = _with_minutes(Attendance.objects.filter(activity=activity, volunteer__user=user)).order_by(
        "-check_in_at", "-id"
    )
    return qs.filter(status=AttendanceStatus.OPEN).first() or qs.first()


@dataclass(frozen=True)
class AttendanceStats:
    person_times: int  # 人次: every stay counts
    volunteers: int
    open_count: int
    auto_closed_count: int


def attendance_stats(*, activity: Activity) -> AttendanceStats:
    row = Attendance.objects.filter(activity=activity).aggregate(
        person_times=Count("id"),
        volunteers=Count("volunteer", distinct=True),
        open_count=Count("id", filter=Q(status=AttendanceStatus.OPEN)),
        auto_closed_count=Count("id", filter=Q(status=AttendanceStatus.AUTO_CLOSED)),
    )
    return AttendanceStats(**{k: int(v or 0) for k, v in row.items()})
