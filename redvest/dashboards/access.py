"""Who opens which dashboard, and who sees an Excel export (registered from DashboardsConfig.ready())."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q

from redvest.core.policy import Action, Grant, ResourceRules, Rows, can_administer, grants_for, register_resource
from redvest.core.roles import Role
from redvest.orgs.access import service_area_path

Access = Literal["full", "requests"]


def dashboard_access(user: Any, node: Any) -> Access | None:
    """Administrators of the node's subtree see every panel; dispatchers whose service area holds it see
    the requests and SLA panel; nobody else opens it."""
    if can_administer(user, node):
        return "full"
    for grant in grants_for(user):
        if grant.role == Role.DISPATCHER and node.path.startswith(service_area_path(grant)):
            return "requests"
    return None


def _data_export_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Exports: whoever requested one sees it (an admin role lost since, or an export asked for from a
    page without an org, or above the requester's own subtree — its rows were scoped to theirs); org
    admins also see those of their subtree."""
    own = Q(created_by_id=grant.user_id) if action == "view" and grant.user_id else None
    if grant.role == Role.ORG_ADMIN:
        return rows.subtree | own if own is not None else rows.subtree
    return own


def register() -> None:
    register_resource(
        ResourceRules(
            name="data_export",
            models=("dashboards.dataexport",),
            path="org__path",  # the exported subtree
            rule=_data_export_rule,
            admins_subtree=False,  # the rule adds their own exports to their subtree's
        )
    )
