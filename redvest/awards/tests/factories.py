"""Factories for the awards, and `Contest`: a county campaign in the voting stage with judges."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.awards.models import (
    AwardCampaign,
    AwardKind,
    EntryType,
    ExpertScore,
    Judge,
    Nomination,
    Stage,
    Vote,
)
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.volunteers.tests.factories import VolunteerFactory

DAY = datetime.timedelta(days=1)


def _now() -> datetime.datetime:
    return timezone.now()


class AwardCampaignFactory(factory.django.DjangoModelFactory):
    """A volunteer campaign whose nomination window ran until yesterday and whose voting runs a week."""

    class Meta:
        model = AwardCampaign

    name = factory.Sequence(lambda n: f"年度优秀志愿者评选{n}")
    kind = AwardKind.VOLUNTEER
    entry_type = EntryType.VOLUNTEER
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    stage = Stage.VOTING
    nomination_opens = factory.LazyFunction(lambda: _now() - 10 * DAY)
    nomination_closes = factory.LazyFunction(lambda: _now() - DAY)
    voting_opens = factory.LazyFunction(lambda: _now() - DAY)
    voting_closes = factory.LazyFunction(lambda: _now() + 7 * DAY)
    finalists = 3
    tiers = factory.LazyFunction(lambda: [["一等奖", 1], ["二等奖", 1], ["三等奖", 1]])
    default_quota = 3


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    campaign = factory.SubFactory(AwardCampaignFactory)
    org = factory.LazyAttribute(lambda o: o.campaign.org)
    entry_type = EntryType.VOLUNTEER
    volunteer = factory.LazyAttribute(lambda o: VolunteerFactory(org=o.org))
    name = factory.LazyAttribute(lambda o: o.volunteer.name if o.volunteer else "服务队")
    materials = "长期坚持社区志愿服务，事迹突出。"
    nominated_at = factory.LazyFunction(lambda: _now() - 5 * DAY)


class JudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judge

    campaign = factory.SubFactory(AwardCampaignFactory)
    user = factory.SubFactory(UserFactory)
    org = factory.LazyAttribute(lambda o: o.campaign.org)
    is_expert = False


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    judge = factory.SubFactory(JudgeFactory)
    campaign = factory.LazyAttribute(lambda o: o.judge.campaign)
    nomination = factory.SubFactory(NominationFactory, campaign=factory.SelfAttribute("..campaign"))
    cast_at = factory.LazyFunction(_now)


class ExpertScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertScore

    judge = factory.SubFactory(JudgeFactory, is_expert=True)
    campaign = factory.LazyAttribute(lambda o: o.judge.campaign)
    nomination = factory.SubFactory(NominationFactory, campaign=factory.SelfAttribute("..campaign"))
    score = 80
    scored_at = factory.LazyFunction(_now)


class Contest:
    """county ─ town_a ─ community_a, county ─ town_b; a county campaign in the voting stage run by
    `admin` (org admin at the county); `town_a_admin` nominates for town_a; judges at town_a
    (`judge_a`) and town_b (`judge_b`)."""

    def __init__(self, **campaign: Any) -> None:
        self.tree = OrgTree()
        self.county: OrgNode = self.tree.county
        self.town_a: OrgNode = self.tree.town_a
        self.town_b: OrgNode = self.tree.town_b
        self.community_a: OrgNode = self.tree.community_a
        self.admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=self.county).user
        self.town_a_admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=self.town_a).user
        self.campaign: AwardCampaign = AwardCampaignFactory(org=self.county, created_by=self.admin, **campaign)
        self.judge_a: Judge = JudgeFactory(campaign=self.campaign, org=self.town_a)
        self.judge_b: Judge = JudgeFactory(campaign=self.campaign, org=self.town_b)

    def entry(self, org: OrgNode | None = None, **kw: Any) -> Nomination:
        return NominationFactory(campaign=self.campaign, org=org or self.town_b, **kw)
