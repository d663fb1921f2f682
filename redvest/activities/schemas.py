"""ninja In/Out schemas for the activities API, and the functions that fill the Out ones."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from redvest.activities.models import Activity, Attendance, SignUp
from redvest.activities.selectors import ActivityReport, BrowseRow, DayTag, activity_tags
from redvest.core.schemas import Id, UInt16, UInt32


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without an offset is read as Shanghai time, never as a naive value."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class AwareSchema(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _aware(cls, value: Any) -> Any:
        return aware(value) if isinstance(value, datetime.datetime) else value


class ErrorOut(Schema):
    code: str
    message: str


class TagOut(Schema):
    label: str
    kind: str


class TeamRef(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    org_id: int
    org_name: str
    teams: list[TeamRef]
    brand_id: int | None
    theme_title: str | None
    category: str
    category_label: str
    mode: str
    is_theme_party_day: bool
    place: str
    latitude: Decimal
    longitude: Decimal
    geofence_radius_m: int
    start_at: datetime.datetime
    end_at: datetime.datetime
    recruit_start: datetime.datetime
    recruit_end: datetime.datetime
    quota: int
    approved_count: int | None
    requires_approval: bool
    skills_wanted: list[str]
    description: str
    has_risk: bool
    risk_description: str
    tags: list[TagOut]
    distance_m: int | None = None
    my_signup_status: str = ""


def tags_out(tags: list[DayTag]) -> list[dict[str, str]]:
    return [{"label": t.label, "kind": t.kind} for t in tags]


def activity_out(activity: Activity, *, distance_m: int | None = None, my_status: str = "") -> dict[str, Any]:
    """Needs org, theme and teams loaded (the selectors do it)."""
    return {
        "id": activity.pk,
        "title": activity.title,
        "status": activity.current_status,
        "status_label": activity.current_status_label,
        "org_id": activity.org_id,
        "org_name": activity.org.name,
        "teams": [{"id": t.pk, "name": t.name} for t in activity.teams.all()],
        "brand_id": activity.brand_id,
        "theme_title": activity.theme.title if activity.theme_id and activity.theme else None,
        "category": activity.category,
        "category_label": activity.get_category_display(),
        "mode": activity.mode,
        "is_theme_party_day": activity.is_theme_party_day,
        "place": activity.place,
        "latitude": activity.latitude,
        "longitude": activity.longitude,
        "geofence_radius_m": activity.geofence_radius_m,
        "start_at": activity.start_at,
        "end_at": activity.end_at,
        "recruit_start": activity.recruit_start,
        "recruit_end": activity.recruit_end,
        "quota": activity.quota,
        "approved_count": getattr(activity, "approved_count", None),
        "requires_approval": activity.requires_approval,
        "skills_wanted": list(activity.skills_wanted or []),
        "description": activity.description,
        "has_risk": activity.has_risk,
        "risk_description": activity.risk_description,
        "tags": tags_out(activity_tags(activity)),
        "distance_m": distance_m,
        "my_signup_status": my_status,
    }


def browse_row_out(row: BrowseRow) -> dict[str, Any]:
    return activity_out(row.activity, distance_m=row.distance_m, my_status=row.my_status)


class BrowseQuery(Schema):
    lat: Decimal | None = Field(None, ge=-90, le=90, description="手机所在纬度")
    lng: Decimal | None = Field(None, ge=-180, le=180, description="手机所在经度")
    radius_km: int | None = Field(None, ge=1, le=200, description="距离范围（公里），默认10")
    category: str = ""
    date: datetime.date | None = None
    q: str = Field("", max_length=50)
    org_id: Id | None = None


class ManageQuery(Schema):
    status: str = Field(
        "", description="活动状态：draft 草稿、published 招募中、in_progress 进行中、ended 已结束、cancelled 已取消"
    )
    q: str = Field("", max_length=50)


class ActivityIn(AwareSchema):
    title: str = Field(..., max_length=100)
    org_id: Id
    team_ids: list[Id] = Field(..., max_length=20)
    brand_id: Id | None = None
    category: str
    mode: Literal["concentrated", "dispersed"] = "concentrated"
    is_theme_party_day: bool = False
    place: str = Field(..., max_length=200)
    latitude: Decimal = Field(..., max_digits=9, decimal_places=6)
    longitude: Decimal = Field(..., max_digits=9, decimal_places=6)
    geofence_radius_m: UInt32 = 500
    start_at: datetime.datetime
    end_at: datetime.datetime
    recruit_start: datetime.datetime
    recruit_end: datetime.datetime
    quota: UInt32
    requires_approval: bool = True
    skills_wanted: list[str] = Field(default_factory=list, max_length=20)
    description: str = Field("", max_length=5000)
    has_risk: bool = Field(False, description="有风险：签到前须为录用的志愿者投保意外保险")
    risk_description: str = Field("", max_length=200)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class SignUpOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    volunteer_name: str
    status: str
    status_label: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    note: str


def signup_out(signup: SignUp) -> dict[str, Any]:
    return {
        "id": signup.pk,
        "activity_id": signup.activity_id,
        "volunteer_id": signup.volunteer_id,
        "volunteer_name": signup.volunteer.name,
        "status": signup.status,
        "status_label": signup.get_status_display(),
        "created_at": signup.created_at,
        "decided_at": signup.decided_at,
        "note": signup.note,
    }


class ListQuery(Schema):
    status: str = ""


class CodeOut(Schema):
    code: str
    seconds_left: int
    checkin_url: str
    qr_svg: str


class CheckInIn(Schema):
    code: str = Field(..., max_length=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    client_id: str | None = Field(None, max_length=64)
    via_qr: bool = False


class AttendanceOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    volunteer_name: str
    status: str
    status_label: str
    check_in_at: datetime.datetime
    check_out_at: datetime.datetime | None
    check_in_method: str
    check_out_method: str
    check_in_distance_m: int | None
    late_sync: bool
    credit_minutes: int | None = None


def attendance_out(attendance: Attendance) -> dict[str, Any]:
    return {
        "id": attendance.pk,
        "activity_id": attendance.activity_id,
        "volunteer_id": attendance.volunteer_id,
        "volunteer_name": attendance.volunteer.name,
        "status": attendance.status,
        "status_label": attendance.get_status_display(),
        "check_in_at": attendance.check_in_at,
        "check_out_at": attendance.check_out_at,
        "check_in_method": attendance.check_in_method,
        "check_out_method": attendance.check_out_method,
        "check_in_distance_m": attendance.check_in_distance_m,
        "late_sync": attendance.late_sync,
        "credit_minutes": getattr(attendance, "credit_minutes", None),
    }


class SyncItemIn(AwareSchema):
    client_id: str = Field(..., min_length=1, max_length=64)
    activity_id: Id
    kind: Literal["check_in", "check_out"]
    at: datetime.datetime
    code: str = Field(..., max_length=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


class SyncIn(Schema):
    items: list[SyncItemIn] = Field(..., max_length=50)


class SyncResultOut(Schema):
    client_id: str
    ok: bool
    code: str
    message: str
    late: bool
    attendance: AttendanceOut | None


class SyncOut(Schema):
    results: list[SyncResultOut]


class ProxyCheckInIn(Schema):
    volunteer_id: Id
    reason: str = Field(..., max_length=200)


class ProxyCheckOutIn(AwareSchema):
    reason: str = Field(..., max_length=200)
    check_out_at: datetime.datetime | None = None


class ConfirmIn(AwareSchema):
    check_out_at: datetime.datetime | None = None


class TallyIn(Schema):
    category_id: Id
    value: int | None = Field(None, ge=0, le=2**31 - 1)


class OutcomeIn(Schema):
    sessions: int = Field(1, ge=0, le=2**31 - 1)
    beneficiaries: int = Field(0, ge=0, le=2**31 - 1)
    problems_found: int = Field(0, ge=0, le=2**31 - 1)
    problems_solved: int = Field(0, ge=0, le=2**31 - 1)
    summary: str = Field("", max_length=5000)
    tallies: list[TallyIn] = Field(default_factory=list, max_length=100)


class TallyOut(Schema):
    category_id: int
    name: str
    unit: str
    value: int


class PhotoOut(Schema):
    id: int
    url: str
    caption: str


class OutcomeOut(Schema):
    sessions: int
    person_times: int
    volunteers: int
    beneficiaries: int
    problems_found: int
    problems_solved: int
    summary: str
    credit_minutes: int
    tallies: list[TallyOut]
    photos: list[PhotoOut]


def outcome_out(report: ActivityReport) -> dict[str, Any]:
    o = report.outcome
    return {
        "sessions": report.sessions,
        "person_times": report.stats.person_times,
        "volunteers": report.stats.volunteers,
        "beneficiaries": o.beneficiaries if o else 0,
        "problems_found": o.problems_found if o else 0,
        "problems_solved": o.problems_solved if o else 0,
        "summary": o.summary if o else "",
        "credit_minutes": report.credit_minutes,
        "tallies": [t.__dict__ for t in report.tallies],
        "photos": [
            {"id": p.pk, "url": reverse("activities:photo", args=[p.pk]), "caption": p.caption} for p in report.photos
        ],
    }


class ActivityDetailOut(ActivityOut):
    waitlisted: int
    pending: int
    can_change: bool
    recruiting: bool
    checkin_open: bool
    my_signup: SignUpOut | None
    my_attendance: AttendanceOut | None
    outcome: OutcomeOut


class ThemeOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    quarter: int
    title: str
    description: str

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)


class ThemeIn(Schema):
    org_id: Id
    year: UInt16
    quarter: UInt16
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)


class ThemeQuery(Schema):
    org_id: Id


class TallyCategoryOut(Schema):
    id: int
    org_id: int
    name: str
    unit: str
    is_active: bool


class TallyCategoryIn(Schema):
    org_id: Id
    name: str = Field(..., max_length=50)
    unit: str = Field(..., max_length=20)


class TallyCategoryQuery(Schema):
    org_id: Id | None = Field(None, description="给出时：该组织可用的统计项（含上级设置）")


class CalendarQuery(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


class CalendarActivityOut(Schema):
    id: int
    title: str
    start_at: datetime.datetime
    status: str
    is_theme_party_day: bool


class CalendarDayOut(Schema):
    date: datetime.date
    in_month: bool
    tags: list[TagOut]
    activities: list[CalendarActivityOut]
    more: int


class CalendarOut(Schema):
    org_id: int
    org_name: str
    year: int
    month: int
    theme: ThemeOut | None
    activity_count: int
    days: list[CalendarDayOut]


class InsuranceIn(AwareSchema):
    insurer: str = Field(..., max_length=100, description="保险公司")
    policy_number: str = Field(..., max_length=64, description="保单号")
    cover_start: datetime.datetime = Field(..., description="保障开始")
    cover_end: datetime.datetime = Field(..., description="保障结束")
    volunteer_ids: list[Id] = Field(..., max_length=2000, description="被保险志愿者（须已报名本活动）")
    reason: str = Field("", max_length=200, description="更正原因：已有保险记录时必填")


class InsuredOut(Schema):
    id: int
    name: str
    number: str


class InsuranceOut(Schema):
    id: int
    activity_id: int
    insurer: str
    policy_number: str
    cover_start: datetime.datetime
    cover_end: datetime.datetime
    insured: list[InsuredOut]
    has_evidence: bool
    supersedes_id: int | None
    in_force: bool
    reason: str
    created_by: str
    created_at: datetime.datetime


def insurance_out(policy: Any, *, in_force_id: int | None = None) -> dict[str, Any]:
    """Needs created_by and insured_volunteers loaded (insurance_policy_list does it)."""
    return {
        "id": policy.pk,
        "activity_id": policy.activity_id,
        "insurer": policy.insurer,
        "policy_number": policy.policy_number,
        "cover_start": policy.cover_start,
        "cover_end": policy.cover_end,
        "insured": [{"id": v.pk, "name": v.name, "number": v.number} for v in policy.insured_volunteers.all()],
        "has_evidence": bool(policy.evidence),
        "supersedes_id": policy.supersedes_id,
        "in_force": policy.pk == in_force_id,
        "reason": policy.reason,
        "created_by": str(policy.created_by) if policy.created_by_id else "",
        "created_at": policy.created_at,
    }


class AgreementOut(Schema):
    id: int
    kind: str
    kind_label: str
    version: str
    title: str
    text: str


def agreement_out(template: Any) -> dict[str, Any]:
    return {
        "id": template.pk,
        "kind": template.kind,
        "kind_label": template.get_kind_display(),
        "version": template.version,
        "title": template.title,
        "text": template.text,
    }


class AgreementsOut(Schema):
    signup_id: int
    required: list[AgreementOut]
    missing: list[AgreementOut]
    guardian_consent_needed: bool


class SafeguardRowOut(Schema):
    signup_id: int
    volunteer_id: int
    volunteer_name: str
    status: str
    status_label: str
    minor: bool
    insured: bool
    agreements_missing: list[str]
    guardian_consent: bool
    ready_for_approval: bool


def safeguard_row_out(row: Any) -> dict[str, Any]:
    s = row.signup
    return {
        "signup_id": s.pk,
        "volunteer_id": s.volunteer_id,
        "volunteer_name": s.volunteer.name,
        "status": s.status,
        "status_label": s.get_status_display(),
        "minor": row.minor,
        "insured": row.insured,
        "agreements_missing": [t.title for t in row.agreements_missing],
        "guardian_consent": row.guardian_consent is not None,
        "ready_for_approval": row.ready,
    }


class GuardianConsentIn(Schema):
    guardian_name: str = Field(..., max_length=50, description="监护人姓名")
    relation: str = Field(..., max_length=20, description="与未成年人关系，如父亲")


class GuardianConsentOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    guardian_name: str
    relation: str
    method: str
    method_label: str
    given_at: datetime.datetime


def guardian_consent_out(consent: Any) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "activity_id": consent.activity_id,
        "volunteer_id": consent.volunteer_id,
        "guardian_name": consent.guardian_name,
        "relation": consent.relation,
        "method": consent.method,
        "method_label": consent.get_method_display(),
        "given_at": consent.given_at,
    }


class GuardianRequestOut(Schema):
    sent_to: str
