"""API shapes of the annual awards. References are plain ids named after the field."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from redvest.core.schemas import ErrorOut, Id, UInt16  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class RuleIn(Schema):
    code: str
    param: UInt16 = 0


class CampaignIn(Schema):
    org: Id
    name: str
    kind: str
    entry_type: str = ""
    year: UInt16
    description: str = ""
    nomination_opens: datetime.datetime
    nomination_closes: datetime.datetime
    voting_opens: datetime.datetime
    voting_closes: datetime.datetime
    publicity_days: UInt16 = 7
    rules: list[RuleIn] = []
    default_quota: UInt16 = 3
    votes_per_judge: UInt16 | None = None
    allow_retraction: bool = False
    finalists: UInt16 = 35
    tie_rule: str = "votes_metric_time"
    tiers: list[tuple[str, UInt16]] = Field(default=[("一等奖", 5), ("二等奖", 10), ("三等奖", 20)])


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    entry_type: str
    year: int
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    nomination_opens: datetime.datetime
    nomination_closes: datetime.datetime
    voting_opens: datetime.datetime
    voting_closes: datetime.datetime
    publicity_days: int
    publicity_starts: datetime.datetime | None
    publicity_ends: datetime.datetime | None
    rules: list[RuleIn]
    default_quota: int
    votes_per_judge: int | None
    allow_retraction: bool
    finalists: int
    tie_rule: str
    tie_rule_label: str = Field(alias="get_tie_rule_display")
    tiers: list[tuple[str, int]]


class NominationIn(Schema):
    org: Id
    target: Id = Field(description="志愿者、服务队或品牌项目的 id（按评选的参评对象）")
    materials: str
    name_consent: bool = False


class NominationOut(Schema):
    id: int
    campaign: int = Field(alias="campaign_id")
    org: int = Field(alias="org_id")
    org_name: str = Field(alias="org.name")
    entry_type: str
    volunteer: int | None = Field(alias="volunteer_id")
    team: int | None = Field(alias="team_id")
    brand: int | None = Field(alias="brand_id")
    name: str
    materials: str
    name_consent: bool
    status: str
    status_reason: str
    nominated_at: datetime.datetime
    vote_count: int | None = Field(None, description="票数（仅主办单位可见）")


class WithdrawIn(Schema):
    reason: str


class VoteIn(Schema):
    nomination: Id


class VoteOut(Schema):
    id: int
    nomination: int = Field(alias="nomination_id")
    judge: int = Field(alias="judge_id")
    kind: str
    cast_at: datetime.datetime
    votes_left: int | None = None


class ScoreIn(Schema):
    nomination: Id
    score: UInt16


class ScoreOut(Schema):
    id: int
    nomination: int = Field(alias="nomination_id")
    judge: int = Field(alias="judge_id")
    score: int
    scored_at: datetime.datetime


class DecisionRowOut(Schema):
    nomination: int = Field(alias="nomination_id")
    name: str = Field(alias="nomination.name")
    org_name: str = Field(alias="nomination.org.name")
    rank: int
    votes: int
    metric: int
    score: Decimal | None
    score_count: int
    selected: bool
    tier: str


class DecisionOut(Schema):
    id: int
    kind: str
    rule: str
    reason: str
    supersedes: int | None = Field(alias="supersedes_id")
    decided_at: datetime.datetime
    rows: list[DecisionRowOut]
    count: int


class ResultRowOut(Schema):
    nomination: int
    rank: int
    tier: str
    name: str
    org_name: str
    score: Decimal | None


class RemovedOut(Schema):
    nomination: int
    name: str
    reason: str


class ResultsOut(Schema):
    campaign: int
    name: str
    stage: str
    publicity_ends: datetime.datetime | None
    rule: str
    items: list[ResultRowOut]
    count: int
    removed: list[RemovedOut]


class ObjectionIn(Schema):
    reason: str
    contact_name: str = ""
    phone: str = ""


class ObjectionOut(Schema):
    id: int
    nomination: int = Field(alias="nomination_id")
    reason: str
    contact_name: str
    phone_masked: str
    filed_at: datetime.datetime
    status: str
    resolution: str


class ResolveIn(Schema):
    uphold: bool
    resolution: str
