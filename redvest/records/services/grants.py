"""Entries that do not come from check-in/out: make-up records (补录) and honour hours (荣誉时数)."""

from __future__ import annotations

import datetime
import difflib
import re
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_administer
from redvest.activities.models import Activity, ActivityStatus, Attendance, AttendanceStatus, ServiceCategory
from redvest.core.errors import PermissionDenied
from redvest.records.errors import (
    ActivityCancelled,
    ActivityNotEnded,
    AlreadyRecorded,
    EvidenceInvalid,
    EvidenceRequired,
    FutureDate,
    InvalidMinutes,
    LikelyDuplicateGrant,
    MakeupTooLong,
    MakeupWindowClosed,
)
from redvest.records.models import AnomalyKind, RecordKind, RecordSource, ServiceRecord
from redvest.records.services.ledger import (
    MAX_HONOUR_MINUTES,
    _flag_record_anomalies,
    _notify_volunteer,
    anomaly_flag,
    clean_reason,
    effective_records_q,
    record_append,
)
from redvest.records.workdays import WorkCalendar, add_working_days
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

MAKEUP_WORKING_DAYS = 10
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Extension → the leading bytes a real file of that type starts with (checked, not trusted from the name).
_EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def evidence_check(evidence: Any) -> None:
    """A photo (JPG/PNG/WebP) or document (PDF/Word) of at most 10 MB, by name and by content.
    Raises EvidenceRequired or EvidenceInvalid."""
    if evidence is None or not getattr(evidence, "name", ""):
        raise EvidenceRequired(field="evidence")
    size = getattr(evidence, "size", None)
    if not size:
        raise EvidenceRequired("佐证材料是空文件", field="evidence")
    if size > MAX_EVIDENCE_BYTES:
        raise EvidenceInvalid("佐证材料不能超过10MB", field="evidence")
    extension = str(evidence.name).rsplit(".", 1)[-1].lower() if "." in str(evidence.name) else ""
    signatures = _EVIDENCE_SIGNATURES.get(extension)
    if signatures is None:
        raise EvidenceInvalid(field="evidence")
    stream: IO[bytes] = evidence
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if not any(head.startswith(sig) for sig in signatures) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise EvidenceInvalid("佐证材料的内容与文件类型不符", field="evidence")


def makeup_deadline(activity: Activity, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """The last day a make-up may be recorded: the 10th working day after the activity ended (one query,
    none with a `calendar` already loaded for the span). Raises WorkCalendarMissing for a year without
    its holiday arrangement."""
    ended = timezone.localtime(activity.end_at).date()
    if calendar is None:
        return add_working_days(ended, MAKEUP_WORKING_DAYS)
    return calendar.add_working_days(ended, MAKEUP_WORKING_DAYS)


@transaction.atomic
def makeup_record(
    *,
    actor: User,
    activity: Activity,
    volunteer: Volunteer,
    minutes: int,
    reason: str,
    evidence: Any,
) -> ServiceRecord:
    """补录: credit for a volunteer who was there but has no record, within 10 working days of the activity's
    end, never longer than its planned duration, with evidence. Raises PermissionDenied, ActivityCancelled,
    ActivityNotEnded, WorkCalendarMissing, MakeupWindowClosed, MakeupTooLong, InvalidMinutes, AlreadyRecorded,
    Evidence*."""
    if not can(actor, "change", activity):
        raise PermissionDenied("只有组织该活动的服务队负责人、联络员或管理员可以补录")
    reason = clean_reason(reason)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled()
    now = timezone.now()
    if activity.end_at > now:
        raise ActivityNotEnded()
    deadline = makeup_deadline(activity)
    if timezone.localdate(now) > deadline:
        raise MakeupWindowClosed(f"已超过补录期限（活动结束后10个工作日，截止 {deadline:%Y-%m-%d}）")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        raise InvalidMinutes("补录时长须为正整数（分钟）", field="minutes")
    if minutes > activity.planned_minutes:
        raise MakeupTooLong(f"补录时长不能超过活动计划时长 {activity.planned_minutes} 分钟", field="minutes")
    evidence_check(evidence)

    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "user").get(pk=volunteer.pk)
    if volunteer.status == VolunteerStatus.DEREGISTERED:
        raise AlreadyRecorded("该志愿者已注销，不能补录", code="volunteer_deregistered")
    has_record = (
        ServiceRecord.objects.filter(volunteer=volunteer, activity=activity, kind=RecordKind.CREDIT)
        .filter(effective_records_q())
        .exists()
    )
    if has_record:
        raise AlreadyRecorded()
    pending = Attendance.objects.filter(
        volunteer=volunteer, activity=activity, status__in=[AttendanceStatus.OPEN, AttendanceStatus.AUTO_CLOSED]
    )
    if pending.exists():
        raise AlreadyRecorded(
            "该志愿者在此活动有未签退或待确认的签到记录，请先在签到管理中处理", code="attendance_open"
        )
    record = record_append(
        actor=actor,
        volunteer=volunteer,
        kind=RecordKind.CREDIT,
        source=RecordSource.MAKEUP,
        category=activity.category,
        minutes=minutes,
        served_on=timezone.localtime(activity.start_at).date(),
        activity=activity,
        start_at=activity.start_at,
        end_at=activity.start_at + datetime.timedelta(minutes=minutes),
        reason=reason,
        evidence=evidence,
    )
    _flag_record_anomalies(record=record)
    _notify_volunteer(
        volunteer=volunteer,
        title="服务时长已补录",
        body=f"「{activity.title}」补录服务时长 {minutes} 分钟。原因：{reason}",
    )
    return record


# Two descriptions of one deed: equal once spaces and punctuation are dropped, one inside the other, or
# mostly the same characters (Chinese text has no word boundaries, so characters are compared).
SIMILAR_DEED_RATIO = 0.6


def _deed_text(text: str) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def similar_deed(a: str, b: str) -> bool:
    """Do two grant reasons describe the same deed?"""
    x, y = _deed_text(a), _deed_text(b)
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= SIMILAR_DEED_RATIO


def likely_duplicate_grant(
    *, actor: User, volunteer: Volunteer, served_on: datetime.date, reason: str
) -> ServiceRecord | None:
    """An earlier standing honour grant to the volunteer for the same date and a similar deed by another admin."""
    earlier = (
        ServiceRecord.objects.filter(
            volunteer=volunteer, kind=RecordKind.HONOUR, source=RecordSource.HONOUR, served_on=served_on
        )
        .filter(effective_records_q())
        .exclude(created_by=actor)
        .select_related("created_by")
        .order_by("id")
    )
    return next((r for r in earlier if similar_deed(r.reason, reason)), None)


@transaction.atomic
def honour_grant(
    *,
    actor: User,
    volunteer: Volunteer,
    minutes: int,
    category: str,
    served_on: datetime.date,
    reason: str,
    evidence: Any,
    confirm_duplicate: bool = False,
) -> ServiceRecord:
    """荣誉时数: granted by an org admin over the volunteer, with reason and evidence, kept apart from credit.
    A grant for the same date and a similar deed that another admin already made is refused as a likely
    duplicate unless confirmed, and a confirmed one is flagged for review. Raises PermissionDenied,
    InvalidMinutes, FutureDate, ReasonRequired, Evidence*, LikelyDuplicateGrant."""
    if not can_administer(actor, volunteer.org):
        raise PermissionDenied("只有该志愿者所属组织的管理员可以授予荣誉时数")
    reason = clean_reason(reason)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= MAX_HONOUR_MINUTES:
        raise InvalidMinutes(f"荣誉时长须在 1–{MAX_HONOUR_MINUTES} 分钟之间", field="minutes")
    if category not in ServiceCategory.values:
        raise InvalidMinutes("服务类别无效", field="category", code="invalid_category")
    if served_on > timezone.localdate():
        raise FutureDate(field="served_on")
    evidence_check(evidence)

    # Two admins granting at the same moment: the volunteer's row lock makes the second see the first.
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "user").get(pk=volunteer.pk)
    earlier = likely_duplicate_grant(actor=actor, volunteer=volunteer, served_on=served_on, reason=reason)
    if earlier is not None and not confirm_duplicate:
        raise LikelyDuplicateGrant(
            f"疑似重复授予：{earlier.created_by or '其他管理员'} 已于 "
            f"{timezone.localtime(earlier.created_at):%Y-%m-%d %H:%M} 为该志愿者授予 {served_on:%Y-%m-%d} 的荣誉时长 "
            f"{earlier.minutes} 分钟（记录 #{earlier.pk}：{earlier.reason}）。如确认不是重复，请勾选“确认不是重复”后再提交",
            field="confirm_duplicate",
        )
    record = record_append(
        actor=actor,
        volunteer=volunteer,
        kind=RecordKind.HONOUR,
        source=RecordSource.HONOUR,
        category=category,
        minutes=minutes,
        served_on=served_on,
        reason=reason,
        evidence=evidence,
    )
    if earlier is not None:
        anomaly_flag(
            kind=AnomalyKind.DUPLICATE_HONOUR,
            volunteer=volunteer,
            record=record,
            detail=f"授予人已确认不是重复；此前 {earlier.created_by or '其他管理员'} 已授予同日荣誉时长（记录 #{earlier.pk}：{earlier.reason}）",
        )
    _notify_volunteer(volunteer=volunteer, title="获得荣誉时数", body=f"授予荣誉时长 {minutes} 分钟。原因：{reason}")
    return record
