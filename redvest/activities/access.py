"""Who sees, changes and organises activities (registered from ActivitiesConfig.ready())."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from redvest.activities.models import Activity
from redvest.core.errors import PermissionDenied
from redvest.core.policy import (
    Action,
    Grant,
    ResourceRules,
    Rows,
    can,
    can_administer,
    register_resource,
    roles_of,
)
from redvest.core.roles import ADMIN_ROLES, LEAD_ROLES, Role
from redvest.orgs.access import service_area_path

if TYPE_CHECKING:
    from redvest.orgs.models import OrgNode
    from redvest.teams.models import Team

ORGANISER_ROLES = ADMIN_ROLES | LEAD_ROLES


def activities_run_by(team_id: int) -> QuerySet[Any]:
    """Ids of the activities a team runs (a subquery)."""
    return Activity.teams.through.objects.filter(team_id=team_id).values("activity_id")


def _activity_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: a dispatcher looks up the activities of their service area; team leaders and
    liaisons view and change the activities their team runs."""
    if grant.role == Role.DISPATCHER:
        return rows.under(service_area_path(grant)) if action == "view" else None
    if grant.role in LEAD_ROLES:
        return Q(pk__in=activities_run_by(grant.team_id or 0))
    return None


def can_organise(user: Any) -> bool:
    """Whether to offer the organiser's links; each page and service still asks the policy itself."""
    return bool(roles_of(user) & ORGANISER_ROLES)


def require_can_organise(actor: Any, *, org: OrgNode, teams: Iterable[Team]) -> None:
    """Org admins organise anywhere in their subtree; a team leader or liaison organises activities
    their own team runs, held at the team's node or below it."""
    if can_administer(actor, org):
        return
    for team in teams:
        if can(actor, "change", team) and org.path.startswith(team.org.path):
            return
    raise PermissionDenied("只有组织管理员或本队负责人（联络员）可以组织该活动")


def register() -> None:
    register_resource(
        ResourceRules(
            name="activity",
            models=("activities.activity",),
            path="org__path",
            rule=_activity_rule,
            public_to=frozenset({Role.VOLUNTEER}),
        )
    )
