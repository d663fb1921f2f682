"""Demo evaluation (一评议一晾晒): the county's scheme, last quarter's round of its towns computed from the
seeded records, one reviewer adjustment, reviewed and published; a 组团 bonus rule; publicity consents
for the demo logins and a few others. Everything goes through the evaluation services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from redvest.accounts.models import User
from redvest.evaluation.models import EvaluationRound, Metric, Normalisation
from redvest.evaluation.period import previous_period
from redvest.evaluation.selectors import round_scores
from redvest.evaluation.services import (
    CriterionData,
    bonus_rule_set,
    consent_record,
    round_create,
    round_publish,
    round_review_all,
    scheme_create,
    score_adjust,
)
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers.models import Volunteer, VolunteerStatus

CRITERIA = (
    CriterionData(Metric.HOURS_PER_MEMBER, 25),
    CriterionData(Metric.ACTIVITIES, 15),
    CriterionData(Metric.SATISFACTION, 20, Normalisation.THRESHOLD, Decimal("95")),
    CriterionData(Metric.REPORTS_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
    CriterionData(Metric.CARE_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
    CriterionData(Metric.POINTS_PER_MEMBER, 10),
    CriterionData(Metric.REQUESTS_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
)
CONSENTING = 40


@dataclass
class EvaluationSummary:
    round: EvaluationRound
    consents: int


def write_evaluation(
    rng: random.Random, *, root: OrgNode, county: User, demo_volunteers: list[Volunteer]
) -> EvaluationSummary:
    """The county's scheme and last quarter's published ranking of its towns."""
    scheme_create(
        actor=county,
        org=root,
        name="县级党员志愿服务季度评议方案",
        description="人均时长、活动、满意率、季报、走访、积分、工单按时办结",
        criteria=CRITERIA,
    )
    period = previous_period()
    evaluation = round_create(
        actor=county, org=root, year=period.year, quarter=period.quarter, cohort_kind=OrgKind.TOWN
    )
    best = round_scores(round=evaluation).first()
    if best is not None:
        score_adjust(
            actor=county,
            round=evaluation,
            score=best,
            delta=Decimal("2"),
            reason="承办全县志愿服务现场推进会，经党委会研究加2分",
        )
    round_review_all(actor=county, round=evaluation)
    evaluation = round_publish(actor=county, round=evaluation)
    bonus_rule_set(actor=county, org=root, organise_points=5, join_points=2, cap_per_period=20)
    for volunteer in demo_volunteers:
        consent_record(actor=county, volunteer=volunteer, granted=True)
    others = list(
        Volunteer.objects.filter(in_subtree_q("org__path", root.path), status=VolunteerStatus.REGISTERED)
        .order_by("id")
        .values_list("id", flat=True)[:400]
    )
    chosen = Volunteer.objects.filter(pk__in=rng.sample(others, min(CONSENTING, len(others)))).select_related("org")
    count = len(demo_volunteers)
    for volunteer in chosen:
        consent_record(actor=county, volunteer=volunteer, granted=rng.random() < 0.8)
        count += 1
    return EvaluationSummary(round=evaluation, consents=count)
