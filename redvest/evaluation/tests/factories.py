"""One factory per evaluation model, minimal defaults; a small tree to evaluate."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from redvest.evaluation.models import (
    BonusRule,
    EvaluationCriterion,
    EvaluationRound,
    EvaluationScheme,
    Metric,
    Normalisation,
    PublicityConsent,
    RankingEntry,
)
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node

TZ = timezone.get_current_timezone()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A Shanghai-local moment on `day`."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


class EvaluationSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationScheme

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    name = factory.Sequence(lambda n: f"评议方案{n}")


class EvaluationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCriterion

    scheme = factory.SubFactory(EvaluationSchemeFactory)
    metric = Metric.ACTIVITIES
    weight = 100
    normalisation = Normalisation.RELATIVE_MAX


class BonusRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BonusRule

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    organise_points = 5
    join_points = 2


class PublicityConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicityConsent

    granted = True
    recorded_at = factory.LazyFunction(timezone.now)


def scheme_with(org: Any, *criteria: tuple[str, int, str, Any]) -> EvaluationScheme:
    """A scheme at `org` with (metric, weight, normalisation, target) rows."""
    scheme = EvaluationSchemeFactory(org=org)
    for i, (metric, weight, normalisation, target) in enumerate(criteria):
        EvaluationCriterionFactory(
            scheme=scheme, metric=metric, weight=weight, normalisation=normalisation, target=target, order=i
        )
    return scheme


class EvaluationRoundFactory(factory.django.DjangoModelFactory):
    """A round computed from nothing yet (no scores): for policy tests."""

    class Meta:
        model = EvaluationRound

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    scheme = factory.SubFactory(EvaluationSchemeFactory, org=factory.SelfAttribute("..org"))
    year = 2026
    quarter = 1
    cohort_kind = OrgKind.TOWN


class RankingEntryFactory(factory.django.DjangoModelFactory):
    """One org's frozen place in a published round."""

    class Meta:
        model = RankingEntry

    round = factory.SubFactory(EvaluationRoundFactory)
    org = factory.LazyFunction(lambda: org_node(name="雉城街道", kind=OrgKind.TOWN))
    org_name = factory.LazyAttribute(lambda entry: entry.org.name)
    score = 0
    rank = 1
