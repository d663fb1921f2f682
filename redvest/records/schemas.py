"""In/Out schemas of /api/v1/records. Service time is integer minutes everywhere in the API."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from redvest.core.schemas import (
    ErrorOut,  # noqa: F401  (re-exported: handlers use s.ErrorOut)
)

MAX_ID = 2**62
MAX_MINUTES = 10**7


class RecordFilter(Schema):
    kind: Literal["", "credit", "honour"] = ""


class ManageFilter(RecordFilter):
    activity_id: int | None = Field(None, ge=1, le=MAX_ID)
    volunteer_number: str = Field("", max_length=20)
    since: datetime.date | None = Field(None, description="服务日期起；未按活动或志愿者筛选时默认最近30天")


class RecordOut(Schema):
    id: int
    volunteer_id: int
    volunteer_number: str
    activity_id: int | None
    activity_title: str | None
    kind: str
    kind_label: str
    source: str
    source_label: str
    category: str
    minutes: int
    served_on: datetime.date
    start_at: datetime.datetime | None
    end_at: datetime.datetime | None
    reverses_id: int | None
    corrects_id: int | None
    reversed_by_id: int | None
    reason: str
    has_evidence: bool
    created_by: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_activity_title(obj: Any) -> str | None:
        return obj.activity.title if obj.activity_id else None

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_reversed_by_id(obj: Any) -> int | None:
        if hasattr(obj, "reversal_pk"):  # annotated by the history selector
            return obj.reversal_pk
        reversal = obj.reversal
        return reversal.pk if reversal is not None else None

    @staticmethod
    def resolve_has_evidence(obj: Any) -> bool:
        return bool(obj.evidence)

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return str(obj.created_by) if obj.created_by_id else None


class YearTotalsOut(Schema):
    year: int
    credit_minutes: int
    honour_minutes: int


class CategoryTotalsOut(Schema):
    year: int
    category: str
    label: str
    credit_minutes: int
    honour_minutes: int


class StarOut(Schema):
    stars: int
    thresholds_hours: list[int]
    next_hours: int | None
    progress_percent: int


class TotalsOut(Schema):
    volunteer_id: int
    volunteer_number: str
    credit_minutes: int
    honour_minutes: int
    years: list[YearTotalsOut]
    categories: list[CategoryTotalsOut]
    star: StarOut
    open_disputes: int


class CorrectionIn(Schema):
    minutes: int = Field(..., ge=0, le=MAX_MINUTES, description="更正后的时长（分钟）；0 表示仅冲销")
    reason: str = Field(..., min_length=1, max_length=300)


class CorrectionOut(Schema):
    reversal: RecordOut
    correction: RecordOut | None


class DisputeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)
    claimed_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)


class DisputeReviewIn(Schema):
    decision: Literal["uphold", "dismiss"]
    note: str = Field(..., min_length=1, max_length=300)
    minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="更正后的时长；留空按申报时长")


class DisputeFilter(Schema):
    status: Literal["", "open", "upheld", "dismissed"] = "open"


class DisputeOut(Schema):
    id: int
    record_id: int
    volunteer_id: int
    volunteer_number: str
    reason: str
    claimed_minutes: int | None
    record_minutes: int
    status: str
    status_label: str
    decision_note: str
    reviewed_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_record_minutes(obj: Any) -> int:
        return int(obj.record.minutes)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class AnomalyFilter(Schema):
    status: Literal["", "open", "cleared", "corrected"] = "open"
    kind: Literal[
        "", "overlap", "far_from_site", "over_12h", "late_sync", "auto_closed", "correction", "duplicate_honour"
    ] = ""


class AnomalyOut(Schema):
    id: int
    kind: str
    kind_label: str
    volunteer_id: int
    volunteer_number: str
    activity_id: int | None
    attendance_id: int | None
    record_id: int | None
    detail: str
    status: str
    review_note: str
    needs_attendance_confirm: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_needs_attendance_confirm(obj: Any) -> bool:
        return bool(obj.kind == "auto_closed")


class AnomalyResolveIn(Schema):
    action: Literal["clear", "correct"]
    note: str = Field(..., min_length=1, max_length=300)
    minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)


class RankingQuery(Schema):
    org_id: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)


class RankingRowOut(Schema):
    rank: int
    volunteer_id: int
    volunteer_number: str
    name: str
    org_name: str
    credit_minutes: int
    honour_minutes: int


class CertificateIn(Schema):
    volunteer_number: str = Field("", max_length=20, description="为本人出具时留空")
    period_start: datetime.date
    period_end: datetime.date


class CertificateActivityOut(Schema):
    title: str
    date: str
    org: str
    category: str
    minutes: int


class CertificateOut(Schema):
    id: int
    number: str
    volunteer_id: int
    volunteer_number: str
    period_start: datetime.date
    period_end: datetime.date
    credit_minutes: int
    honour_minutes: int
    issuing_org: str
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoke_reason: str
    verify_token: str
    activities: list[CertificateActivityOut]

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_issuing_org(obj: Any) -> str:
        return str(obj.issuing_org.name)

    @staticmethod
    def resolve_activities(obj: Any) -> list[dict[str, Any]]:
        return list(obj.activities_snapshot or [])


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class VerifyOut(Schema):
    number: str
    masked_name: str
    period_start: datetime.date
    period_end: datetime.date
    credit_minutes: int
    honour_minutes: int
    activity_count: int
    issuing_org: str
    issued_at: datetime.datetime
    status: Literal["valid", "revoked"]
    revoked_at: datetime.datetime | None


class ProposalFilter(Schema):
    status: Literal["", "pending", "approved", "rejected"] = "pending"


class ProposalOut(Schema):
    id: int
    record_id: int
    volunteer_id: int
    volunteer_number: str
    activity_id: int | None
    anchor_org_id: int
    minutes_before: int
    minutes: int
    reason: str
    evidence_note: str
    has_evidence: bool
    status: str
    status_label: str
    proposed_by: str | None
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_note: str
    correction_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_activity_id(obj: Any) -> int | None:
        return obj.record.activity_id

    @staticmethod
    def resolve_has_evidence(obj: Any) -> bool:
        return bool(obj.evidence)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str | None:
        return str(obj.proposed_by) if obj.proposed_by_id else None

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class ProposalDecisionIn(Schema):
    note: str = Field(..., min_length=1, max_length=300, description="审批意见（驳回时写明理由）")
