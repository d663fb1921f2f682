from __future__ import annotations

from typing import Any

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.tests.factories import OrgTree, role_user


@pytest.fixture
def tree(db: Any) -> OrgTree:
    return OrgTree()


@pytest.fixture
def sysadmin(db: Any) -> Any:
    return UserFactory(is_superuser=True)


@pytest.fixture
def county_admin(tree: OrgTree) -> Any:
    return role_user(role=Role.ORG_ADMIN, org=tree.county)


@pytest.fixture
def town_a_admin(tree: OrgTree) -> Any:
    return role_user(role=Role.ORG_ADMIN, org=tree.town_a)


@pytest.fixture
def town_b_admin(tree: OrgTree) -> Any:
    return role_user(role=Role.ORG_ADMIN, org=tree.town_b)
