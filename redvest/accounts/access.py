"""Accounts' part of the access rules: the roles a user is explicitly assigned at an org node (system
admin, org admin, dispatcher, station keeper, merchant, resident), and the superuser flag. Registered
from AccountsConfig.ready(); accounts owns no resource."""

from __future__ import annotations

from typing import Any

from redvest.accounts.models import Role, RoleAssignment
from redvest.core.policy import Grant, register_role_source


def assigned_grants(user: Any, earlier: list[Grant]) -> list[Grant]:
    """The user's role assignments, each at its node (one query); a superuser is a system admin."""
    grants = [
        Grant(role=a.role, path=a.org.path, org_id=a.org_id, user_id=a.user_id, org_kind=a.org.kind)
        for a in RoleAssignment.objects.filter(user=user).select_related("org")
    ]
    if user.is_superuser and not any(g.role == Role.SYSTEM_ADMIN for g in grants):
        grants.append(Grant(role=Role.SYSTEM_ADMIN, path="", org_id=0))
    return grants


def register() -> None:
    register_role_source(assigned_grants, order=0)
