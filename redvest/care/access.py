"""Who sees people in need, their pairings and visits, who reads their health data, logs a visit or sets
the visit cadence (registered from CareConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.care.models import CarePairing
from redvest.core.policy import (
    Action,
    Grant,
    ResourceRules,
    Rows,
    Rule,
    grants_for,
    is_system_admin,
    register_resource,
)
from redvest.core.roles import LEAD_ROLES, Role
from redvest.orgs.access import service_area_path
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q


def _paired_q(grant: Grant) -> Q | None:
    """The active pairings a volunteer, team leader or liaison holds (None for other roles)."""
    if grant.role == Role.VOLUNTEER:
        return Q(volunteer_id=grant.volunteer_id or 0, status="active")
    if grant.role in LEAD_ROLES:
        return Q(team_id=grant.team_id or 0, status="active")
    return None


def _care_rule(resource: str) -> Rule:
    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Care pairing below org admin. The paired volunteer, team leader or liaison of an active pairing
        views the recipient and the pairing and views and logs visits; a dispatcher views the recipients
        in their service area (never health data: `can_view_care_health`); nobody else sees anything."""
        if grant.role == Role.DISPATCHER:
            if resource == "care_recipient" and action == "view":
                return in_subtree_q("org__path", service_area_path(grant))
            return None
        paired = _paired_q(grant)
        if paired is None:
            return None
        if resource == "care_pairing":
            return paired if action == "view" else None
        recipients = CarePairing.objects.filter(paired).values("recipient_id")
        if resource == "care_recipient":
            return Q(pk__in=recipients) if action == "view" else None
        return Q(recipient_id__in=recipients)  # care_visit: view, and log new ones

    return rule


def can_view_care_health(user: Any, recipient: Any) -> bool:
    """Health and disability details of a person in need: system admins, org admins over the
    recipient's subtree, and the volunteer, team leader or liaison of one of its active pairings."""
    path = recipient.org.path
    paired: Q | None = None
    for grant in grants_for(user):
        if grant.role == Role.SYSTEM_ADMIN or (grant.role == Role.ORG_ADMIN and path.startswith(grant.path)):
            return True
        q = _paired_q(grant)
        if q is not None:
            paired = q if paired is None else paired | q
    if paired is None or recipient.pk is None:
        return False
    return CarePairing.objects.filter(paired, recipient_id=recipient.pk).exists()


def can_log_care_visit(user: Any, recipient: Any) -> bool:
    """Log a visit: administrators over the recipient, and whoever holds one of its active pairings."""
    return can_view_care_health(user, recipient)  # the same people: admins over it and its active partners


def may_set_cadence(user: Any) -> bool:
    """The cadence table is county-wide: system admins and org admins of a top-level node."""
    return is_system_admin(user) or any(
        g.role == Role.ORG_ADMIN and len(g.path) == OrgNode.steplen for g in grants_for(user)
    )


def register() -> None:
    declared = [
        ("care_recipient", "care.carerecipient", "org__path"),  # a person in need hangs off their village/community
        ("care_pairing", "care.carepairing", "recipient__org__path"),
        ("care_visit", "care.carevisit", "recipient__org__path"),
    ]
    for name, label, path in declared:
        register_resource(ResourceRules(name=name, models=(label,), path=path, rule=_care_rule(name)))
