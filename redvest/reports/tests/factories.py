from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.reports.models import Circular, FigureKey, QuarterlyReport, ReportFigure
from redvest.reports.quarters import quarter_due_on

TZ = timezone.get_current_timezone()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A Shanghai moment on `day`."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


class ReportTree(OrgTree):
    """OrgTree plus a 党支部 under each community:
    county ─ town_a ─ community_a ─ party_a
            └ town_b ─ community_b ─ party_b
    and admins: county_admin (the 工委 of town-level reviewing is town_admin), town_admin at town_a,
    community_admin at community_a (files for party_a), other_town_admin at town_b."""

    def __init__(self) -> None:
        super().__init__()
        self.community_b = org_node(name="画溪社区", kind=OrgKind.COMMUNITY, parent=self.town_b)
        self.party_a = org_node(name="城东社区党支部", kind=OrgKind.PARTY_ORG, parent=self.community_a)
        self.party_b = org_node(name="画溪社区党支部", kind=OrgKind.PARTY_ORG, parent=self.community_b)
        for n in (self.county, self.town_a, self.town_b, self.community_a, self.community_b):
            n.refresh_from_db()
        self.county_admin = admin_at(self.county, username="county-admin")
        self.town_admin = admin_at(self.town_a, username="town-admin")
        self.community_admin = admin_at(self.community_a, username="community-admin")
        self.other_town_admin = admin_at(self.town_b, username="other-town-admin")


def admin_at(node: OrgNode, **kw: Any) -> User:
    user = UserFactory(**kw)
    RoleAssignmentFactory(user=user, role=Role.ORG_ADMIN, org=node)
    return user


class QuarterlyReportFactory(factory.django.DjangoModelFactory):
    """A draft for 2026 Q3 with every figure at zero (use `report_open` for one filled from the records)."""

    class Meta:
        model = QuarterlyReport
        skip_postgeneration_save = True

    org = factory.LazyFunction(lambda: org_node(name="党支部", kind=OrgKind.PARTY_ORG))
    year = 2026
    quarter = 3
    due_on = factory.LazyAttribute(lambda o: quarter_due_on(o.year, o.quarter))

    @factory.post_generation
    def figures(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            values = extracted or {}
            ReportFigure.objects.bulk_create(
                [
                    ReportFigure(report=obj, key=k, record_value=values.get(k, 0), reported_value=values.get(k, 0))
                    for k in FigureKey
                ]
            )


class CircularFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circular

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    year = 2026
    quarter = 3
    title = "2026年第三季度党员志愿服务情况通报"
    intro = "现将本季度情况通报如下。"
