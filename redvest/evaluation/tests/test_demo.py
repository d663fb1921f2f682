"""The demo writer: a county scheme, last quarter's round adjusted once, reviewed and published."""

from __future__ import annotations

import random

import pytest

from redvest.demo.evaluation import write_evaluation
from redvest.evaluation.models import BonusRule, PublicityConsent, RoundStatus, ScoreAdjustment
from redvest.evaluation.period import previous_period
from redvest.evaluation.selectors import published_ranking
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_demo_publishes_last_quarters_ranking(tree, county_admin):
    demo = VolunteerFactory(org=tree.town_a)
    VolunteerFactory.create_batch(3, org=tree.town_b)
    summary = write_evaluation(random.Random(1), root=tree.county, county=county_admin, demo_volunteers=[demo])
    assert summary.round.status == RoundStatus.PUBLISHED
    period = previous_period()
    rows = published_ranking(tree.county.path, period.year, period.quarter)
    assert rows is not None and {r.org_name for r in rows} == {"雉城街道", "画溪街道"}
    assert ScoreAdjustment.objects.count() == 1
    assert BonusRule.objects.get().cap_per_period == 20
    assert PublicityConsent.objects.filter(volunteer=demo, granted=True).exists()
    assert summary.consents == 5
