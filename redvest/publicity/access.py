"""Who sees and changes commitments, exemplars and training sessions, and who publishes an exemplar
(registered from PublicityConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, can_administer, register_resource
from redvest.core.roles import LEAD_ROLES, Role
from redvest.publicity.models import Exemplar
from redvest.teams.access import current_members


def _publicity_rule(resource: str) -> Rule:
    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Publicity below org admin. A volunteer views and changes their own commitments and views
        published exemplars and every training session (a public directory); team leaders and liaisons
        view their current members' commitments."""
        if grant.role == Role.VOLUNTEER:
            if resource == "commitment":
                return Q(volunteer_id=grant.volunteer_id or 0)
            if action != "view":
                return None
            return Q(status="published") if resource == "exemplar" else Q()
        if grant.role in LEAD_ROLES and resource == "commitment" and action == "view":
            return Q(volunteer_id__in=current_members(grant.team_id or 0))
        return None

    return rule


def may_publish(*, user: Any, exemplar: Exemplar) -> bool:
    """Publishing an exemplar: administrators over its node."""
    return can_administer(user, exemplar.org)


def register() -> None:
    declared = [
        ("commitment", "publicity.commitment", "volunteer__org__path"),
        ("exemplar", "publicity.exemplar", "org__path"),
        ("training_session", "publicity.trainingsession", "org__path"),
    ]
    for name, label, path in declared:
        register_resource(ResourceRules(name=name, models=(label,), path=path, rule=_publicity_rule(name)))
