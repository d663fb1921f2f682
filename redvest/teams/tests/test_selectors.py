"""Team reads: counts, the below-minimum flag (per-org setting inherited down the tree), filters, scope."""

from __future__ import annotations

import pytest

from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.selectors import team_min_size_for
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Membership, MembershipKind, Team, TeamKind
from redvest.teams.selectors import join_request_inbox, team_list, team_member_history, team_roster
from redvest.teams.services import membership_assign_org_team
from redvest.teams.tests.factories import (
    BackboneFactory,
    JoinRequestFactory,
    MembershipFactory,
    TeamFactory,
    leader_login,
    member_of,
    org_admin_at,
    team_with_members,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _flags(user: object) -> dict[str, tuple[int, int, bool]]:
    return {t.name: (t.member_count, t.min_size, t.below_min_size) for t in team_list(user=user)}


def test_default_minimum_is_five_and_counts_org_plus_activity_members(tree: OrgTree) -> None:
    team = team_with_members(3, org=tree.town_a, name="三人队")
    member_of(team, kind=MembershipKind.ACTIVITY)
    member_of(team, kind=MembershipKind.ACTIVITY)
    team_with_members(4, org=tree.town_a, name="四人队")
    flags = _flags(UserFactory(is_superuser=True))
    assert flags["三人队"] == (5, 5, False)
    assert flags["四人队"] == (4, 5, True)


def test_former_members_do_not_count(tree: OrgTree) -> None:
    team = team_with_members(5, org=tree.town_a, name="五人队")
    Membership.objects.filter(pk=Membership.objects.filter(team=team).first().pk).update(  # type: ignore[union-attr]
        left_at="2026-01-01T00:00:00+08:00"
    )
    assert _flags(UserFactory(is_superuser=True))["五人队"] == (4, 5, True)


def test_min_size_is_inherited_from_the_nearest_ancestor_setting(tree: OrgTree) -> None:
    tree.county.team_min_size = 7
    tree.county.save()
    tree.town_a.team_min_size = 3
    tree.town_a.save()
    team_with_members(3, org=tree.community_a, name="社区队")  # inherits 3 from town_a
    team_with_members(3, org=tree.town_b, name="画溪队")  # inherits 7 from the county
    team_with_members(6, org=tree.county, name="县队")
    flags = _flags(UserFactory(is_superuser=True))
    assert flags["社区队"] == (3, 3, False)
    assert flags["画溪队"] == (3, 7, True)
    assert flags["县队"] == (6, 7, True)
    for team in Team.objects.select_related("org"):
        assert flags[team.name][1] == team_min_size_for(team.org)


def test_below_min_filter_returns_only_flagged_teams(tree: OrgTree) -> None:
    team_with_members(1, org=tree.town_a, name="小队")
    team_with_members(5, org=tree.town_a, name="满员队")
    admin = org_admin_at(tree.county)
    assert [t.name for t in team_list(user=admin, below_min_size=True)] == ["小队"]
    assert [t.name for t in team_list(user=admin, below_min_size=False)] == ["满员队"]


def test_filters_by_name_kind_specialty_and_org_subtree(tree: OrgTree) -> None:
    TeamFactory(org=tree.community_a, name="城东急救队", kind=TeamKind.SPECIALIST, specialty="first_aid")
    TeamFactory(org=tree.town_b, name="画溪法律队", kind=TeamKind.SPECIALIST, specialty="legal")
    TeamFactory(org=tree.town_a, name="雉城青年队", kind=TeamKind.YOUTH)
    admin = org_admin_at(tree.county)
    assert [t.name for t in team_list(user=admin, q="急救")] == ["城东急救队"]
    assert {t.name for t in team_list(user=admin, kind=TeamKind.SPECIALIST)} == {"城东急救队", "画溪法律队"}
    assert [t.name for t in team_list(user=admin, specialty="legal")] == ["画溪法律队"]
    assert {t.name for t in team_list(user=admin, org_id=tree.town_a.pk)} == {"城东急救队", "雉城青年队"}
    assert list(team_list(user=admin, org_id="not-a-number")) == []
    assert list(team_list(user=admin, org_id=10**40)) == []


def test_dissolved_teams_are_hidden_unless_asked_for(tree: OrgTree) -> None:
    TeamFactory(org=tree.town_a, name="旧队", is_active=False)
    admin = org_admin_at(tree.county)
    assert list(team_list(user=admin)) == []
    assert [t.name for t in team_list(user=admin, status="inactive")] == ["旧队"]


def test_town_admin_sees_only_own_subtree(tree: OrgTree) -> None:
    TeamFactory(org=tree.community_a, name="社区队")
    TeamFactory(org=tree.town_b, name="画溪队")
    TeamFactory(org=tree.county, name="县队")
    assert [t.name for t in team_list(user=org_admin_at(tree.town_a))] == ["社区队"]


def test_volunteer_sees_every_team(tree: OrgTree) -> None:
    TeamFactory(org=tree.community_a)
    TeamFactory(org=tree.town_b)
    volunteer = member_of(TeamFactory(org=tree.town_a), with_user=True)
    assert team_list(user=volunteer.user).count() == 3


def test_roster_lists_current_members_with_backbone_order(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    a, b = member_of(team), member_of(team)
    member_of(team, kind=MembershipKind.ACTIVITY)
    BackboneFactory(team=team, volunteer=b, order=1)
    BackboneFactory(team=team, volunteer=a, order=2)
    rows = list(team_roster(team=team))
    assert [(m.volunteer_id, m.backbone_order) for m in rows[:2]] == [(b.pk, 1), (a.pk, 2)]
    assert rows[2].kind == MembershipKind.ACTIVITY and rows[2].backbone_order is None


def test_history_names_the_team_a_transfer_came_from(tree: OrgTree) -> None:
    old, new = TeamFactory(org=tree.town_a, name="老队"), TeamFactory(org=tree.town_a, name="新队")
    volunteer = member_of(old)
    membership_assign_org_team(actor=None, volunteer=volunteer, team=new)
    (row,) = team_member_history(team=new)
    assert row.transferred_from == "老队"
    (old_row,) = team_member_history(team=old)
    assert old_row.left_at is not None and old_row.left_reason == "转入新队"


def test_inbox_holds_pending_requests_of_manageable_teams_only(tree: OrgTree) -> None:
    own = TeamFactory(org=tree.town_a)
    leader = leader_login(own)
    mine = JoinRequestFactory(team=own)
    JoinRequestFactory(team=own, status="rejected")
    JoinRequestFactory(team=TeamFactory(org=tree.town_a))
    assert list(join_request_inbox(user=leader)) == [mine]


def test_inbox_shows_the_applicants_current_org_team(tree: OrgTree) -> None:
    volunteer = member_of(TeamFactory(org=tree.town_b, name="画溪队"))
    JoinRequestFactory(team=TeamFactory(org=tree.town_a), volunteer=volunteer)
    MembershipFactory(team=TeamFactory(org=tree.town_b), volunteer=volunteer, kind=MembershipKind.ACTIVITY)
    (row,) = join_request_inbox(user=org_admin_at(tree.county))
    assert row.current_org_team == "画溪队"
