"""The access engine's own behaviour: resources declared once, grants from the registered role sources
(with their query counts), sensitive data only for registered models."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.core.policy import ResourceRules, can_view_sensitive, grants_for, register_resource, resources, roles_of
from redvest.orgs.models import Station
from redvest.orgs.tests.factories import OrgTree


def test_a_resource_is_declared_by_one_app_only() -> None:
    known = resources()["activity"]
    register_resource(known)  # the same declaration again (a second ready()) changes nothing
    with pytest.raises(ValueError, match="already declared"):
        register_resource(ResourceRules(name="activity", models=known.models, path="org__path"))
    with pytest.raises(ValueError, match="already belongs"):
        register_resource(ResourceRules(name="another_activity", models=known.models, path="org__path"))
    assert "another_activity" not in resources()


def test_sensitive_data_only_for_registered_models() -> None:
    superuser = User(username="root", is_superuser=True)
    assert not can_view_sensitive(superuser, Station(address="站点"))


@pytest.mark.django_db
def test_assigned_roles_take_two_queries_and_are_cached(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.DISPATCHER, org=tree.town_a)
    with django_assert_num_queries(2):  # role assignments; no volunteer record (no team query)
        assert roles_of(user) == {Role.DISPATCHER}
    with django_assert_num_queries(0):
        grants_for(user)
