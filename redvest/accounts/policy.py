"""The one place that decides who may see and change what.

Every view, API handler and export asks this module: `scope()` narrows a queryset to what the
user may see, `can()` answers for one object, `require()` raises PermissionDenied.

A user's grants come from explicit role assignments (system admin, org admin, dispatcher, station
keeper, merchant, resident, each bound to an org node) and from the rosters themselves: the user's
volunteer record makes them a volunteer at its org node; leading or liaising a team makes them
team leader or liaison of that team at the team's node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Model, Q, QuerySet

from redvest.accounts.models import Role, RoleAssignment
from redvest.core.errors import PermissionDenied

Action = Literal["view", "change"]
Resource = Literal[
    "org",
    "station",
    "volunteer",
    "team",
    "brand",
    "audit",
    "activity",
    "record",
    "certificate",
    "points_account",
    "earning_rule",
    "points_claim",
    "reward",
    "merchant",
    "redemption",
    "pioneer_index",
]

# The path of the org node each resource hangs off, as a lookup from the resource's model.
PATH_LOOKUP: dict[str, str] = {
    "org": "path",
    "station": "node__path",
    "volunteer": "org__path",
    "team": "org__path",
    "brand": "owner__path",
    "audit": "org__path",
    "activity": "org__path",
    "record": "volunteer__org__path",
    "certificate": "volunteer__org__path",
    "points_account": "volunteer__org__path",  # a volunteer's points account (banks and funds: can_manage_bank)
    "earning_rule": "org__path",
    "points_claim": "volunteer__org__path",
    "reward": "org__path",  # the bank counter's or the merchant's node
    "merchant": "org__path",
    "redemption": "item__org__path",  # where it is picked up
    "pioneer_index": "volunteer__org__path",  # manual bonus/deduction entries
}

# Resources any signed-in user may look up everywhere: the public directory of the network.
PUBLIC_DIRECTORY: dict[str, frozenset[str]] = {
    Role.VOLUNTEER: frozenset({"org", "station", "team", "brand", "activity", "reward", "merchant", "earning_rule"}),
    Role.RESIDENT: frozenset({"station"}),
    Role.MERCHANT: frozenset({"station", "reward"}),
}


@dataclass(frozen=True)
class Grant:
    role: str
    path: str
    org_id: int
    team_id: int | None = None
    volunteer_id: int | None = None
    user_id: int | None = None  # the holder, for rows tied to a person (a merchant's own shop, a reporter's claims)


def grants_for(user: Any) -> list[Grant]:
    """All grants of a user, computed once per request object (at most three queries)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_redvest_grants", None)
    if cached is not None:
        return cached
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    grants = [
        Grant(role=a.role, path=a.org.path, org_id=a.org_id, user_id=a.user_id)
        for a in RoleAssignment.objects.filter(user=user).select_related("org")
    ]
    if user.is_superuser and not any(g.role == Role.SYSTEM_ADMIN for g in grants):
        grants.append(Grant(role=Role.SYSTEM_ADMIN, path="", org_id=0))
    volunteer = (
        Volunteer.objects.filter(user=user)
        .exclude(status=VolunteerStatus.DEREGISTERED)
        .select_related("org")
        .only("id", "org__path", "org_id")
        .first()
    )
    if volunteer is not None:
        grants.append(
            Grant(
                role=Role.VOLUNTEER,
                path=volunteer.org.path,
                org_id=volunteer.org_id,
                volunteer_id=volunteer.id,
                user_id=user.pk,
            )
        )
        teams = (
            Team.objects.filter(Q(leader=volunteer) | Q(liaison=volunteer), is_active=True)
            .select_related("org")
            .only("id", "leader_id", "liaison_id", "org__path", "org_id")
        )
        for team in teams:
            role = Role.TEAM_LEADER if team.leader_id == volunteer.id else Role.TEAM_LIAISON
            grants.append(Grant(role=role, path=team.org.path, org_id=team.org_id, team_id=team.id))
    user._redvest_grants = grants
    return grants


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants_for(user)}


def is_system_admin(user: Any) -> bool:
    return Role.SYSTEM_ADMIN in roles_of(user)


def _grant_q(grant: Grant, resource: str, action: Action) -> Q | None:
    """The rows one grant opens for an action on a resource; None when it opens nothing."""
    path = PATH_LOOKUP[resource]
    subtree = Q(**{f"{path}__startswith": grant.path})
    own = Q(**{path: grant.path})
    role = grant.role
    if resource == "audit" and action == "change":
        return None  # the log is append-only for everyone
    if role == Role.SYSTEM_ADMIN:
        return Q()
    if action == "view" and resource in PUBLIC_DIRECTORY.get(role, frozenset()):
        return Q()
    if role == Role.ORG_ADMIN:
        return subtree
    if resource in POINTS_RESOURCES:
        return _points_grant_q(grant, resource, action, own=own, subtree=subtree)
    if role == Role.DISPATCHER:
        return subtree if action == "view" and resource in {"org", "station", "team", "volunteer", "activity"} else None
    if role == Role.STATION_KEEPER:
        if resource in {"org", "station"}:
            return subtree if action == "view" else own
        return None
    if role in {Role.TEAM_LEADER, Role.TEAM_LIAISON}:
        team_id = grant.team_id or 0
        if resource == "team":
            return Q(pk=team_id)
        if resource == "volunteer":
            from redvest.teams.models import Membership

            members = Membership.objects.filter(team_id=team_id, left_at__isnull=True).values("volunteer_id")
            return Q(pk__in=members) if action == "view" else None
        if resource in {"activity", "record"}:
            from redvest.activities.models import Activity

            run_by_team = Activity.teams.through.objects.filter(team_id=team_id).values("activity_id")
            return Q(pk__in=run_by_team) if resource == "activity" else Q(activity_id__in=run_by_team)
        if resource == "org" and action == "view":
            return own
        return None
    if role == Role.VOLUNTEER:
        if resource == "volunteer":
            return Q(pk=grant.volunteer_id)
        if resource == "certificate" or (resource == "record" and action == "view"):
            return Q(volunteer_id=grant.volunteer_id)
        return None
    return None


POINTS_RESOURCES = frozenset(
    {"points_account", "earning_rule", "points_claim", "reward", "merchant", "redemption", "pioneer_index"}
)


def _points_grant_q(grant: Grant, resource: str, action: Action, *, own: Q, subtree: Q) -> Q | None:
    """Points resources below org admin. A volunteer sees their own account, claims, redemptions and
    index entries and spends from their own account; a station keeper runs the bank counter of their
    own station; a merchant runs their own shop at the node they were approved at; whoever reported a
    good deed can follow it."""
    role = grant.role
    reported_by_me = Q(reporter_id=grant.user_id)
    if role == Role.VOLUNTEER:
        mine = Q(volunteer_id=grant.volunteer_id)
        if resource == "points_account":
            return mine
        if resource == "points_claim" and action == "view":
            return mine | reported_by_me
        return mine if action == "view" and resource in {"redemption", "pioneer_index"} else None
    if role == Role.STATION_KEEPER:
        if resource == "reward":
            return subtree if action == "view" else own & Q(merchant__isnull=True)
        if resource == "redemption":
            return own & Q(item__merchant__isnull=True)  # the bank counter, not a merchant at the same node
        return reported_by_me if resource == "points_claim" and action == "view" else None
    if role == Role.MERCHANT:
        operator = {
            "merchant": "operator_id",
            "reward": "merchant__operator_id",
            "redemption": "item__merchant__operator_id",
        }
        if resource in operator:
            return own & Q(**{operator[resource]: grant.user_id})
        return None
    if role == Role.RESIDENT:
        return reported_by_me if resource == "points_claim" and action == "view" else None
    return None


def scope(user: Any, resource: Resource, qs: QuerySet[Any], action: Action = "view") -> QuerySet[Any]:
    """Narrow `qs` to the rows the user may see (or change)."""
    combined: Q | None = None
    for grant in grants_for(user):
        q = _grant_q(grant, resource, action)
        if q is None:
            continue
        if not q.children:  # unrestricted
            return qs
        combined = q if combined is None else combined | q
    if combined is None:
        return qs.none()
    return qs.filter(combined)


def _resource_of(obj: Model) -> Resource:
    label = obj._meta.label_lower
    return {
        "orgs.orgnode": "org",
        "orgs.station": "station",
        "volunteers.volunteer": "volunteer",
        "teams.team": "team",
        "teams.brandproject": "brand",
        "audit.auditentry": "audit",
        "activities.activity": "activity",
        "records.servicerecord": "record",
        "records.certificate": "certificate",
        "points.pointsaccount": "points_account",
        "points.earningrule": "earning_rule",
        "points.pointsclaim": "points_claim",
        "points.rewarditem": "reward",
        "points.merchant": "merchant",
        "points.redemption": "redemption",
        "points.pioneerentry": "pioneer_index",
    }[label]  # type: ignore[return-value]


def can(user: Any, action: Action, obj: Model) -> bool:
    """May the user do `action` on this object? One query at most (the grants are cached)."""
    if obj.pk is None:
        return False
    resource = _resource_of(obj)
    return scope(user, resource, type(obj)._default_manager.filter(pk=obj.pk), action).exists()


def require(user: Any, action: Action, obj: Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied()


def can_manage_under(user: Any, org: Model) -> bool:
    """May the user create records under this org node (people, teams, child nodes)?"""
    return can(user, "change", org)


def can_administer(user: Any, org: Any) -> bool:
    """Administrative rights at a node (assigning roles, inspecting its stations): system admins, and
    org admins whose subtree holds it. Stricter than `can_manage_under`, which a station keeper also
    passes for their own station."""
    path = org.path
    return any(
        g.role == Role.SYSTEM_ADMIN or (g.role == Role.ORG_ADMIN and path.startswith(g.path)) for g in grants_for(user)
    )


def can_manage_bank(user: Any, org: Any) -> bool:
    """The good-deeds bank of a node (its catalog, its counter, its reports): system admins, org admins
    whose subtree holds it, and the station keeper of exactly that node."""
    path = org.path
    return any(
        g.role == Role.SYSTEM_ADMIN
        or (g.role == Role.ORG_ADMIN and path.startswith(g.path))
        or (g.role == Role.STATION_KEEPER and path == g.path)
        for g in grants_for(user)
    )


def can_view_sensitive(user: Any, obj: Model) -> bool:
    """Full ID numbers and phones: system admins and org admins over the record's subtree only."""
    path_of = {
        "volunteers.volunteer": lambda o: o.org.path,
        # A whole subtree (e.g. an unmasked ledger export): the same rule applied to the node itself.
        "orgs.orgnode": lambda o: o.path,
    }.get(obj._meta.label_lower)
    if path_of is None:
        return False
    path = path_of(obj)
    for grant in grants_for(user):
        if grant.role == Role.SYSTEM_ADMIN:
            return True
        if grant.role == Role.ORG_ADMIN and path.startswith(grant.path):
            return True
    return False


def home_orgs(user: Any) -> list[int]:
    """Org node ids the user administers (org admin / system admin roots), for pickers and dashboards."""
    return [g.org_id for g in grants_for(user) if g.role in {Role.SYSTEM_ADMIN, Role.ORG_ADMIN} and g.org_id]


def nav_items(user: Any) -> list[tuple[str, str]]:
    """Navigation entries (url name, label) the user's roles open."""
    roles = roles_of(user)
    items: list[tuple[str, str]] = [("core:home", "首页")]
    admin_like = bool(roles & {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.DISPATCHER, Role.STATION_KEEPER})
    if admin_like or Role.VOLUNTEER in roles:
        items.append(("orgs:node-list", "组织网络"))
        items.append(("orgs:station-list", "服务站点"))
    if admin_like or roles & {Role.TEAM_LEADER, Role.TEAM_LIAISON}:
        items.append(("volunteers:volunteer-list", "志愿者"))
    if admin_like or roles & {Role.VOLUNTEER, Role.TEAM_LEADER, Role.TEAM_LIAISON}:
        items.append(("teams:team-list", "服务队"))
    if roles & {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}:
        items.append(("audit:entry-list", "审计日志"))
    if roles - {Role.DISPATCHER, Role.TEAM_LEADER, Role.TEAM_LIAISON}:
        items.append(("points:home", "积分银行"))
    return items
