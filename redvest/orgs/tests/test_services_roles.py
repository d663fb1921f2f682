from __future__ import annotations

from typing import Any

import pytest

from redvest.accounts.backends import UsernameOrPhoneBackend
from redvest.accounts.models import Role, RoleAssignment, User
from redvest.accounts.services import NewAccount, node_role_grant, role_revoke, user_create
from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from redvest.orgs.tests.factories import OrgTree, role_user, station_node

pytestmark = pytest.mark.django_db

NEW = NewAccount(username="zhang-dispatch", name="张调度", phone="13900001111", password="Redvest-2026-safe")


def test_admin_grants_role_to_existing_user_by_username(tree: OrgTree, town_a_admin: Any) -> None:
    user = UserFactory(username="liwei")
    assignment = node_role_grant(actor=town_a_admin, org=tree.community_a, role=Role.DISPATCHER, account="liwei")
    assert (assignment.user, assignment.org, assignment.role) == (user, tree.community_a, Role.DISPATCHER)
    assert AuditEntry.objects.filter(target_type="accounts.roleassignment", action="create").exists()


def test_admin_grants_role_to_existing_user_by_phone(tree: OrgTree, town_a_admin: Any) -> None:
    user = user_create(username="wangfang", password=None, phone="13812345678")
    assignment = node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.MERCHANT, account="138 1234 5678")
    assert assignment.user == user


def test_admin_grants_role_to_a_new_account_who_can_log_in(tree: OrgTree, town_a_admin: Any) -> None:
    assignment = node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, new_account=NEW)
    user = assignment.user
    assert (user.username, user.name, user.phone) == ("zhang-dispatch", "张调度", "13900001111")
    assert AuditEntry.objects.filter(target_type="accounts.user", target_id=str(user.pk), action="create").exists()
    assert UsernameOrPhoneBackend().authenticate(None, username="13900001111", password=NEW.password) == user


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewAccount(username="", name="张", phone="13900001111", password="Redvest-2026-safe"), "new_username"),
        (NewAccount(username="ok-name", name="", phone="13900001111", password="Redvest-2026-safe"), "new_name"),
        (NewAccount(username="ok-name", name="张", phone="12345", password="Redvest-2026-safe"), "new_phone"),
        (NewAccount(username="ok-name", name="张", phone="13900001111", password="123"), "new_password"),
        (NewAccount(username="ok-name", name="张", phone="13900001111", password=""), "new_password"),
    ],
)
def test_bad_new_account_is_refused_and_writes_nothing(
    tree: OrgTree, town_a_admin: Any, new: NewAccount, field: str
) -> None:
    users = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, new_account=new)
    assert field in exc.value.errors
    assert User.objects.count() == users
    assert not RoleAssignment.objects.filter(role=Role.DISPATCHER).exists()


def test_taken_username_for_new_account_names_the_field(tree: OrgTree, town_a_admin: Any) -> None:
    UserFactory(username="zhang-dispatch")
    with pytest.raises(ValidationFailed) as exc:
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, new_account=NEW)
    assert exc.value.errors == {"new_username": "用户名已被使用"}


def test_unknown_account_is_refused(tree: OrgTree, town_a_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, account="nobody")
    assert "没有找到" in exc.value.errors["account"]


def test_both_or_neither_account_choice_is_refused(tree: OrgTree, town_a_admin: Any) -> None:
    with pytest.raises(ValidationFailed):
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER)
    with pytest.raises(ValidationFailed):
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, account="x", new_account=NEW)


def test_derived_roles_cannot_be_granted(tree: OrgTree, town_a_admin: Any) -> None:
    UserFactory(username="liwei")
    with pytest.raises(ValidationFailed) as exc:
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.TEAM_LEADER, account="liwei")
    assert "role" in exc.value.errors


def test_same_role_twice_is_a_conflict(tree: OrgTree, town_a_admin: Any) -> None:
    UserFactory(username="liwei")
    node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, account="liwei")
    with pytest.raises(Conflict):
        node_role_grant(actor=town_a_admin, org=tree.town_a, role=Role.DISPATCHER, account="liwei")


def test_town_a_admin_cannot_grant_in_town_b(tree: OrgTree, town_a_admin: Any) -> None:
    UserFactory(username="liwei")
    with pytest.raises(PermissionDenied):
        node_role_grant(actor=town_a_admin, org=tree.town_b, role=Role.DISPATCHER, account="liwei")


def test_station_keeper_cannot_grant_roles_at_own_station(tree: OrgTree) -> None:
    station = station_node(parent=tree.community_a)
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    with pytest.raises(PermissionDenied):
        node_role_grant(actor=keeper, org=station.node, role=Role.ORG_ADMIN, account=keeper.username)
    assert not RoleAssignment.objects.filter(role=Role.ORG_ADMIN, user=keeper).exists()


def test_only_system_admin_grants_system_admin(tree: OrgTree, county_admin: Any, sysadmin: Any) -> None:
    target = UserFactory(username="root2")
    with pytest.raises(PermissionDenied):
        node_role_grant(actor=county_admin, org=tree.county, role=Role.SYSTEM_ADMIN, account="root2")
    node_role_grant(actor=sysadmin, org=tree.county, role=Role.SYSTEM_ADMIN, account="root2")
    assert RoleAssignment.objects.filter(user=target, role=Role.SYSTEM_ADMIN).exists()


def test_new_account_is_rolled_back_when_grant_is_refused(tree: OrgTree, county_admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        node_role_grant(actor=county_admin, org=tree.county, role=Role.SYSTEM_ADMIN, new_account=NEW)
    assert not User.objects.filter(username=NEW.username).exists()


def test_admin_revokes_role_with_audit(tree: OrgTree, town_a_admin: Any) -> None:
    holder = role_user(role=Role.DISPATCHER, org=tree.community_a)
    assignment = RoleAssignment.objects.get(user=holder)
    role_revoke(actor=town_a_admin, assignment_id=assignment.pk, org=tree.community_a)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    entry = AuditEntry.objects.get(target_type="accounts.roleassignment", action="delete")
    assert entry.before == {"role": Role.DISPATCHER, "user": holder.username}


def test_admin_cannot_revoke_own_role(tree: OrgTree, town_a_admin: Any) -> None:
    own = RoleAssignment.objects.get(user=town_a_admin)
    with pytest.raises(Conflict):
        role_revoke(actor=town_a_admin, assignment_id=own.pk, org=tree.town_a)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_other_town_admin_cannot_revoke(tree: OrgTree, town_b_admin: Any) -> None:
    holder = role_user(role=Role.DISPATCHER, org=tree.town_a)
    assignment = RoleAssignment.objects.get(user=holder)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=town_b_admin, assignment_id=assignment.pk, org=tree.town_a)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoking_through_the_wrong_node_is_not_found(tree: OrgTree, county_admin: Any) -> None:
    holder = role_user(role=Role.DISPATCHER, org=tree.town_a)
    assignment = RoleAssignment.objects.get(user=holder)
    with pytest.raises(NotFound):
        role_revoke(actor=county_admin, assignment_id=assignment.pk, org=tree.town_b)
