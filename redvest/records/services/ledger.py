"""Writes to the service-time ledger. Entries are appended, never edited; totals move with them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from redvest.activities.models import Activity, Attendance
from redvest.audit.services import audit_record
from redvest.core.errors import Conflict
from redvest.records.models import Anomaly, AnomalyKind, RecordKind, RecordSource, ServiceRecord, ServiceTotal

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

MAX_MINUTES_PER_DAY = 12 * 60


class NotCheckedOut(Conflict):
    code = "not_checked_out"
    default_message = "尚未签退，不能计算服务时长"


def clipped_minutes(*, start: datetime.datetime, end: datetime.datetime, activity: Activity) -> int:
    """Whole minutes of [start, end] that fall inside the activity's window."""
    lo = max(start, activity.start_at)
    hi = min(end, activity.end_at)
    return max(0, int((hi - lo).total_seconds() // 60))


def _add_to_totals(*, record: ServiceRecord) -> None:
    """Move the (volunteer, year, kind) total by the entry's minutes, under the row lock."""
    total, _created = ServiceTotal.objects.select_for_update().get_or_create(
        volunteer_id=record.volunteer_id, year=record.served_on.year, kind=record.kind
    )
    ServiceTotal.objects.filter(pk=total.pk).update(minutes=F("minutes") + record.minutes)


def record_append(
    *,
    actor: User | None,
    volunteer: Volunteer,
    kind: str,
    source: str,
    category: str,
    minutes: int,
    served_on: datetime.date,
    activity: Activity | None = None,
    attendance: Attendance | None = None,
    start_at: datetime.datetime | None = None,
    end_at: datetime.datetime | None = None,
    reverses: ServiceRecord | None = None,
    corrects: ServiceRecord | None = None,
    reason: str = "",
    evidence: object = "",
) -> ServiceRecord:
    """The one way an entry enters the ledger: the entry, its total and its audit row together."""
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            volunteer=volunteer,
            activity=activity,
            attendance=attendance,
            kind=kind,
            source=source,
            category=category,
            minutes=minutes,
            served_on=served_on,
            start_at=start_at,
            end_at=end_at,
            reverses=reverses,
            corrects=corrects,
            reason=reason,
            evidence=evidence,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _add_to_totals(record=record)
        audit_record(
            actor=actor,
            action="create",
            target=record,
            org=volunteer.org,
            after={"kind": kind, "source": source, "minutes": minutes, "served_on": str(served_on)},
            reason=reason,
        )
    return record


def anomaly_flag(
    *,
    kind: str,
    volunteer: Volunteer,
    activity: Activity | None = None,
    attendance: Attendance | None = None,
    record: ServiceRecord | None = None,
    detail: str = "",
) -> Anomaly:
    """Put an item in the leader's review queue."""
    return Anomaly.objects.create(
        kind=kind, volunteer=volunteer, activity=activity, attendance=attendance, record=record, detail=detail[:300]
    )


def _flag_record_anomalies(*, record: ServiceRecord) -> None:
    """Overlap with another stay of the same volunteer, and more than 12 hours credited in a day."""
    if record.start_at and record.end_at:
        overlapping = (
            ServiceRecord.objects.filter(
                volunteer_id=record.volunteer_id,
                kind=RecordKind.CREDIT,
                start_at__lt=record.end_at,
                end_at__gt=record.start_at,
                reversed_by__isnull=True,
                reverses__isnull=True,
            )
            .exclude(pk=record.pk)
            .exists()
        )
        if overlapping:
            anomaly_flag(
                kind=AnomalyKind.OVERLAP,
                volunteer=record.volunteer,
                activity=record.activity,
                record=record,
                detail="与该志愿者其他服务记录时段重叠",
            )
    day_total = (
        ServiceRecord.objects.filter(
            volunteer_id=record.volunteer_id, kind=RecordKind.CREDIT, served_on=record.served_on
        ).aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    if day_total > MAX_MINUTES_PER_DAY:
        anomaly_flag(
            kind=AnomalyKind.OVER_12_HOURS,
            volunteer=record.volunteer,
            activity=record.activity,
            record=record,
            detail=f"{record.served_on} 当日累计 {day_total // 60} 小时 {day_total % 60} 分钟",
        )


@transaction.atomic
def record_post_attendance(*, actor: User | None, attendance: Attendance) -> ServiceRecord:
    """Turn a closed stay into credit minutes (check-out − check-in, clipped to the activity window).

    Called by the activities services when attendance closes or an auto-closed stay is confirmed.
    Posting twice for one attendance is refused by returning the existing entry.
    """
    existing = ServiceRecord.objects.filter(attendance=attendance, source=RecordSource.ATTENDANCE).first()
    if existing is not None:
        return existing
    if attendance.check_out_at is None:
        raise NotCheckedOut()
    activity = attendance.activity
    minutes = clipped_minutes(start=attendance.check_in_at, end=attendance.check_out_at, activity=activity)
    record = record_append(
        actor=actor,
        volunteer=attendance.volunteer,
        kind=RecordKind.CREDIT,
        source=RecordSource.ATTENDANCE,
        category=activity.category,
        minutes=minutes,
        served_on=timezone.localtime(max(attendance.check_in_at, activity.start_at)).date(),
        activity=activity,
        attendance=attendance,
        start_at=max(attendance.check_in_at, activity.start_at),
        end_at=min(attendance.check_out_at, activity.end_at),
    )
    _flag_record_anomalies(record=record)
    return record


def effective_records_q() -> Q:
    """Entries that are neither reversed nor reversals: the current state of the record list."""
    return Q(reversed_by__isnull=True, reverses__isnull=True)
