from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from redvest.accounts.models import Role
from redvest.activities.tests.factories import ActivityFactory
from redvest.demand.models import CallbackStatus, Rating
from redvest.demand.tests.factories import CallbackFactory, ServiceRequestFactory
from redvest.evaluation.models import Metric, Normalisation
from redvest.evaluation.period import Period
from redvest.evaluation.tests.factories import at, scheme_with
from redvest.orgs.tests.factories import OrgTree
from redvest.records.tests.factories import ServiceRecordFactory
from redvest.teams.tests.factories import org_admin_at
from redvest.volunteers.tests.factories import VolunteerFactory

Q1 = Period(2026, 1)
IN_Q1 = datetime.date(2026, 2, 10)
AFTER_Q1 = datetime.date(2026, 4, 2)


@pytest.fixture
def tree(db: None) -> OrgTree:
    return OrgTree()


@pytest.fixture
def county_admin(tree: OrgTree):
    return org_admin_at(tree.county)


class Scored:
    """Q1 2026 data with hand-computed expectations (see test_compute):
    town_a: 2 members, 360 credit minutes in Q1 (+600 in Q2) → 3.00 h/member; 1 activity; callbacks 满意 + 不满意 → 50%.
    town_b: 1 member, 60 minutes → 1.00 h/member; 2 activities; callback 基本满意 → 100%."""

    def __init__(self, tree: OrgTree) -> None:
        self.tree = tree
        a1 = VolunteerFactory(org=tree.town_a)
        a2 = VolunteerFactory(org=tree.community_a)
        b1 = VolunteerFactory(org=tree.town_b)
        VolunteerFactory(org=tree.town_b, status="pending")  # not a member yet
        ServiceRecordFactory(volunteer=a1, minutes=120, served_on=IN_Q1)
        ServiceRecordFactory(volunteer=a2, minutes=240, served_on=IN_Q1)
        ServiceRecordFactory(volunteer=a2, minutes=600, served_on=AFTER_Q1)
        ServiceRecordFactory(volunteer=b1, minutes=60, served_on=IN_Q1)
        ActivityFactory(org=tree.community_a, start_at=at(IN_Q1), end_at=at(IN_Q1, 12))
        ActivityFactory(org=tree.town_b, start_at=at(IN_Q1), end_at=at(IN_Q1, 12))
        ActivityFactory(org=tree.town_b, start_at=at(IN_Q1), end_at=at(IN_Q1, 12))
        ActivityFactory(org=tree.town_b, start_at=at(AFTER_Q1), end_at=at(AFTER_Q1, 12))
        for area, rating in (
            (tree.community_a, Rating.SATISFIED),
            (tree.town_a, Rating.UNSATISFIED),
            (tree.town_b, Rating.BASIC),
        ):
            CallbackFactory(
                request=ServiceRequestFactory(area=area, status="closed"),
                status=CallbackStatus.DONE,
                rating=rating,
                done_at=at(IN_Q1),
            )
        self.scheme = scheme_with(
            tree.county,
            (Metric.HOURS_PER_MEMBER, 40, Normalisation.RELATIVE_MAX, None),
            (Metric.ACTIVITIES, 30, Normalisation.RELATIVE_MAX, None),
            (Metric.SATISFACTION, 30, Normalisation.THRESHOLD, Decimal("90")),
        )
        self.admin = org_admin_at(tree.county)


@pytest.fixture
def scored(tree: OrgTree) -> Scored:
    return Scored(tree)


@pytest.fixture
def role() -> type[Role]:
    return Role
