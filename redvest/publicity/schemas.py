"""API shapes of commitments, exemplars and training. References are plain ids named after the field."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from redvest.core.schemas import ErrorOut, Id, UInt16, UInt32  # noqa: F401  (re-exported: handlers use s.ErrorOut)

# ---- commitments ---------------------------------------------------------------------------------


class ProgressOut(Schema):
    kind: str
    target: int
    done: int
    percent: int


class CommitmentFilter(Schema):
    year: UInt16 | None = None
    setting: str = ""
    status: str = ""
    org: Id | None = None
    q: str = ""


class CommitmentIn(Schema):
    volunteer: Id | None = None  # empty: the signed-in volunteer themselves
    year: UInt16
    setting: str
    text: str
    target_kind: str = ""
    target_value: UInt32 | None = None  # minutes for a time target, a count for an activity target


class CommitmentUpdateIn(Schema):
    text: str
    target_kind: str = ""
    target_value: UInt32 | None = None  # minutes for a time target, a count for an activity target


class CommitmentOut(Schema):
    id: int
    volunteer: int
    volunteer_name: str
    org: int
    year: int
    setting: str
    text: str
    target_kind: str
    target_value: int | None
    status: str
    followed_up_on: datetime.date | None
    progress: ProgressOut | None = None


class FollowUpIn(Schema):
    status: str
    note: str
    followed_on: datetime.date


class FollowUpOut(Schema):
    id: int
    status: str
    note: str
    followed_on: datetime.date
    actor: int | None
    created_at: datetime.datetime


class CommitmentDetailOut(CommitmentOut):
    follow_ups: list[FollowUpOut]


class WallFilter(Schema):
    org: Id
    year: UInt16 | None = None
    setting: str = ""


class WallItemOut(Schema):
    id: int
    name: str  # masked unless the volunteer consented to public display
    org_name: str
    year: int
    setting: str
    text: str
    status: str
    progress: ProgressOut | None


# ---- exemplars -----------------------------------------------------------------------------------


class ExemplarIn(Schema):
    org: Id
    title: str
    body: str
    volunteers: list[Id] = []
    teams: list[Id] = []


class ReasonIn(Schema):
    reason: str


class PhotoOut(Schema):
    id: int
    caption: str
    url: str


class ExemplarOut(Schema):
    id: int
    org: int
    title: str
    body: str
    status: str
    volunteers: list[int]
    teams: list[int]
    published_at: datetime.datetime | None
    unpublish_reason: str

    @staticmethod
    def resolve_volunteers(obj: Any) -> list[int]:
        return [v.pk for v in obj.volunteers.all()]

    @staticmethod
    def resolve_teams(obj: Any) -> list[int]:
        return [t.pk for t in obj.teams.all()]

    @staticmethod
    def resolve_org(obj: Any) -> int:
        return int(obj.org_id)


class ExemplarFilter(Schema):
    status: str = ""


class PublicExemplarOut(Schema):
    id: int
    org_name: str
    title: str
    body: str
    published_at: datetime.datetime | None
    names: list[str]  # masked unless consented
    teams: list[str]
    photos: list[PhotoOut]


# ---- training ------------------------------------------------------------------------------------


class SessionFilter(Schema):
    category: str = ""
    upcoming: bool = False


class SessionIn(Schema):
    org: Id
    title: str
    category: str
    trainer: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minutes: UInt32
    capacity: UInt32
    description: str = ""


class SessionOut(Schema):
    id: int
    org: int
    org_name: str
    title: str
    category: str
    trainer: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minutes: int
    capacity: int
    enrolled: int
    description: str

    @staticmethod
    def resolve_org(obj: Any) -> int:
        return int(obj.org_id)

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_enrolled(obj: Any) -> int:
        return int(getattr(obj, "enrolled", 0) or 0)


class EnrolIn(Schema):
    volunteer: Id | None = None  # empty: the signed-in volunteer themselves


class EnrolmentOut(Schema):
    id: int
    session: int
    volunteer: int


class MarkIn(Schema):
    enrolment: Id
    attended: bool


class AttendanceIn(Schema):
    marks: list[MarkIn]
    reason: str = ""


class MarkResultOut(Schema):
    marked: int
    corrected: int
    unchanged: int


class HoursFilter(Schema):
    org: Id
    start: datetime.date | None = None
    end: datetime.date | None = None


class HoursOut(Schema):
    volunteer: int
    name: str
    number: str
    org_name: str
    sessions: int
    minutes: int


class MyTrainingRowOut(Schema):
    session: int
    title: str
    starts_at: datetime.datetime
    minutes: int
    attended: bool | None


class MyTrainingOut(Schema):
    minutes: int
    year_minutes: int
    items: list[MyTrainingRowOut]
