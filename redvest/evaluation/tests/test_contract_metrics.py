"""Metrics read from the reports and care apps: computed in bulk, equal to those apps' own selectors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from redvest.care.selectors import visit_stats
from redvest.care.tests.factories import CarePairingFactory, CareRecipientFactory, CareVisitFactory
from redvest.evaluation.models import Metric
from redvest.evaluation.selectors import cohort_of
from redvest.evaluation.selectors.metrics import metric_values
from redvest.evaluation.tests.conftest import Q1
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.reports.tests.factories import QuarterlyReportFactory
from redvest.teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def visit(pairing, due: datetime.date, on: datetime.date) -> None:
    CareVisitFactory(recipient=pairing.recipient, pairing=pairing, due_on=due, visited_on=on)


def test_care_on_time_matches_visit_stats_for_each_town(tree):
    a = CarePairingFactory(
        recipient=CareRecipientFactory(org=tree.community_a), team=TeamFactory(org=tree.town_a), next_visit_due=None
    )
    visit(a, D(2026, 2, 1), D(2026, 1, 30))  # on time
    visit(a, D(2026, 3, 1), D(2026, 3, 5))  # late
    b = CarePairingFactory(
        recipient=CareRecipientFactory(org=tree.town_b),
        team=TeamFactory(org=tree.town_b),
        next_visit_due=D(2026, 2, 15),
    )  # an outstanding due date that passed unvisited
    visit(b, D(2026, 1, 10), D(2026, 1, 10))
    visit(b, D(2026, 1, 20), D(2026, 1, 19))
    values = metric_values(cohort_of(org=tree.county, kind=OrgKind.TOWN), Q1, [Metric.CARE_ON_TIME])[
        Metric.CARE_ON_TIME
    ]
    assert values == {tree.town_a.pk: Decimal("50.00"), tree.town_b.pk: Decimal("66.67")}
    for town in (tree.town_a, tree.town_b):
        stats = visit_stats(town.path, Q1.start, Q1.end)
        assert values[town.pk] == (Decimal(stats.on_time * 100) / Decimal(stats.due)).quantize(Decimal("0.01"))


def test_reports_on_time_share_per_town(tree):
    on_time = timezone.make_aware(datetime.datetime(2026, 3, 20, 10))
    late = timezone.make_aware(datetime.datetime(2026, 4, 2, 10))
    party_a1 = org_node(name="街道机关党支部", kind=OrgKind.PARTY_ORG, parent=tree.town_a)
    party_a2 = org_node(name="城东社区党支部", kind=OrgKind.PARTY_ORG, parent=tree.community_a)
    party_b = org_node(name="画溪党支部", kind=OrgKind.PARTY_ORG, parent=tree.town_b)
    QuarterlyReportFactory(org=party_a1, year=2026, quarter=1, submitted_at=on_time, is_late=False)
    QuarterlyReportFactory(org=party_a2, year=2026, quarter=1, submitted_at=late, is_late=True)
    QuarterlyReportFactory(org=party_b, year=2026, quarter=1, submitted_at=on_time, is_late=False)
    values = metric_values(cohort_of(org=tree.county, kind=OrgKind.TOWN), Q1, [Metric.REPORTS_ON_TIME])[
        Metric.REPORTS_ON_TIME
    ]
    assert values[tree.town_a.pk] == Decimal("50.00")
    assert values[tree.town_b.pk] == Decimal("100.00")
