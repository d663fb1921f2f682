"""Training: sessions, enrolment and attendance marks (corrections are new marks, never edits).
Training minutes are their own figure; nothing here writes service records."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.publicity.errors import AlreadyEnrolled, SessionFull
from redvest.publicity.models import AttendanceMark, Enrolment, TrainingCategory, TrainingSession

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.volunteers.models import Volunteer

MAX_CAPACITY = 5000


@dataclass(frozen=True)
class SessionData:
    title: str
    category: str
    trainer: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minutes: int
    capacity: int
    description: str = ""


def _clean_session(data: SessionData) -> SessionData:
    errors: dict[str, str] = {}
    text = {k: (getattr(data, k) or "").strip() for k in ("title", "trainer", "place", "description")}
    limits = {"title": ("培训主题", 100), "trainer": ("授课人", 50), "place": ("地点", 100)}
    for key, (label, limit) in limits.items():
        if not text[key]:
            errors[key] = f"请填写{label}"
        elif len(text[key]) > limit:
            errors[key] = f"{label}不能超过{limit}字"
    if data.category not in TrainingCategory.values:
        errors["category"] = "请选择培训类别"
    if not isinstance(data.starts_at, datetime.datetime) or timezone.is_naive(data.starts_at):
        errors["starts_at"] = "请填写开始时间"
    if not isinstance(data.ends_at, datetime.datetime) or timezone.is_naive(data.ends_at):
        errors["ends_at"] = "请填写结束时间"
    elif "starts_at" not in errors and data.ends_at <= data.starts_at:
        errors["ends_at"] = "结束时间须晚于开始时间"
    if not isinstance(data.minutes, int) or isinstance(data.minutes, bool) or data.minutes < 1:
        errors["minutes"] = "培训时长须为正整数（分钟）"
    elif "starts_at" not in errors and "ends_at" not in errors:
        span = int((data.ends_at - data.starts_at).total_seconds() // 60)
        if data.minutes > span:
            errors["minutes"] = f"培训时长不能超过培训起止时间（{span}分钟）"
    if not isinstance(data.capacity, int) or isinstance(data.capacity, bool) or not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = f"名额须为1至{MAX_CAPACITY}的整数"
    if errors:
        raise ValidationFailed(errors)
    return SessionData(
        title=text["title"],
        category=data.category,
        trainer=text["trainer"],
        place=text["place"],
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        minutes=data.minutes,
        capacity=data.capacity,
        description=text["description"],
    )


@transaction.atomic
def training_session_create(*, actor: User, org: OrgNode, data: SessionData) -> TrainingSession:
    """A training session run by an org the actor administers. Raises ValidationFailed, PermissionDenied."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有本组织的管理员可以发布培训")
    clean = _clean_session(data)
    session = TrainingSession.objects.create(
        org=org,
        title=clean.title,
        category=clean.category,
        trainer=clean.trainer,
        place=clean.place,
        starts_at=clean.starts_at,
        ends_at=clean.ends_at,
        minutes=clean.minutes,
        capacity=clean.capacity,
        description=clean.description,
        created_by=actor,
    )
    audit_record(actor=actor, action="create", target=session, org=org, after=snapshot(session))
    return session


@transaction.atomic
def training_enrol(
    *, actor: User, session: TrainingSession, volunteer: Volunteer, now: datetime.datetime | None = None
) -> Enrolment:
    """Enrol a volunteer: themselves before the session ends, or by an admin over the session (who may also
    sign up walk-ins afterwards). Within capacity, once. Raises SessionFull, AlreadyEnrolled,
    ValidationFailed, PermissionDenied."""
    locked = TrainingSession.objects.select_for_update(of=("self",)).select_related("org").get(pk=session.pk)
    organiser = can_administer(actor, locked.org) and can(actor, "view", volunteer)
    is_self = volunteer.user_id is not None and volunteer.user_id == actor.pk
    if not (organiser or is_self):
        raise PermissionDenied("您不能为该志愿者报名")
    if not organiser and locked.ends_at <= (now or timezone.now()):
        raise ValidationFailed({"session": "培训已结束，不能再报名"})
    if Enrolment.objects.filter(session=locked, volunteer=volunteer).exists():
        raise AlreadyEnrolled(f"{volunteer.name}已报名该培训", field="volunteer")
    if Enrolment.objects.filter(session=locked).count() >= locked.capacity:
        raise SessionFull(f"培训名额已满（{locked.capacity}人）")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(session=locked, volunteer=volunteer, enrolled_by=actor)
    except IntegrityError as exc:
        raise AlreadyEnrolled(field="volunteer") from exc
    audit_record(
        actor=actor,
        action="create",
        target=enrolment,
        org=locked.org,
        after={"session": locked.pk, "volunteer": volunteer.pk},
    )
    return enrolment


@dataclass(frozen=True)
class MarkResult:
    marked: int
    corrected: int
    unchanged: int


@transaction.atomic
def attendance_mark(
    *,
    actor: User,
    session: TrainingSession,
    marks: Mapping[int, bool],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> MarkResult:
    """Mark attendance for many enrolments (enrolment id → attended) on one page, by an admin over the
    session, once it has started. A first mark is a new row; changing a mark appends a correction that
    references the current mark and needs a reason. Raises ValidationFailed, PermissionDenied."""
    locked = TrainingSession.objects.select_for_update(of=("self",)).select_related("org").get(pk=session.pk)
    if not can_administer(actor, locked.org):
        raise PermissionDenied("只有培训主办组织的管理员可以登记出勤")
    if locked.starts_at > (now or timezone.now()):
        raise ValidationFailed({"marks": "培训尚未开始，不能登记出勤"})
    enrolments = {e.pk: e for e in Enrolment.objects.filter(session=locked, pk__in=list(marks))}
    unknown = [pk for pk in marks if pk not in enrolments]
    if unknown:
        raise ValidationFailed({"marks": "出勤名单中有未报名该培训的人员"})
    current = {
        m.enrolment_id: m
        for m in AttendanceMark.objects.filter(enrolment_id__in=list(enrolments), corrected_by__isnull=True)
    }
    reason = (reason or "").strip()
    changed = [pk for pk, attended in marks.items() if pk in current and current[pk].attended != bool(attended)]
    if changed and not reason:
        raise ValidationFailed({"reason": "更改已登记的出勤须填写更正原因"})
    if len(reason) > 300:
        raise ValidationFailed({"reason": "更正原因不能超过300字"})
    new_rows: list[AttendanceMark] = []
    corrections: list[dict[str, object]] = []
    for pk, attended in marks.items():
        enrolment = enrolments[pk]
        old = current.get(pk)
        if old is not None and old.attended == bool(attended):
            continue
        new_rows.append(
            AttendanceMark(
                enrolment=enrolment,
                volunteer_id=enrolment.volunteer_id,
                session=locked,
                attended=bool(attended),
                corrects=old,
                reason=reason if old is not None else "",
                marked_by=actor,
            )
        )
        if old is not None:
            corrections.append({"enrolment": pk, "from": old.attended, "to": bool(attended), "mark": old.pk})
    try:
        with transaction.atomic():
            AttendanceMark.objects.bulk_create(new_rows)
    except IntegrityError as exc:  # someone else marked the same people a moment ago
        raise ValidationFailed({"marks": "出勤刚被他人更新，请刷新后重试"}) from exc
    result = MarkResult(
        marked=len(new_rows) - len(corrections), corrected=len(corrections), unchanged=len(marks) - len(new_rows)
    )
    if new_rows:
        audit_record(
            actor=actor,
            action="update",
            target=locked,
            org=locked.org,
            after={"marked": result.marked, "corrections": corrections},
            reason=reason if corrections else "",
        )
    return result
