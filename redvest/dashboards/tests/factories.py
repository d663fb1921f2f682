"""Factories for the dashboards app, and a small county with a little of everything."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.tests.factories import ActivityFactory
from redvest.awards.tests.factories import AwardCampaignFactory
from redvest.care.tests.factories import CarePairingFactory, CareRecipientFactory, CareVisitFactory
from redvest.dashboards.models import DataExport
from redvest.demand.models import Rating
from redvest.demand.tests.factories import CallbackFactory, ResidentFactory, ServiceRequestFactory
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node, station_node
from redvest.points.tests.factories import EarningRuleFactory
from redvest.publicity.tests.factories import TrainingSessionFactory
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.tests.factories import post_record
from redvest.reports.tests.factories import QuarterlyReportFactory
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import PoliticalStatus, Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory


class DataExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataExport

    table = "volunteers"
    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


def months_ago(n: int, day: int = 10) -> datetime.date:
    """A day `n` calendar months before this month."""
    today = timezone.localdate()
    year, month = today.year, today.month - n
    while month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, day)


def admin_at(node: OrgNode, role: str = Role.ORG_ADMIN) -> User:
    return RoleAssignmentFactory(role=role, org=node).user  # type: ignore[no-any-return]


@dataclass
class County:
    tree: OrgTree
    volunteers: dict[str, Volunteer]
    corrected: ServiceRecord


def county(*, extra_towns: int = 0) -> County:
    """The OrgTree with volunteers, teams, activities, service records (one corrected to fewer minutes),
    points (10 per credit hour), requests with callbacks and a station at each node, two care visits at
    community_a, a training session and a quarterly report; `extra_towns` more towns with the same rows."""
    tree = OrgTree()
    EarningRuleFactory(org=tree.county)
    volunteers = {
        "town_a": VolunteerFactory(org=tree.town_a),
        "community_a": VolunteerFactory(org=tree.community_a, political_status=PoliticalStatus.MASSES),
        "town_b": VolunteerFactory(org=tree.town_b, political_status=PoliticalStatus.LEAGUE_MEMBER),
    }
    for node in (tree.town_a, tree.community_a, tree.town_b):
        TeamFactory(org=node)
    for i in range(extra_towns):
        town = org_node(name=f"新增镇{i}", kind=OrgKind.TOWN, parent=tree.county)
        _fill(town, volunteers=[VolunteerFactory(org=town)], suffix=f"x{i}")
    for key, volunteer in volunteers.items():
        _fill(volunteer.org, volunteers=[volunteer], suffix=key)
    old = post_record(volunteer=volunteers["community_a"], minutes=120, served_on=months_ago(2))
    from redvest.records.services import record_correct

    superuser = UserFactory(is_superuser=True)
    record_correct(actor=superuser, record=old, minutes=45, reason="签退时间记录有误")
    recipient = CareRecipientFactory(org=tree.community_a)
    pairing = CarePairingFactory(recipient=recipient, volunteer=volunteers["community_a"])
    CareVisitFactory(recipient=recipient, pairing=pairing, visited_on=months_ago(1))
    CareVisitFactory(recipient=recipient, pairing=pairing, visited_on=timezone.localdate())
    TrainingSessionFactory(org=tree.town_a)
    QuarterlyReportFactory(org=tree.community_a, year=timezone.localdate().year, quarter=1)
    return County(tree=tree, volunteers=volunteers, corrected=old)


def _fill(node: OrgNode, *, volunteers: list[Volunteer], suffix: str) -> None:
    node.refresh_from_db()
    ActivityFactory(org=node, start_at=timezone.now() - datetime.timedelta(days=40))
    for volunteer in volunteers:
        post_record(volunteer=volunteer, minutes=90, served_on=months_ago(1))
        post_record(volunteer=volunteer, minutes=60, served_on=months_ago(0, day=1))
        post_record(
            volunteer=volunteer,
            minutes=240,
            kind=RecordKind.HONOUR,
            source=RecordSource.HONOUR,
            served_on=months_ago(3),
            reason="抗洪抢险",
        )
    resident = ResidentFactory(area=node)
    request = ServiceRequestFactory(
        area=node,
        resident=resident,
        status="resolved",
        created_at=timezone.now() - datetime.timedelta(days=2),
        responded_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(minutes=12),
        resolved_at=timezone.now() - datetime.timedelta(days=1),
    )
    CallbackFactory(request=request, status="done", rating=Rating.SATISFIED, done_at=timezone.now())
    ServiceRequestFactory(area=node)
    station_node(parent=node, name=f"服务点{suffix}", latitude="30.900000", longitude="119.900000")


def viewer(node: OrgNode, **kw: Any) -> User:
    return admin_at(node, **kw)


def county_rows(marker: str, town: OrgNode, community: OrgNode) -> Volunteer:
    """One county's rows for the multi-county tests, each named with `marker` (甲县…): a volunteer at the
    community with a service record, a team, an activity, a request and an award campaign at the town, and
    `_fill`'s activity, records, requests and station at the town."""
    volunteer = VolunteerFactory(org=community, name=f"{marker}志愿者")
    TeamFactory(org=town, name=f"{marker}服务队")
    ActivityFactory(org=town, title=f"{marker}活动")
    post_record(volunteer=volunteer, minutes=120, served_on=months_ago(0, day=1))
    ServiceRequestFactory(area=community, description=f"{marker}求助：水管漏水")
    AwardCampaignFactory(org=town, name=f"{marker}优秀志愿者评选")
    _fill(town, volunteers=[], suffix=marker)
    return volunteer
