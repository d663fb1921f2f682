"""Writes for activities: create, update, publish, cancel; scheduling the forgotten-check-out sweep."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import require
from redvest.activities.access import require_can_organise
from redvest.activities.conf import checkout_grace
from redvest.activities.errors import (
    ActivityAlreadyPublished,
    ActivityCancelled,
    ActivityEnded,
    ActivityHasAttendance,
)
from redvest.activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    HELD_STATUSES,
    LIVE_STATUSES,
    Activity,
    ActivityMode,
    ActivityStatus,
    ServiceCategory,
    SignUpStatus,
    lifecycle_status,
)
from redvest.activities.selectors.calendar import theme_for_time
from redvest.activities.services._common import activity_url, locked
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.services import notification_send
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.teams.models import BrandProject, Team

MIN_RADIUS_M = 10
MAX_RADIUS_M = 10_000


@dataclass
class ActivityData:
    """What an organiser fills in; the same for create and update."""

    title: str
    org: OrgNode
    teams: list[Team]
    category: str
    place: str
    latitude: Decimal
    longitude: Decimal
    start_at: datetime.datetime
    end_at: datetime.datetime
    recruit_start: datetime.datetime
    recruit_end: datetime.datetime
    quota: int
    brand: BrandProject | None = None
    mode: str = ActivityMode.CONCENTRATED
    is_theme_party_day: bool = False
    geofence_radius_m: int = 500
    requires_approval: bool = True
    skills_wanted: list[str] = field(default_factory=list)
    description: str = ""
    has_risk: bool = False
    risk_description: str = ""


def activity_validate(data: ActivityData) -> None:
    """Field rules; raises ValidationFailed naming every bad field at once."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写活动名称"
    if not data.place.strip():
        errors["place"] = "请填写活动地点"
    if not data.teams:
        errors["teams"] = "请至少选择一支组织队伍"
    if data.category not in ServiceCategory.values:
        errors["category"] = "请选择服务类别"
    if data.mode not in ActivityMode.values:
        errors["mode"] = "请选择服务方式"
    if not Decimal(-90) <= data.latitude <= Decimal(90):
        errors["latitude"] = "纬度应在 -90 到 90 之间"
    if not Decimal(-180) <= data.longitude <= Decimal(180):
        errors["longitude"] = "经度应在 -180 到 180 之间"
    if not MIN_RADIUS_M <= data.geofence_radius_m <= MAX_RADIUS_M:
        errors["geofence_radius_m"] = f"签到范围应在 {MIN_RADIUS_M} 到 {MAX_RADIUS_M} 米之间"
    if data.end_at <= data.start_at:
        errors["end_at"] = "结束时间必须晚于开始时间"
    if data.recruit_end <= data.recruit_start:
        errors["recruit_end"] = "招募截止时间必须晚于招募开始时间"
    elif data.recruit_end >= data.end_at:
        errors["recruit_end"] = "招募须在活动结束前截止"
    if data.quota < 1:
        errors["quota"] = "招募人数至少为 1"
    if data.has_risk and not data.risk_description.strip():
        errors["risk_description"] = "有风险的活动请简要说明风险（如高处作业、水域、交通疏导）"
    elif len(data.risk_description.strip()) > 200:
        errors["risk_description"] = "风险说明不能超过200字"
    if data.brand is not None and not data.brand.pk:
        errors["brand"] = "品牌项目不存在"
    if errors:
        raise ValidationFailed(errors)


def _apply(activity: Activity, data: ActivityData) -> None:
    activity.title = data.title.strip()
    activity.org = data.org
    activity.brand = data.brand
    activity.category = data.category
    activity.mode = data.mode
    activity.is_theme_party_day = data.is_theme_party_day
    activity.place = data.place.strip()
    activity.latitude = data.latitude
    activity.longitude = data.longitude
    activity.geofence_radius_m = data.geofence_radius_m
    activity.start_at = data.start_at
    activity.end_at = data.end_at
    activity.recruit_start = data.recruit_start
    activity.recruit_end = data.recruit_end
    activity.quota = data.quota
    activity.requires_approval = data.requires_approval
    activity.skills_wanted = [s.strip() for s in data.skills_wanted if s.strip()]
    activity.description = data.description.strip()
    activity.has_risk = data.has_risk
    activity.risk_description = data.risk_description.strip() if data.has_risk else ""
    # The quarter's theme of the nearest node up the tree that set one.
    activity.theme = theme_for_time(org=data.org, at=data.start_at)


@transaction.atomic
def activity_create(*, actor: User, data: ActivityData) -> Activity:
    """A draft activity; organisers only (require_can_organise); raises ValidationFailed."""
    activity_validate(data)
    require_can_organise(actor, org=data.org, teams=data.teams)
    activity = Activity(status=ActivityStatus.DRAFT, checkin_secret=secrets.token_hex(32), created_by=actor)
    _apply(activity, data)
    activity.save()
    activity.teams.set(data.teams)
    audit_record(
        actor=actor, action="create", target=activity, org=activity.org, after=snapshot(activity, _AUDITED_FIELDS)
    )
    return activity


_AUDITED_FIELDS = [
    "title",
    "org",
    "brand",
    "theme",
    "category",
    "mode",
    "is_theme_party_day",
    "place",
    "latitude",
    "longitude",
    "geofence_radius_m",
    "start_at",
    "end_at",
    "recruit_start",
    "recruit_end",
    "quota",
    "has_risk",
    "risk_description",
    "requires_approval",
    "status",
]


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: ActivityData, at: datetime.datetime) -> Activity:
    """Edit; raises PermissionDenied, ActivityCancelled, ValidationFailed. A larger quota promotes the waitlist."""
    require(actor, "change", activity)
    activity = locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("已取消的活动不能修改")
    activity_validate(data)
    require_can_organise(actor, org=data.org, teams=data.teams)
    before = snapshot(activity, _AUDITED_FIELDS)
    before_teams = sorted(activity.teams.values_list("pk", flat=True))
    old_end = activity.end_at
    _apply(activity, data)
    # New times may move a held activity back to 招募中 or on to 进行中/已结束.
    activity.status = activity.status_at(at)
    activity.save()
    activity.teams.set(data.teams)
    changed_before, changed_after = diff(before, snapshot(activity, _AUDITED_FIELDS))
    after_teams = sorted(t.pk for t in data.teams)
    if before_teams != after_teams:
        changed_before["teams"], changed_after["teams"] = before_teams, after_teams
    audit_record(
        actor=actor, action="update", target=activity, org=activity.org, before=changed_before, after=changed_after
    )
    if activity.status in LIVE_STATUSES:
        from redvest.activities.services.signups import promote_waitlisted

        promote_waitlisted(activity=activity, at=at)
        if activity.end_at != old_end:
            schedule_auto_close(activity=activity)
    return activity


def schedule_auto_close(*, activity: Activity) -> None:
    """After commit, enqueue the forgotten-check-out sweep for end + grace on queue "attendance".

    Backends that cannot defer (the immediate one in tests) are skipped: the periodic
    `close_forgotten_checkouts` command sweeps everything due anyway.
    """
    from redvest.activities.tasks import attendance_close_forgotten

    due = activity.end_at + checkout_grace()
    activity_id = activity.pk

    def enqueue() -> None:
        if attendance_close_forgotten.get_backend().supports_defer:
            attendance_close_forgotten.using(run_after=due).enqueue(activity_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def activity_publish(*, actor: User, activity: Activity, at: datetime.datetime) -> Activity:
    """Open recruitment; raises ActivityAlreadyPublished, ActivityCancelled, ActivityEnded."""
    require(actor, "change", activity)
    activity = locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("已取消的活动不能发布")
    if activity.status in HELD_STATUSES:
        raise ActivityAlreadyPublished()
    if activity.end_at <= at:
        raise ActivityEnded("活动已结束，不能发布")
    # Published after its start, it is under way at once.
    activity.status = lifecycle_status(
        status=ActivityStatus.PUBLISHED, start_at=activity.start_at, end_at=activity.end_at, at=at
    )
    activity.published_at = at
    activity.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="update",
        target=activity,
        org=activity.org,
        before={"status": ActivityStatus.DRAFT},
        after={"status": activity.status},
    )
    schedule_auto_close(activity=activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity, reason: str, at: datetime.datetime) -> Activity:
    """Cancel and tell everyone signed up; raises ActivityCancelled, ActivityHasAttendance, DomainError (no reason)."""
    require(actor, "change", activity)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写取消原因", field="reason", code="reason_required")
    activity = locked(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("活动已取消，请勿重复操作")
    if activity.attendances.exists():
        raise ActivityHasAttendance()
    before_status = activity.status
    signed_up = Volunteer.objects.filter(
        pk__in=activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).values("volunteer_id"),
    )
    recipients: list[Any] = [v.user for v in signed_up.select_related("user") if v.user is not None]
    activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).update(
        status=SignUpStatus.CANCELLED, decided_by=actor, decided_at=at, note="活动已取消"
    )
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason[:200]
    activity.save(update_fields=["status", "cancel_reason"])
    audit_record(
        actor=actor,
        action="update",
        target=activity,
        org=activity.org,
        before={"status": before_status},
        after={"status": ActivityStatus.CANCELLED},
        reason=reason,
    )
    if recipients:
        start = timezone.localtime(activity.start_at)
        notification_send(
            recipients=recipients,
            title=f"活动「{activity.title}」已取消",
            body=f"原定于 {start:%m月%d日 %H:%M} 在{activity.place}举行的活动已取消。原因：{reason}",
            url=activity_url(activity),
        )
    return activity
