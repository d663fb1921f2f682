"""Who sees 联系户 and their contact log (registered from HouseholdsConfig.ready()): org admins their
subtree (the engine's default), the linked volunteer their own households, a team's leader and liaison
the team's; those same people log contacts. Creating, editing and reassigning is for administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, can, can_administer, register_resource
from redvest.core.roles import LEAD_ROLES, Role


def _linked_q(grant: Grant, prefix: str) -> Q | None:
    """The households a volunteer, team leader or liaison looks after (None for other roles)."""
    if grant.role == Role.VOLUNTEER:
        return Q(**{f"{prefix}volunteer_id": grant.volunteer_id or 0})
    if grant.role in LEAD_ROLES:
        return Q(**{f"{prefix}team_id": grant.team_id or 0})
    return None


def _rule(resource: str) -> Rule:
    prefix = "" if resource == "household" else "household__"

    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Below org admin: the liaison views the household (changing it is the admins'); the contact log
        is viewed and appended to by the liaison."""
        linked = _linked_q(grant, prefix)
        if linked is None:
            return None
        if resource == "household" and action != "view":
            return None
        return linked

    return rule


def can_log_contact(user: Any, household: Any) -> bool:
    """Log a contact: administrators over the household and its volunteer or team (who alone see it)."""
    return can(user, "view", household)


def can_edit_household(user: Any, org: Any) -> bool:
    """Register, edit or reassign a household: administrators over its village/community."""
    return can_administer(user, org)


def register() -> None:
    register_resource(
        ResourceRules(name="household", models=("households.household",), path="org__path", rule=_rule("household"))
    )
    register_resource(
        ResourceRules(
            name="household_contact",
            models=("households.householdcontact",),
            path="household__org__path",
            rule=_rule("household_contact"),
        )
    )
