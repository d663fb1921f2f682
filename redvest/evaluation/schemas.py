"""Ninja schemas for /api/v1/evaluation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from redvest.core.schemas import (
    ErrorOut,  # noqa: F401  (re-exported: handlers use s.ErrorOut)
    Id,
    UInt16,
    UInt32,
)


class PeriodQuery(Schema):
    org: Id | None = None
    year: UInt16 | None = None
    quarter: UInt16 | None = None


class CriterionIn(Schema):
    metric: str
    weight: UInt16
    normalisation: str = "max"
    target: Decimal | None = None


class CriterionOut(Schema):
    metric: str
    metric_label: str
    weight: int
    normalisation: str
    target: Decimal | None


class SchemeIn(Schema):
    org: Id
    name: str
    description: str = ""
    criteria: list[CriterionIn]


class CriteriaIn(Schema):
    criteria: list[CriterionIn]
    name: str | None = None


class SchemeOut(Schema):
    id: int
    org: int
    org_name: str
    name: str
    description: str
    criteria: list[CriterionOut]


class RoundIn(Schema):
    org: Id
    year: UInt16
    quarter: UInt16
    cohort_kind: str


class RoundOut(Schema):
    id: int
    org: int
    org_name: str
    scheme: int
    year: int
    quarter: int
    cohort_kind: str
    status: str
    version: int
    criteria: list[dict[str, Any]]
    computed_at: datetime.datetime | None
    published_at: datetime.datetime | None
    unreviewed: int | None = None


class ScoreOut(Schema):
    id: int
    org: int
    org_name: str
    version: int
    values: dict[str, float | None]
    metric_scores: dict[str, float]
    computed: Decimal
    adjusted: Decimal
    final: Decimal
    status: str


class RoundDetailOut(Schema):
    round: RoundOut  # its scores: GET /rounds/{round_id}/scores


class AdjustmentIn(Schema):
    score: Id
    delta: Decimal
    reason: str = ""


class AdjustmentOut(Schema):
    id: int
    org: int
    delta: Decimal
    reason: str
    created_at: datetime.datetime


class ReviewIn(Schema):
    scores: list[Id] = []
    all: bool = False


class ReviewOut(Schema):
    reviewed: int
    unreviewed: int


class RankingRowOut(Schema):
    org_id: int
    org_name: str
    score: Decimal
    rank: int


class RankingQuery(Schema):
    org: Id
    year: UInt16
    quarter: UInt16


class BonusRowOut(Schema):
    org_id: int
    org_name: str
    organised: int
    joined: int
    raw_points: int
    points: int
    capped: bool


class BonusRuleIn(Schema):
    org: Id
    organise_points: UInt32
    join_points: UInt32
    cap_per_period: UInt32 | None = None
    is_active: bool = True


class BonusRuleOut(Schema):
    org: int
    organise_points: int
    join_points: int
    cap_per_period: int | None
    is_active: bool


class VolunteerEvaluationOut(Schema):
    volunteer_id: int
    name: str
    org_name: str
    attitude: Decimal | None
    outcome: Decimal | None
    satisfaction: Decimal | None
    overall: Decimal | None
    grade: str
    ratings: int


class VolunteerEvaluationQuery(PeriodQuery):
    grade: str = ""


class ConsentIn(Schema):
    granted: bool
    volunteer: Id | None = None


class ConsentOut(Schema):
    volunteer: int
    granted: bool
    recorded_at: datetime.datetime
