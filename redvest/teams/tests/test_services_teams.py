"""Team services: create/update rules, leader and liaison, backbone, dissolving, archive; audit rows."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.errors import NotAMember, TeamHasActiveChildren
from redvest.teams.models import Backbone, Membership, Team, TeamDocument, TeamKind
from redvest.teams.services import (
    TeamData,
    backbone_set,
    team_create,
    team_deactivate,
    team_document_upload,
    team_set_leader,
    team_set_liaison,
    team_update,
)
from redvest.teams.tests.factories import (
    BackboneFactory,
    JoinRequestFactory,
    TeamFactory,
    leader_login,
    member_of,
    org_admin_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _data(tree: OrgTree, **kw: object) -> TeamData:
    base: dict[str, object] = {"name": "城东应急救护队", "kind": TeamKind.DETACHMENT, "org_id": tree.town_a.pk}
    return TeamData(**{**base, **kw})  # type: ignore[arg-type]


# ---- create / update -------------------------------------------------------------------------


def test_org_admin_creates_team_in_subtree_with_audit_row(tree: OrgTree) -> None:
    admin = org_admin_at(tree.town_a)
    team = team_create(actor=admin, data=_data(tree, org_id=tree.community_a.pk, rules="每月25日集中服务"))
    assert team.org == tree.community_a
    entry = AuditEntry.objects.get(target_type="teams.team", target_id=str(team.pk))
    assert entry.action == "create"
    assert entry.actor == admin
    assert entry.after is not None and entry.after["name"] == "城东应急救护队"


def test_specialist_team_requires_a_specialty(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=org_admin_at(tree.county), data=_data(tree, kind=TeamKind.SPECIALIST))
    assert "specialty" in exc.value.errors
    assert not Team.objects.exists()


def test_specialty_on_a_non_specialist_team_is_refused_and_writes_nothing(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=org_admin_at(tree.county), data=_data(tree, kind=TeamKind.VANGUARD, specialty="legal"))
    assert exc.value.errors["specialty"] == "只有专业服务队才能设置专业方向"
    assert not Team.objects.exists()
    assert not AuditEntry.objects.exists()


def test_specialist_team_with_specialty_is_created(tree: OrgTree) -> None:
    team = team_create(
        actor=org_admin_at(tree.county), data=_data(tree, kind=TeamKind.SPECIALIST, specialty="first_aid")
    )
    assert team.get_specialty_display() == "应急救护"


def test_unknown_kind_and_blank_name_are_both_named(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=org_admin_at(tree.county), data=_data(tree, kind="army", name="  "))
    assert set(exc.value.errors) == {"kind", "name"}


def test_name_with_nul_character_is_a_field_error(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=org_admin_at(tree.county), data=_data(tree, name="坏\x00名"))
    assert "name" in exc.value.errors


def test_duplicate_name_in_the_same_org_is_refused(tree: OrgTree) -> None:
    admin = org_admin_at(tree.county)
    team_create(actor=admin, data=_data(tree))
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=admin, data=_data(tree, name=" 城东应急救护队 "))
    assert exc.value.errors["name"] == "本组织下已有同名服务队"
    assert Team.objects.count() == 1


def test_same_name_in_another_org_is_allowed(tree: OrgTree) -> None:
    admin = org_admin_at(tree.county)
    team_create(actor=admin, data=_data(tree))
    team_create(actor=admin, data=_data(tree, org_id=tree.town_b.pk))
    assert Team.objects.count() == 2


def test_org_admin_cannot_create_team_outside_subtree(tree: OrgTree) -> None:
    with pytest.raises(PermissionDenied) as exc:
        team_create(actor=org_admin_at(tree.town_a), data=_data(tree, org_id=tree.town_b.pk))
    assert exc.value.field == "org"
    assert not Team.objects.exists()


def test_missing_org_is_a_field_error(tree: OrgTree) -> None:
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=org_admin_at(tree.county), data=_data(tree, org_id=10**30))
    assert "org" in exc.value.errors


def test_parent_team_must_hang_off_the_same_or_an_ancestor_org(tree: OrgTree) -> None:
    admin = org_admin_at(tree.county)
    sibling_team = TeamFactory(org=tree.town_b)
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=admin, data=_data(tree, parent_id=sibling_team.pk))
    assert "parent" in exc.value.errors
    corps = TeamFactory(org=tree.county, kind=TeamKind.CORPS)
    child = team_create(actor=admin, data=_data(tree, parent_id=corps.pk))
    assert child.parent == corps


def test_parent_that_is_a_descendant_is_a_cycle_and_refused(tree: OrgTree) -> None:
    admin = org_admin_at(tree.county)
    top = TeamFactory(org=tree.county)
    middle = TeamFactory(org=tree.county, parent=top)
    bottom = TeamFactory(org=tree.county, parent=middle)
    with pytest.raises(ValidationFailed) as exc:
        team_update(actor=admin, team=top, data=dataclasses.replace(TeamData.of(top), parent_id=bottom.pk))
    assert exc.value.errors["parent"] == "上级队伍不能是本队或本队的下级队伍"
    top.refresh_from_db()
    assert top.parent is None


def test_team_cannot_be_its_own_parent(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.county)
    with pytest.raises(ValidationFailed):
        team_update(
            actor=org_admin_at(tree.county), team=team, data=dataclasses.replace(TeamData.of(team), parent_id=team.pk)
        )


def test_update_writes_only_the_changed_fields_to_the_audit_log(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a, name="旧名")
    admin = org_admin_at(tree.town_a)
    team_update(actor=admin, team=team, data=dataclasses.replace(TeamData.of(team), name="新名"))
    entry = AuditEntry.objects.get(action="update", target_id=str(team.pk))
    assert entry.before == {"name": "旧名"}
    assert entry.after == {"name": "新名"}


def test_team_leader_may_edit_own_team_but_not_move_it_to_another_org(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    team_update(actor=leader, team=team, data=dataclasses.replace(TeamData.of(team), rules="新制度"))
    team.refresh_from_db()
    assert team.rules == "新制度"
    with pytest.raises(PermissionDenied):
        team_update(actor=leader, team=team, data=dataclasses.replace(TeamData.of(team), org_id=tree.county.pk))


def test_team_leader_cannot_change_another_team(tree: OrgTree) -> None:
    own = TeamFactory(org=tree.town_a)
    other = TeamFactory(org=tree.town_a)
    with pytest.raises(PermissionDenied):
        team_update(actor=leader_login(own), team=other, data=dataclasses.replace(TeamData.of(other), rules="x"))


def test_volunteer_cannot_change_a_team(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    volunteer = member_of(team, with_user=True)
    with pytest.raises(PermissionDenied):
        team_update(actor=volunteer.user, team=team, data=dataclasses.replace(TeamData.of(team), rules="x"))  # type: ignore[arg-type]


# ---- leader / liaison ------------------------------------------------------------------------


def test_leader_must_be_a_current_member(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    outsider = member_of(TeamFactory(org=tree.town_a))
    with pytest.raises(NotAMember) as exc:
        team_set_leader(actor=org_admin_at(tree.town_a), team=team, volunteer_id=outsider.pk)
    assert exc.value.field == "leader"
    team.refresh_from_db()
    assert team.leader is None
    assert not AuditEntry.objects.filter(target_type="teams.team").exists()


def test_former_member_cannot_become_leader(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    former = member_of(team)
    Membership.objects.filter(volunteer=former).update(left_at="2026-01-01T00:00:00+08:00")
    with pytest.raises(NotAMember):
        team_set_leader(actor=org_admin_at(tree.town_a), team=team, volunteer_id=former.pk)


def test_new_leader_is_notified_and_leaves_the_backbone(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    volunteer = member_of(team, with_user=True)
    BackboneFactory(team=team, volunteer=volunteer, order=1)
    team_set_leader(actor=org_admin_at(tree.town_a), team=team, volunteer_id=volunteer.pk)
    team.refresh_from_db()
    assert team.leader == volunteer
    assert not Backbone.objects.filter(team=team).exists()
    assert volunteer.user is not None
    assert volunteer.user.notifications.filter(title__contains="负责人").exists()


def test_liaison_must_be_a_member_and_can_be_cleared(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    admin = org_admin_at(tree.town_a)
    with pytest.raises(NotAMember):
        team_set_liaison(actor=admin, team=team, volunteer_id=member_of(TeamFactory(org=tree.town_a)).pk)
    volunteer = member_of(team)
    team_set_liaison(actor=admin, team=team, volunteer_id=volunteer.pk)
    team.refresh_from_db()
    assert team.liaison == volunteer
    team_set_liaison(actor=admin, team=team, volunteer_id=None)
    team.refresh_from_db()
    assert team.liaison is None


# ---- backbone --------------------------------------------------------------------------------


def test_backbone_keeps_the_given_order(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    a, b, c = (member_of(team) for _ in range(3))
    backbone_set(actor=org_admin_at(tree.town_a), team=team, volunteer_ids=[c.pk, a.pk, b.pk])
    assert list(Backbone.objects.filter(team=team).order_by("order").values_list("volunteer_id", flat=True)) == [
        c.pk,
        a.pk,
        b.pk,
    ]


@pytest.mark.parametrize("case", ["duplicate", "outsider", "leader"])
def test_bad_backbone_list_is_refused_and_keeps_the_old_one(tree: OrgTree, case: str) -> None:
    team = TeamFactory(org=tree.town_a)
    leader_login(team)
    team.refresh_from_db()
    a = member_of(team)
    BackboneFactory(team=team, volunteer=a, order=1)
    ids = {
        "duplicate": [a.pk, a.pk],
        "outsider": [a.pk, member_of(TeamFactory(org=tree.town_a)).pk],
        "leader": [team.leader_id, a.pk],
    }[case]
    with pytest.raises(ValidationFailed) as exc:
        backbone_set(actor=org_admin_at(tree.town_a), team=team, volunteer_ids=ids)
    assert "volunteers" in exc.value.errors
    assert list(Backbone.objects.filter(team=team).values_list("volunteer_id", flat=True)) == [a.pk]


# ---- deactivate ------------------------------------------------------------------------------


def test_deactivate_ends_memberships_and_refuses_pending_requests(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    member_of(team)
    request = JoinRequestFactory(team=team)
    team_deactivate(actor=org_admin_at(tree.town_a), team=team, reason="合并到城东支队")
    team.refresh_from_db()
    assert not team.is_active
    membership = Membership.objects.get(team=team)
    assert membership.left_at is not None
    assert "合并到城东支队" in membership.left_reason
    request.refresh_from_db()
    assert request.status == "rejected"
    assert AuditEntry.objects.filter(target_id=str(team.pk), after__is_active=False).exists()


def test_team_with_active_children_cannot_be_dissolved(tree: OrgTree) -> None:
    parent = TeamFactory(org=tree.county)
    TeamFactory(org=tree.town_a, parent=parent)
    with pytest.raises(TeamHasActiveChildren):
        team_deactivate(actor=org_admin_at(tree.county), team=parent)
    parent.refresh_from_db()
    assert parent.is_active


def test_dissolved_team_cannot_be_dissolved_again(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a, is_active=False)
    with pytest.raises(Conflict):
        team_deactivate(actor=org_admin_at(tree.town_a), team=team)


# ---- archive ---------------------------------------------------------------------------------


def test_document_upload_stores_file_with_title_and_audit(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    leader = leader_login(team)
    doc = team_document_upload(
        actor=leader, team=team, title="2026年第一季度活动记录", file=SimpleUploadedFile("q1.pdf", b"%PDF-1.4 q1")
    )
    assert doc.file.read() == b"%PDF-1.4 q1"
    assert doc.uploaded_by == leader
    assert AuditEntry.objects.filter(target_type="teams.teamdocument", target_id=str(doc.pk)).exists()


def test_document_without_title_or_with_empty_file_is_refused(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    with pytest.raises(ValidationFailed) as exc:
        team_document_upload(
            actor=org_admin_at(tree.town_a), team=team, title=" ", file=SimpleUploadedFile("x.pdf", b"")
        )
    assert set(exc.value.errors) == {"title", "file"}
    assert not TeamDocument.objects.exists()


def test_volunteer_cannot_upload_to_the_archive(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    with pytest.raises(PermissionDenied):
        team_document_upload(actor=UserFactory(), team=team, title="x", file=SimpleUploadedFile("x.pdf", b"1"))
