"""Writes to the service-time ledger. Entries are appended, never edited; totals move with them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from redvest.activities.models import Activity, Attendance
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.core.services import notification_send
from redvest.records import hooks
from redvest.records.access import may_change_record
from redvest.records.errors import (
    CorrectionNeedsApproval,
    CorrectionTooLong,
    InvalidMinutes,
    NotCheckedOut,
    ReasonRequired,
    RecordAlreadyReversed,
    ReversalNotCorrectable,
    SameMinutes,
)
from redvest.records.models import (
    Anomaly,
    AnomalyKind,
    MonthlyServiceTotal,
    RecordKind,
    RecordSource,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

MAX_MINUTES_PER_DAY = 12 * 60
# A single honour grant (or its correction) above this is almost certainly a typo (hours typed as minutes ×60).
MAX_HONOUR_MINUTES = 1000 * 60


def clipped_minutes(*, start: datetime.datetime, end: datetime.datetime, activity: Activity) -> int:
    """Whole minutes of [start, end] that fall inside the activity's window."""
    lo = max(start, activity.start_at)
    hi = min(end, activity.end_at)
    return max(0, int((hi - lo).total_seconds() // 60))


def _add_to_totals(*, record: ServiceRecord) -> None:
    """Move the (volunteer, org, year, kind), (volunteer, year, kind, category) and (org, month, kind)
    totals by the entry's minutes, under the row lock; the org is the entry's own (the org it is credited
    to)."""
    year = record.served_on.year
    total, _created = ServiceTotal.objects.select_for_update(of=("self",)).get_or_create(
        volunteer_id=record.volunteer_id, org_id=record.org_id, year=year, kind=record.kind
    )
    ServiceTotal.objects.filter(pk=total.pk).update(minutes=F("minutes") + record.minutes)
    by_category, _created = ServiceCategoryTotal.objects.select_for_update(of=("self",)).get_or_create(
        volunteer_id=record.volunteer_id, year=year, kind=record.kind, category=record.category
    )
    ServiceCategoryTotal.objects.filter(pk=by_category.pk).update(minutes=F("minutes") + record.minutes)
    if record.org_id is not None:  # always set since records.0009; an entry without an org is in no subtree
        monthly, _created = MonthlyServiceTotal.objects.select_for_update(of=("self",)).get_or_create(
            org_id=record.org_id, month=record.served_on.replace(day=1), kind=record.kind
        )
        MonthlyServiceTotal.objects.filter(pk=monthly.pk).update(minutes=F("minutes") + record.minutes)


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
    """The one way an entry enters the ledger: the entry, its total and its audit row together. The entry
    is credited to the volunteer's org now, or, fixing an entry, to that entry's org."""
    fixed = reverses or corrects
    org_id = fixed.org_id if fixed is not None and fixed.org_id is not None else volunteer.org_id
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            volunteer=volunteer,
            org_id=org_id,
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
        # Points follow service time in the same transaction: credit earns per the rules in force, a
        # reversal takes back what the reversed entry earned (points registers on this hook).
        hooks.record_appended(record)
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


def clean_reason(reason: str, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ReasonRequired(field=field)
    if len(text) > 300:
        raise ReasonRequired("原因不能超过300字", field=field)
    return text


def max_minutes_for(record: ServiceRecord) -> int:
    """The most a record of this kind may hold: the activity's planned duration for credit, a sanity cap for honour."""
    if record.kind == RecordKind.CREDIT and record.activity is not None:
        return record.activity.planned_minutes
    return MAX_HONOUR_MINUTES


@dataclass(frozen=True)
class Correction:
    reversal: ServiceRecord
    correction: ServiceRecord | None

    @property
    def current(self) -> ServiceRecord:
        return self.correction or self.reversal


def _notify_volunteer(*, volunteer: Volunteer, title: str, body: str) -> None:
    if volunteer.user is not None:
        notification_send(recipients=[volunteer.user], title=title, body=body, url=reverse("records:my-service"))


def adds_credit(record: ServiceRecord, minutes: int) -> bool:
    """A correction that raises credit minutes (stars, points, rankings and awards follow credit)."""
    return record.kind == RecordKind.CREDIT and minutes > record.minutes


def check_correction(*, old: ServiceRecord, minutes: int) -> None:
    """The rules every correction of `old` to `minutes` obeys, applied now or after approval.
    Raises ReversalNotCorrectable, RecordAlreadyReversed, InvalidMinutes, CorrectionTooLong, SameMinutes."""
    if old.reverses_id is not None:
        raise ReversalNotCorrectable()
    if ServiceRecord.objects.filter(reverses=old).exists():
        raise RecordAlreadyReversed()
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        raise InvalidMinutes("更正后的时长须为不小于0的整数（分钟）", field="minutes")
    cap = max_minutes_for(old)
    if minutes > cap:
        if old.kind == RecordKind.CREDIT and old.activity is not None:
            raise CorrectionTooLong(f"更正后的时长不能超过活动计划时长（开始至结束）{cap} 分钟", field="minutes")
        raise InvalidMinutes(f"更正后的时长不能超过 {cap} 分钟", field="minutes")
    if minutes == old.minutes:
        raise SameMinutes(field="minutes")


def lock_record(record: ServiceRecord) -> ServiceRecord:
    """The entry under its row lock, with what the correction rules read."""
    return (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__user", "volunteer__org")
        .get(pk=record.pk)
    )


def post_correction(
    *, actor: User, old: ServiceRecord, minutes: int, reason: str, evidence: object = None, detail: str = ""
) -> Correction:
    """Append the reversal and the correction of a locked, checked entry; audit it, tell the volunteer and put
    an item in the anomaly review queue (every correction is reviewed). Callers hold the transaction."""
    reversal = record_append(
        actor=actor,
        volunteer=old.volunteer,
        kind=old.kind,
        source=RecordSource.REVERSAL,
        category=old.category,
        minutes=-old.minutes,
        served_on=old.served_on,
        activity=old.activity,
        attendance=old.attendance,
        start_at=old.start_at,
        end_at=old.end_at,
        reverses=old,
        reason=reason,
    )
    correction = None
    if minutes:
        correction = record_append(
            actor=actor,
            volunteer=old.volunteer,
            kind=old.kind,
            source=RecordSource.CORRECTION,
            category=old.category,
            minutes=minutes,
            served_on=old.served_on,
            activity=old.activity,
            attendance=old.attendance,
            start_at=old.start_at,
            end_at=old.start_at + datetime.timedelta(minutes=minutes) if old.start_at else None,
            corrects=old,
            reason=reason,
            evidence=evidence or old.evidence.name or "",
        )
    audit_record(
        actor=actor,
        action="update",
        target=old,
        org=old.volunteer.org,
        before={"minutes": old.minutes},
        after={"minutes": minutes, "reversal_id": reversal.pk, "correction_id": correction.pk if correction else None},
        reason=reason,
    )
    anomaly_flag(
        kind=AnomalyKind.CORRECTION,
        volunteer=old.volunteer,
        activity=old.activity,
        record=correction or reversal,
        detail=detail or f"{old.served_on} 的记录由 {old.minutes} 分钟更正为 {minutes} 分钟：{reason}",
    )
    _notify_volunteer(
        volunteer=old.volunteer,
        title="服务记录已更正",
        body=f"{old.served_on} 的服务记录由 {old.minutes} 分钟更正为 {minutes} 分钟。原因：{reason}",
    )
    return Correction(reversal=reversal, correction=correction)


@transaction.atomic
def record_correct(*, actor: User, record: ServiceRecord, minutes: int, reason: str) -> Correction:
    """Correct an entry at once: reversal (−minutes, reverses=old) plus, when the new value ≠ 0, a correction
    (corrects=old), and an anomaly for review. Only corrections that do not add credit minutes apply at once;
    adding credit goes through `correction_propose` (evidence, approval from above). Raises
    CorrectionNeedsApproval, check_correction's errors, ReasonRequired, PermissionDenied."""
    reason = clean_reason(reason)
    old = lock_record(record)
    if not may_change_record(actor, old):
        raise PermissionDenied("您无权更正该服务记录")
    check_correction(old=old, minutes=minutes)
    if adds_credit(old, minutes):
        raise CorrectionNeedsApproval(field="minutes")
    return post_correction(actor=actor, old=old, minutes=minutes, reason=reason)


def record_current(record: ServiceRecord) -> ServiceRecord | None:
    """Follow corrections from an entry to the one that stands now (None when it was corrected to zero)."""
    current: ServiceRecord | None = record
    for _ in range(100):  # a chain of corrections is short; the bound guards against a cycle in bad data
        if current is None or not ServiceRecord.objects.filter(reverses=current).exists():
            return current
        current = ServiceRecord.objects.filter(corrects=current).order_by("-id").first()
    return current
