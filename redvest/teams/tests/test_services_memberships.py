"""Memberships: one organisational team (DB constraint), transfers with history, activity teams,
leaving and leader succession from the backbone, join requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from redvest.accounts.models import User
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.errors import (
    AlreadyMember,
    PendingRequestExists,
    RequestNotPending,
    TeamInactive,
    VolunteerNotEligible,
)
from redvest.teams.models import Backbone, JoinRequest, Membership, MembershipKind, Team
from redvest.teams.services import (
    join_request_approve,
    join_request_create,
    join_request_reject,
    join_request_withdraw,
    membership_add,
    membership_assign_org_team,
    membership_leave,
    membership_leave_all,
    memberships_create_org_bulk,
    team_leader_step_down,
)
from redvest.teams.tests.factories import (
    BackboneFactory,
    JoinRequestFactory,
    MembershipFactory,
    TeamFactory,
    leader_login,
    member_of,
    org_admin_at,
    volunteer_login,
)
from redvest.volunteers.models import Volunteer, VolunteerStatus
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _current_org(volunteer: Volunteer) -> list[int]:
    return list(
        Membership.objects.filter(volunteer=volunteer, kind="org", left_at__isnull=True).values_list(
            "team_id", flat=True
        )
    )


def _volunteer_of(user: User) -> Volunteer:
    return Volunteer.objects.get(user=user)


# ---- organisational team -----------------------------------------------------------------------


def test_first_org_team_is_recorded_and_audited(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    volunteer = VolunteerFactory(org=tree.town_a)
    membership = membership_assign_org_team(actor=None, volunteer=volunteer, team=team)
    assert membership.kind == MembershipKind.ORGANISATIONAL
    assert AuditEntry.objects.filter(target_type="teams.membership", action="create").count() == 1


def test_second_org_team_is_a_transfer_keeping_history(tree: OrgTree) -> None:
    old, new = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a, name="城东支队")
    volunteer = member_of(old)
    membership_assign_org_team(actor=org_admin_at(tree.town_a), volunteer=volunteer, team=new)
    assert _current_org(volunteer) == [new.pk]
    closed = Membership.objects.get(volunteer=volunteer, team=old)
    assert closed.left_at is not None
    assert closed.left_reason == "转入城东支队"
    assert Membership.objects.filter(volunteer=volunteer).count() == 2


def test_assigning_the_same_org_team_again_changes_nothing(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    volunteer = member_of(team)
    membership_assign_org_team(actor=None, volunteer=volunteer, team=team)
    assert Membership.objects.filter(volunteer=volunteer).count() == 1


def test_database_refuses_two_current_org_memberships(tree: OrgTree) -> None:
    volunteer = member_of(TeamFactory(org=tree.town_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(volunteer=volunteer, team=TeamFactory(org=tree.town_a), kind=MembershipKind.ORGANISATIONAL)
    assert len(_current_org(volunteer)) == 1


def test_activity_memberships_in_any_number_of_teams_beside_the_org_team(tree: OrgTree) -> None:
    volunteer = member_of(TeamFactory(org=tree.town_a))
    for _ in range(3):
        MembershipFactory(volunteer=volunteer, team=TeamFactory(org=tree.town_b), kind=MembershipKind.ACTIVITY)
    assert Membership.objects.filter(volunteer=volunteer, left_at__isnull=True).count() == 4


def test_org_team_assignment_to_a_dissolved_team_is_refused(tree: OrgTree) -> None:
    volunteer = member_of(TeamFactory(org=tree.town_a))
    with pytest.raises(TeamInactive):
        membership_assign_org_team(actor=None, volunteer=volunteer, team=TeamFactory(org=tree.town_a, is_active=False))
    assert len(_current_org(volunteer)) == 1


# ---- leaving and succession --------------------------------------------------------------------


def _team_with_backbone(tree: OrgTree) -> tuple[Team, User, Volunteer, Volunteer]:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    first, second = member_of(team, with_user=True), member_of(team, with_user=True)
    BackboneFactory(team=team, volunteer=second, order=2)
    BackboneFactory(team=team, volunteer=first, order=1)
    return team, leader, first, second


def test_leader_leaving_hands_the_lead_to_the_first_backbone_member(tree: OrgTree) -> None:
    team, leader, first, second = _team_with_backbone(tree)
    membership = Membership.objects.get(team=team, volunteer__user=leader)
    membership_leave(actor=leader, membership=membership, reason="工作调动")
    team.refresh_from_db()
    assert team.leader == first
    assert list(Backbone.objects.filter(team=team).values_list("volunteer_id", flat=True)) == [second.pk]
    assert Notification.objects.filter(recipient=first.user, title__contains="接任").exists()
    entry = AuditEntry.objects.filter(target_type="teams.team", target_id=str(team.pk)).latest("id")
    assert entry.after == {"leader_id": first.pk}
    assert "骨干顺位接任" in entry.reason


def test_succession_skips_a_backbone_member_who_has_left(tree: OrgTree) -> None:
    team, leader, first, second = _team_with_backbone(tree)
    Membership.objects.filter(team=team, volunteer=first).update(left_at="2026-01-01T00:00:00+08:00")
    team_leader_step_down(actor=leader, team=team)
    team.refresh_from_db()
    assert team.leader == second


def test_leader_transferring_away_triggers_succession_in_the_old_team(tree: OrgTree) -> None:
    team, leader, first, _second = _team_with_backbone(tree)
    other = TeamFactory(org=tree.town_a)
    membership_assign_org_team(actor=org_admin_at(tree.town_a), volunteer=_volunteer_of(leader), team=other)
    team.refresh_from_db()
    assert team.leader == first


def test_leader_stepping_down_stays_a_member(tree: OrgTree) -> None:
    team, leader, first, _second = _team_with_backbone(tree)
    team_leader_step_down(actor=leader, team=team, reason="年龄原因")
    team.refresh_from_db()
    assert team.leader == first
    assert Membership.objects.filter(team=team, volunteer__user=leader, left_at__isnull=True).exists()


def test_without_backbone_the_post_falls_vacant_and_the_liaison_is_told(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    liaison = member_of(team, with_user=True)
    team.liaison = liaison
    team.save()
    membership_leave(actor=leader, membership=Membership.objects.get(volunteer__user=leader), reason="")
    team.refresh_from_db()
    assert team.leader is None
    assert Notification.objects.filter(recipient=liaison.user, title__contains="空缺").exists()


def test_liaison_leaving_clears_the_post(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    liaison = member_of(team, with_user=True)
    team.liaison = liaison
    team.save()
    assert liaison.user is not None
    membership_leave(actor=liaison.user, membership=Membership.objects.get(volunteer=liaison))
    team.refresh_from_db()
    assert team.liaison is None


def test_another_volunteer_cannot_end_someones_membership(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    target = member_of(team)
    other = member_of(team, with_user=True)
    with pytest.raises(PermissionDenied):
        membership_leave(actor=other.user, membership=Membership.objects.get(volunteer=target))  # type: ignore[arg-type]
    assert Membership.objects.get(volunteer=target).left_at is None


def test_volunteer_cannot_make_the_leader_step_down(tree: OrgTree) -> None:
    team, _leader, _first, _second = _team_with_backbone(tree)
    member = member_of(team, with_user=True)
    with pytest.raises(PermissionDenied):
        team_leader_step_down(actor=member.user, team=team)  # type: ignore[arg-type]


def test_leave_all_ends_every_membership_and_succeeds_the_lead(tree: OrgTree) -> None:
    team, leader, first, _second = _team_with_backbone(tree)
    volunteer = _volunteer_of(leader)
    MembershipFactory(volunteer=volunteer, team=TeamFactory(org=tree.town_b), kind=MembershipKind.ACTIVITY)
    assert membership_leave_all(actor=None, volunteer=volunteer, reason="注销") == 2
    assert not Membership.objects.filter(volunteer=volunteer, left_at__isnull=True).exists()
    team.refresh_from_db()
    assert team.leader == first


# ---- admin transfer ----------------------------------------------------------------------------


def test_org_admin_transfers_a_volunteer_between_teams(tree: OrgTree) -> None:
    old, new = TeamFactory(org=tree.town_a), TeamFactory(org=tree.community_a)
    volunteer = member_of(old)
    membership_add(actor=org_admin_at(tree.town_a), team=new, volunteer=volunteer, kind="org", reason="就近服务")
    assert _current_org(volunteer) == [new.pk]
    assert Membership.objects.get(team=old).left_reason == "就近服务"


def test_team_leader_cannot_pull_volunteers_in_directly(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    outsider = VolunteerFactory(org=tree.town_a)
    with pytest.raises(PermissionDenied):
        membership_add(actor=leader_login(team), team=team, volunteer=outsider, kind="activity")
    assert not Membership.objects.filter(volunteer=outsider).exists()


def test_adding_an_existing_member_as_activity_member_is_refused(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    volunteer = member_of(team)
    with pytest.raises(AlreadyMember):
        membership_add(actor=org_admin_at(tree.town_a), team=team, volunteer=volunteer, kind="activity")


# ---- join requests -----------------------------------------------------------------------------


def test_volunteer_requests_to_join_and_the_leader_is_notified(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    applicant = volunteer_login(tree.town_a)
    request = join_request_create(actor=applicant, team=team, kind="org", message="想参加应急救护")
    assert request.status == "pending"
    assert Notification.objects.filter(recipient=leader, title__contains="入队申请").exists()


def test_second_pending_request_to_the_same_team_is_refused(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    applicant = volunteer_login(tree.town_a)
    join_request_create(actor=applicant, team=team, kind="activity")
    with pytest.raises(PendingRequestExists):
        join_request_create(actor=applicant, team=team, kind="org")
    assert JoinRequest.objects.count() == 1


def test_member_asking_to_join_again_is_refused(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    member = member_of(team, with_user=True)
    with pytest.raises(AlreadyMember):
        join_request_create(actor=member.user, team=team, kind="org")  # type: ignore[arg-type]


def test_activity_member_may_ask_for_the_org_relation(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    member = member_of(team, kind=MembershipKind.ACTIVITY, with_user=True)
    assert join_request_create(actor=member.user, team=team, kind="org")  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [VolunteerStatus.PENDING, VolunteerStatus.SUSPENDED])
def test_volunteer_not_registered_cannot_ask_to_join(tree: OrgTree, status: str) -> None:
    applicant = volunteer_login(tree.town_a, status=status)
    with pytest.raises(VolunteerNotEligible):
        join_request_create(actor=applicant, team=TeamFactory(org=tree.town_a), kind="org")


def test_user_without_volunteer_record_cannot_ask_to_join(tree: OrgTree) -> None:
    with pytest.raises(VolunteerNotEligible):
        join_request_create(actor=org_admin_at(tree.town_a), team=TeamFactory(org=tree.town_a), kind="org")


def test_request_with_unknown_kind_names_the_field(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        join_request_create(actor=volunteer_login(tree.town_a), team=TeamFactory(org=tree.town_a), kind="boss")
    assert "kind" in exc.value.errors
    assert not JoinRequest.objects.exists()


def test_approving_an_org_request_from_a_member_of_another_team_is_a_transfer(tree: OrgTree) -> None:
    old, new = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a, name="城东支队")
    volunteer = member_of(old, with_user=True)
    request = JoinRequestFactory(team=new, volunteer=volunteer, kind="org")
    leader = leader_login(new)
    join_request_approve(actor=leader, join_request=request, note="欢迎")
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.decided_by == leader
    assert _current_org(volunteer) == [new.pk]
    old_membership = Membership.objects.get(team=old, volunteer=volunteer)
    assert old_membership.left_at is not None
    assert "城东支队" in old_membership.left_reason
    assert Notification.objects.filter(recipient=volunteer.user, title__contains="已通过").exists()


def test_approving_an_activity_request_keeps_the_org_team(tree: OrgTree) -> None:
    home, other = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_b)
    volunteer = member_of(home)
    request = JoinRequestFactory(team=other, volunteer=volunteer, kind="activity")
    join_request_approve(actor=org_admin_at(tree.town_b), join_request=request)
    assert _current_org(volunteer) == [home.pk]
    assert Membership.objects.filter(team=other, volunteer=volunteer, kind="activity", left_at__isnull=True).exists()


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_town_admin"])
def test_only_managers_of_the_team_may_approve(tree: OrgTree, who: str) -> None:
    team = TeamFactory(org=tree.town_a)
    request = JoinRequestFactory(team=team)
    actor = {
        "volunteer": lambda: member_of(team, with_user=True).user,
        "other_leader": lambda: leader_login(TeamFactory(org=tree.town_a)),
        "other_town_admin": lambda: org_admin_at(tree.town_b),
    }[who]()
    with pytest.raises(PermissionDenied):
        join_request_approve(actor=actor, join_request=request)  # type: ignore[arg-type]
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Membership.objects.filter(team=team, volunteer=request.volunteer).exists()


def test_liaison_may_approve(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    liaison = member_of(team, with_user=True)
    team.liaison = liaison
    team.save()
    request = JoinRequestFactory(team=team, kind="activity")
    join_request_approve(actor=liaison.user, join_request=request)  # type: ignore[arg-type]
    request.refresh_from_db()
    assert request.status == "approved"


def test_reject_needs_a_note_and_writes_nothing_without_one(tree: OrgTree) -> None:
    request = JoinRequestFactory(team=TeamFactory(org=tree.town_a))
    admin = org_admin_at(tree.town_a)
    with pytest.raises(ValidationFailed) as exc:
        join_request_reject(actor=admin, join_request=request, note="  ")
    assert "note" in exc.value.errors
    request.refresh_from_db()
    assert request.status == "pending"
    join_request_reject(actor=admin, join_request=request, note="本队已满员")
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("rejected", "本队已满员")


def test_volunteer_withdraws_own_request_and_it_cannot_be_approved_after(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    applicant = volunteer_login(tree.town_a)
    request = join_request_create(actor=applicant, team=team, kind="org")
    with pytest.raises(PermissionDenied):
        join_request_withdraw(actor=volunteer_login(tree.town_a), join_request=request)
    join_request_withdraw(actor=applicant, join_request=request)
    with pytest.raises(RequestNotPending):
        join_request_approve(actor=org_admin_at(tree.town_a), join_request=request)
    assert not Membership.objects.filter(team=team).exists()


# ---- bulk: the volunteer import's organisational teams ---------------------------------------------


def _bulk(tree: OrgTree, teams: list[Team], count: int) -> tuple[list[Volunteer], list[int]]:
    volunteers = [VolunteerFactory(org=tree.town_a) for _ in range(count)]
    return volunteers, [teams[i % len(teams)].pk for i in range(count)]


def test_bulk_org_memberships_make_each_new_volunteer_a_member_with_an_audit_row(tree: OrgTree) -> None:
    teams = [TeamFactory(org=tree.town_a), TeamFactory(org=tree.community_a)]
    volunteers, team_ids = _bulk(tree, teams, 3)
    actor = org_admin_at(tree.town_a)
    rows = memberships_create_org_bulk(actor=actor, volunteers=volunteers, team_ids=team_ids, reason="Excel导入#1")
    assert [_current_org(v) for v in volunteers] == [[t] for t in team_ids]
    audits = AuditEntry.objects.filter(target_type="teams.membership").order_by("target_id")
    assert [(a.target_id, a.action, a.actor_id, a.reason) for a in audits] == [
        (str(m.pk), "create", actor.pk, "Excel导入#1") for m in sorted(rows, key=lambda m: str(m.pk))
    ]
    first = audits.get(target_id=str(rows[1].pk))
    assert first.org_id == teams[1].org_id
    assert first.after == {"team_id": teams[1].pk, "kind": "org"}
    assert first.target_repr == f"{volunteers[1]} @ {teams[1].name}"


def test_bulk_org_memberships_cost_the_same_queries_for_one_and_twenty(
    tree: OrgTree, django_assert_num_queries: Any
) -> None:
    teams = [TeamFactory(org=tree.town_a), TeamFactory(org=tree.community_a)]
    volunteers, team_ids = _bulk(tree, teams, 2)
    with CaptureQueriesContext(connection) as two:
        memberships_create_org_bulk(actor=None, volunteers=volunteers, team_ids=team_ids)
    volunteers, team_ids = _bulk(tree, teams, 20)
    with django_assert_num_queries(len(two)):
        memberships_create_org_bulk(actor=None, volunteers=volunteers, team_ids=team_ids)
    assert Membership.objects.filter(left_at__isnull=True).count() == 22


def test_bulk_org_memberships_refuse_a_dissolved_team_and_write_nothing(tree: OrgTree) -> None:
    active, dissolved = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a, is_active=False)
    volunteers, team_ids = _bulk(tree, [active, dissolved], 2)
    with pytest.raises(TeamInactive):
        memberships_create_org_bulk(actor=None, volunteers=volunteers, team_ids=team_ids)
    assert not Membership.objects.exists()
    assert not AuditEntry.objects.filter(target_type="teams.membership").exists()
