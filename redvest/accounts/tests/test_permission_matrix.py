"""Every role × (own node, descendant, sibling, ancestor) × (view, change) × resource type.

Roles are held at town_a. "Own" objects hang off town_a, "descendant" off community_a (under
town_a), "sibling" off town_b, "ancestor" off the county root. Later capabilities add their
resources to RESOURCES and their expectations to EXPECTED.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from redvest.accounts.models import Role
from redvest.accounts.policy import can, scope
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.models import Activity
from redvest.activities.tests.factories import ActivityFactory
from redvest.audit.models import AuditEntry
from redvest.awards.models import AwardCampaign, Nomination
from redvest.awards.tests.factories import AwardCampaignFactory, NominationFactory
from redvest.care.models import CarePairing, CareRecipient, CareVisit
from redvest.care.tests.factories import CarePairingFactory, CareRecipientFactory, CareVisitFactory
from redvest.dashboards.models import DataExport
from redvest.dashboards.tests.factories import DataExportFactory
from redvest.demand.models import Dispatch, ServiceRequest
from redvest.demand.tests.factories import DispatchFactory, ServiceRequestFactory
from redvest.evaluation.models import EvaluationRound, EvaluationScheme
from redvest.evaluation.tests.factories import EvaluationRoundFactory
from redvest.orgs.models import OrgNode, Station
from redvest.orgs.tests.factories import OrgTree
from redvest.points.models import (
    EarningRule,
    Merchant,
    PioneerEntry,
    PointsAccount,
    PointsClaim,
    Redemption,
    RewardItem,
)
from redvest.points.tests.factories import (
    EarningRuleFactory,
    MerchantFactory,
    PioneerEntryFactory,
    PointsClaimFactory,
    RedemptionFactory,
    RewardItemFactory,
    VolunteerAccountFactory,
)
from redvest.publicity.models import Commitment, Exemplar, ExemplarStatus, TrainingSession
from redvest.publicity.tests.factories import CommitmentFactory, ExemplarFactory, TrainingSessionFactory
from redvest.records.models import Certificate, CorrectionProposal, ServiceRecord
from redvest.records.tests.factories import CertificateFactory, CorrectionProposalFactory, ServiceRecordFactory
from redvest.reports.models import Circular, CircularStatus, QuarterlyReport
from redvest.reports.tests.factories import CircularFactory, QuarterlyReportFactory
from redvest.teams.models import BrandProject, Team
from redvest.teams.tests.factories import BrandProjectFactory, MembershipFactory, TeamFactory
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

ALL = frozenset({"own", "descendant", "sibling", "ancestor"})
SUBTREE = frozenset({"own", "descendant"})
OWN = frozenset({"own"})
NONE: frozenset[str] = frozenset()
RESOURCE_NAMES = (
    "org",
    "station",
    "volunteer",
    "team",
    "brand",
    "audit",
    "commitment",
    "exemplar",
    "training_session",
    "activity",
    "record",
    "certificate",
    "correction_proposal",
    "points_account",
    "earning_rule",
    "points_claim",
    "reward",
    "merchant",
    "redemption",
    "pioneer_index",
    "request",
    "dispatch",
    "award_campaign",
    "nomination",
    "data_export",
    "evaluation_round",
    "evaluation_scheme",
    "care_recipient",
    "care_pairing",
    "care_visit",
    "quarterly_report",
    "circular",
)
# Points resources: a volunteer's points account, earning rule, good-deed claim, bank reward item,
# alliance merchant (operated by the world's user when the role is merchant), reservation of a bank
# item, pioneer-index entry.
CARE_ALL = ("care_recipient", "care_pairing", "care_visit")
# Publicity: a commitment of each position's volunteer, a published exemplar and a training session there.
PUBLICITY_ALL = ("commitment", "exemplar", "training_session")
POINTS_ALL = ("points_account", "earning_rule", "points_claim", "reward", "merchant", "redemption", "pioneer_index")


def _expect(**per_resource: tuple[frozenset[str], frozenset[str]]) -> dict[str, dict[str, frozenset[str]]]:
    table = {r: {"view": NONE, "change": NONE} for r in RESOURCE_NAMES}
    for resource, (view, change) in per_resource.items():
        table[resource] = {"view": view, "change": change}
    return table


# Leaders and liaisons are volunteers too: the public directory plus their own team and its members.
# Own-position activities are run by the leader's team; records and certificates are other people's.
TEAM_ROLE_EXPECTED = _expect(
    org=(ALL, NONE),
    station=(ALL, NONE),
    team=(ALL, OWN),
    brand=(ALL, NONE),
    volunteer=(OWN, NONE),
    activity=(ALL, OWN),
    record=(OWN, OWN),
    # Proposals about their team's activities are theirs to follow, never to decide.
    correction_proposal=(OWN, NONE),
    reward=(ALL, NONE),
    merchant=(ALL, NONE),
    earning_rule=(ALL, NONE),
    request=(OWN, NONE),
    # Their members' commitments (the own-position volunteer is in the team); published stories, sessions.
    commitment=(OWN, NONE),
    exemplar=(ALL, NONE),
    training_session=(ALL, NONE),
    dispatch=(OWN, OWN),
    # The person their team is paired with (own position): seen, and visits logged for them.
    care_recipient=(OWN, NONE),
    care_pairing=(OWN, NONE),
    care_visit=(OWN, OWN),
)

EXPECTED: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    Role.SYSTEM_ADMIN: _expect(
        award_campaign=(ALL, ALL),
        nomination=(ALL, ALL),
        org=(ALL, ALL),
        station=(ALL, ALL),
        volunteer=(ALL, ALL),
        team=(ALL, ALL),
        brand=(ALL, ALL),
        audit=(ALL, NONE),
        activity=(ALL, ALL),
        record=(ALL, ALL),
        certificate=(ALL, ALL),
        correction_proposal=(ALL, ALL),
        **dict.fromkeys(PUBLICITY_ALL, (ALL, ALL)),
        **dict.fromkeys(POINTS_ALL, (ALL, ALL)),
        request=(ALL, ALL),
        dispatch=(ALL, ALL),
        data_export=(ALL, ALL),
        evaluation_round=(ALL, ALL),
        evaluation_scheme=(ALL, ALL),
        **dict.fromkeys(CARE_ALL, (ALL, ALL)),
        quarterly_report=(ALL, ALL),
        circular=(ALL, ALL),
    ),
    Role.ORG_ADMIN: _expect(
        # Campaigns run above them are visible too: their units nominate into them.
        award_campaign=(SUBTREE | {"ancestor"}, SUBTREE),
        nomination=(SUBTREE, SUBTREE),
        org=(SUBTREE, SUBTREE),
        station=(SUBTREE, SUBTREE),
        volunteer=(SUBTREE, SUBTREE),
        team=(SUBTREE, SUBTREE),
        brand=(SUBTREE, SUBTREE),
        audit=(SUBTREE, NONE),
        activity=(SUBTREE, SUBTREE),
        record=(SUBTREE, SUBTREE),
        certificate=(SUBTREE, SUBTREE),
        # Adding credit minutes is decided strictly above the proposal's node: seen at their node, decided below.
        correction_proposal=(SUBTREE, frozenset({"descendant"})),
        **dict.fromkeys(PUBLICITY_ALL, (SUBTREE, SUBTREE)),
        **dict.fromkeys(POINTS_ALL, (SUBTREE, SUBTREE)),
        request=(SUBTREE, SUBTREE),
        dispatch=(SUBTREE, SUBTREE),
        data_export=(SUBTREE, SUBTREE),
        # Rounds and schemes (and bonus rules) of their subtree; published rankings are public pages.
        evaluation_round=(SUBTREE, SUBTREE),
        evaluation_scheme=(SUBTREE, SUBTREE),
        **dict.fromkeys(CARE_ALL, (SUBTREE, SUBTREE)),
        # Their node files, the nodes below are reviewed; published circulars from above are read.
        quarterly_report=(SUBTREE, SUBTREE),
        circular=(SUBTREE | {"ancestor"}, SUBTREE),
    ),
    Role.DISPATCHER: _expect(
        org=(SUBTREE, NONE),
        station=(SUBTREE, NONE),
        volunteer=(SUBTREE, NONE),
        team=(SUBTREE, NONE),
        activity=(SUBTREE, NONE),
        request=(SUBTREE, SUBTREE),
        dispatch=(SUBTREE, SUBTREE),
        # People in need of their service area, never their health data nor the pairings and visits.
        care_recipient=(SUBTREE, NONE),
    ),
    # The bank counter of their own station: its items and the reservations picked up there.
    # Demand: requests registered at their own station (parts sent to the station: test_policy in demand).
    Role.STATION_KEEPER: _expect(
        org=(SUBTREE, OWN),
        station=(SUBTREE, OWN),
        reward=(SUBTREE, OWN),
        redemption=(OWN, OWN),
        request=(OWN, OWN),
    ),
    # Leaders and liaisons hold the same powers over their team (see TEAM_ROLE_EXPECTED).
    Role.TEAM_LEADER: TEAM_ROLE_EXPECTED,
    Role.TEAM_LIAISON: TEAM_ROLE_EXPECTED,
    # Other people's points accounts, claims, reservations and index entries stay private.
    Role.VOLUNTEER: _expect(
        org=(ALL, NONE),
        # Published stories and every training session; their own commitment only (not in the world).
        exemplar=(ALL, NONE),
        training_session=(ALL, NONE),
        station=(ALL, NONE),
        team=(ALL, NONE),
        brand=(ALL, NONE),
        activity=(ALL, NONE),
        reward=(ALL, NONE),
        merchant=(ALL, NONE),
        earning_rule=(ALL, NONE),
        # The person they are paired with (own position): seen, and visits logged for them.
        care_recipient=(OWN, NONE),
        care_pairing=(OWN, NONE),
        care_visit=(OWN, OWN),
    ),
    # The catalog is public to merchants; their own shop only where their role is held.
    Role.MERCHANT: _expect(station=(ALL, NONE), reward=(ALL, NONE), merchant=(OWN, OWN)),
    Role.RESIDENT: _expect(station=(ALL, NONE)),
}


class World:
    """The tree, one object of each resource at each position, and a user holding `role` at town_a."""

    def __init__(self, role: str) -> None:
        tree = OrgTree()
        self.nodes: dict[str, OrgNode] = {
            "own": tree.town_a,
            "descendant": tree.community_a,
            "sibling": tree.town_b,
            "ancestor": tree.county,
        }
        self.objects: dict[str, dict[str, Model]] = {r: {} for r in RESOURCE_NAMES}
        for position, node in self.nodes.items():
            self.objects["org"][position] = node
            self.objects["station"][position] = Station.objects.create(node=node, address=f"{node.name}站点")
            self.objects["volunteer"][position] = VolunteerFactory(org=node)
            self.objects["team"][position] = TeamFactory(org=node)
            self.objects["brand"][position] = BrandProjectFactory(owner=node)
            self.objects["audit"][position] = AuditEntry.objects.create(
                action="create", target_type="orgs.orgnode", target_id=str(node.pk), org=node
            )
            activity = ActivityFactory(org=node)
            activity.teams.add(self.objects["team"][position])
            self.objects["activity"][position] = activity
            self.objects["record"][position] = ServiceRecordFactory(
                volunteer=self.objects["volunteer"][position], activity=activity
            )
            self.objects["correction_proposal"][position] = CorrectionProposalFactory(
                record=self.objects["record"][position], anchor_org=node
            )
            self.objects["certificate"][position] = CertificateFactory(
                volunteer=self.objects["volunteer"][position], issuing_org=node
            )
        self.user = UserFactory()
        self._add_points_objects(role)
        self._add_demand_objects()
        self._add_awards_objects()
        self._add_dashboards_objects()
        self._add_evaluation_objects()
        self._add_reports_objects()
        self._add_publicity_objects()
        town_a = self.nodes["own"]
        own_team = self.objects["team"]["own"]
        assert isinstance(own_team, Team)
        if role in {Role.TEAM_LEADER, Role.TEAM_LIAISON, Role.VOLUNTEER}:
            me = VolunteerFactory(org=town_a, user=self.user)
            MembershipFactory(team=own_team, volunteer=me)
            if role == Role.TEAM_LEADER:
                own_team.leader = me
            elif role == Role.TEAM_LIAISON:
                own_team.liaison = me
            own_team.save()
            # The own-node volunteer is a member of the leader's team (activity relation).
            MembershipFactory(team=own_team, volunteer=self.objects["volunteer"]["own"], kind="activity")
        else:
            RoleAssignmentFactory(user=self.user, role=role, org=town_a)
        self._add_care_objects(role)

    def _add_publicity_objects(self) -> None:
        for position, node in self.nodes.items():
            self.objects["commitment"][position] = CommitmentFactory(volunteer=self.objects["volunteer"][position])
            self.objects["exemplar"][position] = ExemplarFactory(org=node, status=ExemplarStatus.PUBLISHED)
            self.objects["training_session"][position] = TrainingSessionFactory(org=node)

    def _add_points_objects(self, role: str) -> None:
        operator = self.user if role == Role.MERCHANT else UserFactory()
        for position, node in self.nodes.items():
            volunteer = self.objects["volunteer"][position]
            self.objects["points_account"][position] = VolunteerAccountFactory(volunteer=volunteer)
            self.objects["earning_rule"][position] = EarningRuleFactory(org=node)
            self.objects["points_claim"][position] = PointsClaimFactory(volunteer=volunteer)
            item = RewardItemFactory(org=node)
            self.objects["reward"][position] = item
            self.objects["merchant"][position] = MerchantFactory(org=node, operator=operator)
            self.objects["redemption"][position] = RedemptionFactory(volunteer=volunteer, item=item)
            self.objects["pioneer_index"][position] = PioneerEntryFactory(volunteer=volunteer)

    def _add_demand_objects(self) -> None:
        """A request in each position's area, registered at that position's station and sent to its team."""
        for position, node in self.nodes.items():
            station = self.objects["station"][position]
            request = ServiceRequestFactory(area=node, intake_station=station)
            self.objects["request"][position] = request
            self.objects["dispatch"][position] = DispatchFactory(request=request, team=self.objects["team"][position])

    def _add_evaluation_objects(self) -> None:
        """An evaluation scheme at each position and a round reviewed there."""
        for position, node in self.nodes.items():
            evaluation = EvaluationRoundFactory(org=node)
            self.objects["evaluation_round"][position] = evaluation
            self.objects["evaluation_scheme"][position] = evaluation.scheme

    def _add_dashboards_objects(self) -> None:
        """An Excel export of each position's subtree, requested by someone else (requesters see their own)."""
        for position, node in self.nodes.items():
            self.objects["data_export"][position] = DataExportFactory(org=node, created_by=UserFactory())

    def _add_reports_objects(self) -> None:
        """A quarterly report filed at each position and a published circular issued there."""
        for position, node in self.nodes.items():
            self.objects["quarterly_report"][position] = QuarterlyReportFactory(org=node)
            self.objects["circular"][position] = CircularFactory(org=node, status=CircularStatus.PUBLISHED)

    def _add_care_objects(self, role: str) -> None:
        """A person in need at each position, paired with that position's team and visited once; at the
        own position a volunteer world's user is the partner instead (the person is theirs to visit)."""
        me = Volunteer.objects.filter(user=self.user).first()
        for position, node in self.nodes.items():
            recipient = CareRecipientFactory(org=node)
            if position == "own" and role == Role.VOLUNTEER and me is not None:
                pairing = CarePairingFactory(recipient=recipient, volunteer=me)
            else:
                pairing = CarePairingFactory(recipient=recipient, team=self.objects["team"][position])
            self.objects["care_recipient"][position] = recipient
            self.objects["care_pairing"][position] = pairing
            self.objects["care_visit"][position] = CareVisitFactory(recipient=recipient, pairing=pairing)

    def _add_awards_objects(self) -> None:
        """A campaign run at each position and an entry nominated there (judges: awards/tests)."""
        for position, node in self.nodes.items():
            campaign = AwardCampaignFactory(org=node)
            self.objects["award_campaign"][position] = campaign
            self.objects["nomination"][position] = NominationFactory(
                campaign=campaign, org=node, volunteer=self.objects["volunteer"][position]
            )


MODELS: dict[str, type[Model]] = {
    "org": OrgNode,
    "station": Station,
    "volunteer": Volunteer,
    "team": Team,
    "brand": BrandProject,
    "audit": AuditEntry,
    "commitment": Commitment,
    "exemplar": Exemplar,
    "training_session": TrainingSession,
    "activity": Activity,
    "record": ServiceRecord,
    "certificate": Certificate,
    "correction_proposal": CorrectionProposal,
    "points_account": PointsAccount,
    "earning_rule": EarningRule,
    "points_claim": PointsClaim,
    "reward": RewardItem,
    "merchant": Merchant,
    "redemption": Redemption,
    "pioneer_index": PioneerEntry,
    "request": ServiceRequest,
    "dispatch": Dispatch,
    "award_campaign": AwardCampaign,
    "nomination": Nomination,
    "data_export": DataExport,
    "evaluation_round": EvaluationRound,
    "evaluation_scheme": EvaluationScheme,
    "care_recipient": CareRecipient,
    "care_pairing": CarePairing,
    "care_visit": CareVisit,
    "quarterly_report": QuarterlyReport,
    "circular": Circular,
}


def _mismatches(world: World, role: str, check: Callable[[str, str, Model], bool]) -> list[str]:
    wrong = []
    for resource in RESOURCE_NAMES:
        for action in ("view", "change"):
            allowed = EXPECTED[role][resource][action]
            for position, obj in world.objects[resource].items():
                got = check(action, resource, obj)
                if got != (position in allowed):
                    wrong.append(f"{role} {action} {resource}@{position}: got {got}")
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_can_follows_the_matrix(role: str) -> None:
    world = World(role)
    assert _mismatches(world, role, lambda action, resource, obj: can(world.user, action, obj)) == []  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_scope_follows_the_matrix(role: str) -> None:
    world = World(role)

    def in_scope(action: str, resource: str, obj: Model) -> bool:
        qs: Any = MODELS[resource]._default_manager.all()
        return scope(world.user, resource, qs, action).filter(pk=obj.pk).exists()  # type: ignore[arg-type]

    assert _mismatches(world, role, in_scope) == []


@pytest.mark.django_db
def test_volunteer_sees_and_changes_own_record_only() -> None:
    world = World(Role.VOLUNTEER)
    me = Volunteer.objects.get(user=world.user)
    assert can(world.user, "view", me)
    assert can(world.user, "change", me)
    assert not can(world.user, "view", world.objects["volunteer"]["own"])


@pytest.mark.django_db
def test_anonymous_user_gets_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    world = World(Role.RESIDENT)
    for resource, model in MODELS.items():
        assert not scope(AnonymousUser(), resource, model._default_manager.all()).exists()  # type: ignore[arg-type]
    assert not can(AnonymousUser(), "view", world.objects["station"]["own"])
