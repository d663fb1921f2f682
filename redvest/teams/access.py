"""Who sees and changes teams and brand projects, and the roles a team's roster gives: its leader and
liaison hold those roles at the team's node (registered from TeamsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from redvest.core.policy import Action, Grant, ResourceRules, Rows, can, register_resource, register_role_source
from redvest.core.roles import LEAD_ROLES, Role
from redvest.orgs.access import service_area_path
from redvest.teams.models import Membership, Team


def led_team_grants(user: Any, earlier: list[Grant]) -> list[Grant]:
    """Team leader or liaison of the active teams the user's volunteer record leads or liaises (one query,
    none for a user with no volunteer record)."""
    volunteer_id = next((g.volunteer_id for g in earlier if g.role == Role.VOLUNTEER and g.volunteer_id), None)
    if volunteer_id is None:
        return []
    teams = (
        Team.objects.filter(Q(leader_id=volunteer_id) | Q(liaison_id=volunteer_id), is_active=True)
        .select_related("org")
        .only("id", "leader_id", "liaison_id", "org__path", "org_id")
    )
    return [
        Grant(
            role=Role.TEAM_LEADER if team.leader_id == volunteer_id else Role.TEAM_LIAISON,
            path=team.org.path,
            org_id=team.org_id,
            team_id=team.id,
        )
        for team in teams
    ]


def current_members(team_id: int) -> QuerySet[Any]:
    """Ids of a team's current members (a subquery)."""
    return Membership.objects.filter(team_id=team_id, left_at__isnull=True).values("volunteer_id")


def _team_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: a dispatcher looks up the teams of their service area; a leader or liaison views
    and changes their own team."""
    if grant.role == Role.DISPATCHER:
        return rows.under(service_area_path(grant)) if action == "view" else None
    if grant.role in LEAD_ROLES:
        return Q(pk=grant.team_id or 0)
    return None


def _announcement_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """群公告 below org admin: a team's leader and liaison view and post its notices; a volunteer views
    those of the teams they are a current member of."""
    if grant.role in LEAD_ROLES:
        return Q(team_id=grant.team_id or 0)
    if grant.role == Role.VOLUNTEER and action == "view":
        teams = Membership.objects.filter(volunteer_id=grant.volunteer_id or 0, left_at__isnull=True)
        return Q(team_id__in=teams.values("team_id"))
    return None


def can_post_announcement(user: Any, team: Any) -> bool:
    """Post or revise a team's notice: whoever may change the team (its leader and liaison, admins over it)."""
    return can(user, "change", team)


def register() -> None:
    # After the volunteers' source: a team's roles come from the volunteer record it found.
    register_role_source(led_team_grants, order=20)
    register_resource(
        ResourceRules(
            name="team",
            models=("teams.team",),
            path="org__path",
            rule=_team_rule,
            public_to=frozenset({Role.VOLUNTEER}),
        )
    )
    register_resource(
        ResourceRules(
            name="brand", models=("teams.brandproject",), path="owner__path", public_to=frozenset({Role.VOLUNTEER})
        )
    )
    register_resource(
        ResourceRules(
            name="team_announcement",
            models=("teams.teamannouncement",),
            path="team__org__path",
            rule=_announcement_rule,
        )
    )
