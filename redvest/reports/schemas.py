"""ninja In/Out schemas for /api/v1/reports."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from redvest.core.schemas import ErrorOut, Id, UInt16, UInt32  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class ReportFilter(Schema):
    year: UInt16 | None = None
    quarter: UInt16 | None = None
    status: str = ""


class FigureOut(Schema):
    key: str
    label: str
    record_value: int
    reported_value: int
    edited: bool
    reason: str

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_key_display())

    @staticmethod
    def resolve_edited(obj: Any) -> bool:
        return bool(obj.is_edited)


class ReportOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    quarter: int
    status: str
    status_label: str
    due_on: datetime.date
    submitted_at: datetime.datetime | None
    is_late: bool

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    actor: str
    comment: str
    is_late: bool

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor) if obj.actor_id else ""


class ReportDetailOut(ReportOut):
    highlights: str
    problems: str
    next_plan: str
    review_comment: str
    figures_at: datetime.datetime | None
    figures: list[FigureOut]
    events: list[EventOut]

    @staticmethod
    def resolve_figures(obj: Any) -> list[Any]:
        return list(obj.figures.all())

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())


class ReportOpenIn(Schema):
    org: Id
    year: UInt16
    quarter: UInt16


class FigureIn(Schema):
    value: UInt32
    reason: str = ""


class ReportUpdateIn(Schema):
    figures: dict[str, FigureIn] = {}
    highlights: str | None = None
    problems: str | None = None
    next_plan: str | None = None


class ReviewIn(Schema):
    comment: str = ""


class CircularOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    quarter: int
    version: int
    supersedes_id: int | None
    title: str
    status: str
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)


class CircularDetailOut(CircularOut):
    doc_number: str = Field(description="文号，发布时编定")
    intro: str
    highlights: str
    problems: str
    next_steps: str
    correction_note: str
    tables: dict[str, Any]


class CircularIn(Schema):
    org: Id
    year: UInt16
    quarter: UInt16
    title: str
    intro: str = Field("", description="一、总体情况")
    correction_note: str = ""
    highlights: str | None = Field(None, description="二、工作亮点；不填则按本季度记录起草")
    problems: str | None = Field(None, description="三、存在问题；不填则按本季度记录起草")
    next_steps: str | None = Field(None, description="四、下步工作；不填则按本季度记录起草")


class CircularUpdateIn(Schema):
    title: str
    intro: str = ""
    correction_note: str = ""
    highlights: str | None = Field(None, description="不填则保持不变")
    problems: str | None = Field(None, description="不填则保持不变")
    next_steps: str | None = Field(None, description="不填则保持不变")
