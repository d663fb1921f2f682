"""What teams adds to the volunteer ledger: registered on `redvest.volunteers.hooks` from TeamsConfig.ready()
(volunteers sits below teams and does not import it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from redvest.accounts import policy
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.access import current_members
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.teams.services import (
    membership_assign_org_team,
    membership_leave_all,
    memberships_create_org_bulk,
)
from redvest.volunteers import hooks
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User


def assign_on_registration(actor: User | None, volunteer: Volunteer, team: Team) -> None:
    membership_assign_org_team(actor=actor, volunteer=volunteer, team=team, reason="登记时加入")


def assign_imported(actor: User | None, volunteers: list[Volunteer], team_ids: list[int], reason: str) -> None:
    memberships_create_org_bulk(actor=actor, volunteers=volunteers, team_ids=team_ids, reason=reason)


def leave_on_deregistration(actor: User | None, volunteer: Volunteer, reason: str) -> None:
    membership_leave_all(actor=actor, volunteer=volunteer, reason=f"志愿者注销：{reason}")


def leave_on_transfer(actor: User | None, volunteer: Volunteer, reason: str) -> None:
    """Memberships of teams outside the volunteer's new org subtree end (history kept)."""
    membership_leave_all(actor=actor, volunteer=volunteer, reason=f"转移接续：{reason}", keep_under=volunteer.org.path)


def _current_org() -> QuerySet[Membership]:
    return Membership.objects.filter(kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True).select_related("team")


def org_team_prefetch() -> Prefetch[Any]:
    return Prefetch("memberships", queryset=_current_org(), to_attr="current_org_memberships")


def org_team_of(volunteer: Volunteer) -> Team | None:
    row = _current_org().filter(volunteer=volunteer).first()
    return row.team if row else None


def org_team_name() -> Subquery:
    # At most one current organisational membership per volunteer (a unique partial index it reads by).
    return Subquery(_current_org().filter(volunteer=OuterRef("pk")).values("team__name")[:1])


def current_memberships(volunteer: Volunteer) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(volunteer=volunteer, left_at__isnull=True)
        .select_related("team", "team__org")
        .order_by("-kind", "joined_at")
    )


def membership_history(volunteer: Volunteer) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(volunteer=volunteer).select_related("team", "team__org").order_by("joined_at", "id")
    )


def public_team_choices() -> QuerySet[Team]:
    return Team.objects.filter(is_active=True).select_related("org").order_by("org__path", "name")


def team_choices(user: User, org: OrgNode | None) -> QuerySet[Team]:
    qs = public_team_choices()
    if org is not None:
        qs = qs.filter(in_subtree_q("org__path", org.path))
    return policy.scope(user, "team", qs, "change")


def team_get(pk: int) -> Team | None:
    return Team.objects.select_related("org").filter(pk=pk).first()


def import_teams(root: OrgNode) -> list[tuple[int, str, str]]:
    teams = Team.objects.filter(in_subtree_q("org__path", root.path), is_active=True)
    return list(teams.values_list("id", "name", "org__path"))


def register() -> None:
    hooks.volunteer_registered.register(assign_on_registration)
    hooks.volunteers_imported.register(assign_imported)
    hooks.volunteer_deregistered.register(leave_on_deregistration)
    hooks.volunteer_transferred.register(leave_on_transfer)
    hooks.org_team_prefetch.register(org_team_prefetch)
    hooks.org_team_of.register(org_team_of)
    hooks.org_team_name.register(org_team_name)
    hooks.current_member_ids.register(current_members)
    hooks.current_memberships.register(current_memberships)
    hooks.membership_history.register(membership_history)
    hooks.team_choices.register(team_choices)
    hooks.public_team_choices.register(public_team_choices)
    hooks.team_get.register(team_get)
    hooks.import_teams.register(import_teams)
