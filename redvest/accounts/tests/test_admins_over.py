"""`admins_over`: the one query for "the org admins above this node", used by every notice that goes to
the people answering for a node (registrations, deregistrations, disputes, correction proposals, points
reviews, care visits overdue, quarterly report reviews)."""

from __future__ import annotations

from typing import Any

import pytest

from redvest.accounts.models import Role
from redvest.accounts.selectors import admins_over
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.orgs.tests.factories import OrgTree, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _pks(users: list[Any]) -> list[int]:
    return [u.pk for u in users]


def test_admins_at_and_above_the_node_lowest_level_first(tree: OrgTree, django_assert_num_queries: Any) -> None:
    county = role_user(role=Role.ORG_ADMIN, org=tree.county)
    town = role_user(role=Role.ORG_ADMIN, org=tree.town_a)
    community = role_user(role=Role.ORG_ADMIN, org=tree.community_a)
    role_user(role=Role.ORG_ADMIN, org=tree.town_b)  # a sibling's admin
    role_user(role=Role.DISPATCHER, org=tree.county)  # another role
    with django_assert_num_queries(1):
        found = admins_over(tree.community_a)
    assert _pks(found) == [community.pk, town.pk, county.pk]
    assert _pks(admins_over(tree.town_a)) == [town.pk, county.pk]  # not the admins below


def test_strictly_leaves_out_the_nodes_own_admins(tree: OrgTree) -> None:
    county = role_user(role=Role.ORG_ADMIN, org=tree.county)
    role_user(role=Role.ORG_ADMIN, org=tree.town_a)
    assert _pks(admins_over(tree.town_a, strictly=True)) == [county.pk]
    assert admins_over(tree.county, strictly=True) == []


def test_nearest_keeps_the_lowest_level_that_has_admins(tree: OrgTree) -> None:
    role_user(role=Role.ORG_ADMIN, org=tree.county)
    town = role_user(role=Role.ORG_ADMIN, org=tree.town_a)
    assert _pks(admins_over(tree.community_a, nearest=True)) == [town.pk]
    assert _pks(admins_over(tree.community_a.path, strictly=True, nearest=True)) == [town.pk]


def test_deactivated_admins_are_left_out_and_the_next_level_answers(tree: OrgTree) -> None:
    county = role_user(role=Role.ORG_ADMIN, org=tree.county)
    role_user(role=Role.ORG_ADMIN, org=tree.town_a, is_active=False)
    assert _pks(admins_over(tree.town_a)) == [county.pk]
    assert _pks(admins_over(tree.town_a, nearest=True)) == [county.pk]


def test_an_admin_at_two_levels_is_listed_once(tree: OrgTree) -> None:
    admin = role_user(role=Role.ORG_ADMIN, org=tree.county)
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=tree.town_a)
    assert _pks(admins_over(tree.community_a)) == [admin.pk]
