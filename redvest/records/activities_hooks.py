"""What records adds to the activities app's work: registered on `redvest.activities.hooks` from
RecordsConfig.ready() (activities sits below records and does not import it)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum

from redvest.activities import hooks
from redvest.activities.models import Activity, AnomalyKind, Attendance
from redvest.records.models import RecordKind, ServiceRecord
from redvest.records.services import anomaly_flag, anomaly_settle_for_attendance, record_post_attendance

if TYPE_CHECKING:
    from redvest.accounts.models import User


def flag_attendance(kind: AnomalyKind, attendance: Attendance, detail: str) -> None:
    """A doubtful stay becomes an item in the organiser's anomaly review queue."""
    anomaly_flag(
        kind=kind, volunteer=attendance.volunteer, activity=attendance.activity, attendance=attendance, detail=detail
    )


def settle_confirmed(actor: User, attendance: Attendance, corrected: bool, at: datetime.datetime) -> None:
    """A confirmed auto-closed stay settles its open auto-closed flags."""
    anomaly_settle_for_attendance(actor=actor, attendance=attendance, corrected=corrected, at=at)


def post_closed(actor: User | None, attendance: Attendance) -> None:
    """A closed stay becomes credit minutes (posting twice returns the existing entry)."""
    record_post_attendance(actor=actor, attendance=attendance)


def credit_minutes_annotation() -> dict[str, Any]:
    """Credit minutes posted for each stay (entries linked to it, corrections included)."""
    return {"credit_minutes": Sum("records__minutes", filter=Q(records__kind=RecordKind.CREDIT))}


def activity_credit_minutes(activity: Activity) -> int:
    total = ServiceRecord.objects.filter(activity=activity, kind=RecordKind.CREDIT).aggregate(total=Sum("minutes"))
    return int(total["total"] or 0)


def register() -> None:
    """Called from RecordsConfig.ready()."""
    hooks.attendance_flagged.register(flag_attendance)
    hooks.attendance_confirmed.register(settle_confirmed)
    hooks.attendance_closed.register(post_closed)
    hooks.attendance_annotations.register(credit_minutes_annotation)
    hooks.activity_credit_minutes.register(activity_credit_minutes)
