"""Who sees and changes the volunteer ledger, and the role a volunteer record gives its user: volunteer
at the record's node (registered from VolunteersConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.policy import (
    Action,
    Grant,
    ResourceRules,
    Rows,
    can_view_sensitive,
    grants_for,
    register_resource,
    register_role_source,
    register_sensitive,
)
from redvest.core.roles import ADMIN_ROLES, LEAD_ROLES, Role
from redvest.orgs.access import service_area_path
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers import hooks
from redvest.volunteers.models import Volunteer, VolunteerStatus


def volunteer_grants(user: Any, earlier: list[Grant]) -> list[Grant]:
    """The user's volunteer record (unless deregistered) makes them a volunteer at its node (one query)."""
    volunteer = (
        Volunteer.objects.filter(user=user)
        .exclude(status=VolunteerStatus.DEREGISTERED)
        .select_related("org")
        .only("id", "org__path", "org_id")
        .first()
    )
    if volunteer is None:
        return []
    return [
        Grant(
            role=Role.VOLUNTEER,
            path=volunteer.org.path,
            org_id=volunteer.org_id,
            volunteer_id=volunteer.id,
            user_id=user.pk,
        )
    ]


def _volunteer_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: a dispatcher looks up the people of their service area; team leaders and liaisons
    view their team's current members (the teams app's subquery, `volunteers.hooks`); a volunteer views and changes their own record."""
    if grant.role == Role.DISPATCHER:
        return rows.under(service_area_path(grant)) if action == "view" else None
    if grant.role in LEAD_ROLES:
        return Q(pk__in=hooks.one(hooks.current_member_ids(grant.team_id or 0))) if action == "view" else None
    if grant.role == Role.VOLUNTEER:
        return Q(pk=grant.volunteer_id)
    return None


def transfer_visible_q(user: Any) -> Q:
    """转移接续 a user sees: those of their own volunteer record, and, for admins, those leaving or entering
    their subtree (sending and receiving side). An unrelated admin sees none."""
    q = Q(volunteer__user_id=user.pk)
    for grant in grants_for(user):
        if grant.role in ADMIN_ROLES:
            q |= in_subtree_q("from_org__path", grant.path) | in_subtree_q("to_org__path", grant.path)
    return q


def transfer_receivable_q(user: Any) -> Q:
    """Pending-decision side: transfers entering a subtree the user administers (nothing for others)."""
    q = Q(pk__in=[])
    for grant in grants_for(user):
        if grant.role in ADMIN_ROLES:
            q |= in_subtree_q("to_org__path", grant.path)
    return q


def export_sensitive_allowed(*, user: Any, org: OrgNode | None) -> bool:
    """Full values in an export only when the user may see them across the whole exported subtree."""
    return org is not None and can_view_sensitive(user, org)


def register() -> None:
    register_role_source(volunteer_grants, order=10)
    register_resource(
        ResourceRules(name="volunteer", models=("volunteers.volunteer",), path="org__path", rule=_volunteer_rule)
    )
    register_sensitive("volunteers.volunteer", lambda volunteer: volunteer.org.path)
