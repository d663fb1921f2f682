"""API shapes of care pairing. References are plain ids named after the field (org, volunteer, team…)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from ninja import Schema

from redvest.care.models import CarePairing, CareRecipient, CareVisit
from redvest.core.schemas import ErrorOut, Id, UInt16, UInt32  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class RecipientFilter(Schema):
    category: str = ""
    org: Id | None = None
    overdue: bool = False
    status: str = "active"
    q: str = ""


class RecipientIn(Schema):
    org: Id
    name: str
    gender: str
    category: str
    birth_year: UInt16 | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    address: str = ""
    other_categories: list[str] = []
    living_situation: str = "other"
    living_note: str = ""
    cadence_days: UInt16 | None = None


class RecipientOut(Schema):
    id: int
    org: int
    org_name: str
    name: str
    gender: str
    birth_year: int | None
    category: str
    category_label: str
    categories: list[str]
    phone_masked: str
    address: str
    living_situation: str
    living_note: str
    cadence_days: int | None
    status: str
    ended_reason: str

    @staticmethod
    def resolve_org(obj: CareRecipient) -> int:
        return obj.org_id

    @staticmethod
    def resolve_org_name(obj: CareRecipient) -> str:
        return obj.org.name

    @staticmethod
    def resolve_category_label(obj: CareRecipient) -> str:
        return obj.get_category_display()


class RecipientRowOut(RecipientOut):
    active_pairings: int
    next_due: datetime.date | None


class ConsentIn(Schema):
    given_by: str
    giver_name: str
    method: str
    given_on: datetime.date


class ConsentOut(Schema):
    id: int
    recipient: int
    given_by: str
    giver_name: str
    method: str
    given_on: datetime.date
    recorded_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    withdraw_reason: str

    @staticmethod
    def resolve_recipient(obj: Any) -> int:
        return int(obj.recipient_id)


class WithdrawIn(Schema):
    reason: str = ""


class HealthIn(Schema):
    conditions: str = ""
    disability_type: str = ""
    disability_grade: UInt16 | None = None
    medication: str = ""
    care_notes: str = ""


class HealthOut(HealthIn):
    recorded: bool


class PairingIn(Schema):
    recipient: Id
    volunteer: Id | None = None
    team: Id | None = None
    started_on: datetime.date | None = None


class PairingOut(Schema):
    id: int
    recipient: int
    recipient_name: str
    volunteer: int | None
    team: int | None
    partner_name: str
    status: str
    started_on: datetime.date
    ended_on: datetime.date | None
    ended_reason: str
    last_visited_on: datetime.date | None
    next_visit_due: datetime.date | None

    @staticmethod
    def resolve_recipient(obj: CarePairing) -> int:
        return obj.recipient_id

    @staticmethod
    def resolve_recipient_name(obj: CarePairing) -> str:
        return obj.recipient.name

    @staticmethod
    def resolve_volunteer(obj: CarePairing) -> int | None:
        return obj.volunteer_id

    @staticmethod
    def resolve_team(obj: CarePairing) -> int | None:
        return obj.team_id


class PairingFilter(Schema):
    recipient: Id | None = None
    status: str = ""


class OverdueOut(PairingOut):
    days_overdue: int

    @staticmethod
    def resolve_days_overdue(obj: CarePairing) -> int:
        return obj.days_overdue(timezone.localdate())


class OverdueFilter(Schema):
    org: Id | None = None
    sort: str = "most"


class EndIn(Schema):
    reason: str


class VisitIn(Schema):
    recipient: Id
    visited_on: datetime.date
    form: str = "home"
    duration_minutes: UInt32 = 0
    notes: str = ""
    need_found: str = ""
    need_item_code: str = ""
    create_request: bool = False
    pairing: Id | None = None


class VisitOut(Schema):
    id: int
    recipient: int
    pairing: int | None
    visited_on: datetime.date
    form: str
    duration_minutes: int
    notes: str
    need_found: str
    need_item_code: str
    request: int | None
    request_number: str | None
    due_on: datetime.date | None
    on_time: bool | None

    @staticmethod
    def resolve_recipient(obj: CareVisit) -> int:
        return obj.recipient_id

    @staticmethod
    def resolve_pairing(obj: CareVisit) -> int | None:
        return obj.pairing_id

    @staticmethod
    def resolve_request(obj: CareVisit) -> int | None:
        return obj.request_id

    @staticmethod
    def resolve_request_number(obj: CareVisit) -> str | None:
        return obj.request.number if obj.request is not None else None


class VisitFilter(Schema):
    recipient: Id | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
