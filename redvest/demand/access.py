"""Who sees, changes and dispatches demand requests and their dispatch parts, who registers requests
through which channel, and which dispatchers answer for an area (registered from DemandConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Length, Substr

from redvest.accounts.models import Role, RoleAssignment
from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, can, grants_for, register_resource, roles_of
from redvest.core.policy import scope as policy_scope
from redvest.core.roles import ADMIN_ROLES, LEAD_ROLES
from redvest.demand.models import ACTIVE_DISPATCH_STATUSES, Dispatch
from redvest.orgs.access import service_area_path
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import ancestors_paths


def _demand_rule(resource: str) -> Rule:
    is_request = resource == "request"

    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Demand requests and their dispatch parts below org admin. Dispatchers view and change what is
        in their service area; a station keeper what was registered at or sent to their station; team
        leaders and liaisons the parts sent to their team (and view those requests); a volunteer the parts
        sent to them. Anyone (a resident, a volunteer…) views their own requests: submitted by them, or theirs
        as the resident the hotline knows by a phone they proved with a one-time code."""
        role = grant.role
        found: Q | None = None
        if role == Role.DISPATCHER:
            found = rows.under(service_area_path(grant))
        elif role == Role.STATION_KEEPER:
            at_station = Dispatch.objects.filter(station_id=grant.org_id).values("request_id")
            found = (
                (Q(intake_station_id=grant.org_id) | Q(pk__in=at_station)) if is_request else Q(station_id=grant.org_id)
            )
        elif role in LEAD_ROLES:
            team_id = grant.team_id or 0
            if not is_request:
                found = Q(team_id=team_id)
            elif action == "view":
                found = Q(pk__in=Dispatch.objects.filter(team_id=team_id).values("request_id"))
        elif role == Role.VOLUNTEER:
            volunteer_id = grant.volunteer_id or 0
            if not is_request:
                found = Q(volunteer_id=volunteer_id)
            elif action == "view":
                found = Q(pk__in=Dispatch.objects.filter(volunteer_id=volunteer_id).values("request_id"))
        if is_request and action == "view" and grant.user_id:
            own = Q(submitted_by_id=grant.user_id) | Q(resident__user_id=grant.user_id)
            found = own if found is None else found | own
        return found

    return rule


def dispatch_area_paths(user: Any) -> list[str] | None:
    """The subtrees a user may dispatch demand requests into (None: everywhere): org admins their
    subtree, dispatchers their service area, station keepers their own station's subtree."""
    paths: list[str] = []
    for grant in grants_for(user):
        if grant.role == Role.SYSTEM_ADMIN:
            return None
        if grant.role in {Role.ORG_ADMIN, Role.STATION_KEEPER}:
            paths.append(grant.path)
        elif grant.role == Role.DISPATCHER:
            paths.append(service_area_path(grant))
    return paths


def can_dispatch_to(user: Any, org: Any) -> bool:
    """May the user send a request to a station, team or volunteer hanging off this node?"""
    paths = dispatch_area_paths(user)
    return paths is None or any(org.path.startswith(p) for p in paths)


def dispatcher_assignments_over(path: str) -> QuerySet[RoleAssignment]:
    """Dispatcher role assignments whose service area holds `path` (who to tell about a request there)."""
    ancestors = ancestors_paths(path)
    return (
        RoleAssignment.objects.filter(role=Role.DISPATCHER)
        .annotate(_parent_path=Substr("org__path", 1, Length("org__path") - OrgNode.steplen))
        .filter(Q(org__path__in=ancestors) | Q(org__kind=OrgKind.HOTLINE, _parent_path__in=ancestors))
    )


def dispatcher_service_areas() -> list[tuple[int, str]]:
    """Every dispatcher as (user id, service-area path): for routing many alerts at once (SLA sweeps)."""
    rows = RoleAssignment.objects.filter(role=Role.DISPATCHER, user__is_active=True).values_list(
        "user_id", "org_id", "org__path", "org__kind"
    )
    return [
        (user_id, service_area_path(Grant(role=Role.DISPATCHER, path=path, org_id=org_id, org_kind=kind)))
        for user_id, org_id, path, kind in rows
    ]


def may_take_requests(user: Any, channel: str) -> bool:
    """Who registers demand requests through which channel: the 96345 console for dispatchers and
    admins, walk-in registration (诉求登记) for station keepers and admins, 点菜 orders for admins,
    keepers and dispatchers, the web form (我要求助) for anyone, with or without an account."""
    roles = roles_of(user)
    allowed = {
        "hotline": ADMIN_ROLES | {Role.DISPATCHER},
        "walk_in": ADMIN_ROLES | {Role.STATION_KEEPER},
        "menu": ADMIN_ROLES | {Role.DISPATCHER, Role.STATION_KEEPER},
    }
    if channel == "web":
        return True
    return bool(roles & allowed.get(channel, set()))


def can_view_resident_phone(user: Any, request: Model) -> bool:
    """A resident's full phone: whoever may change the request (to call back) or holds one of its parts."""
    if can(user, "change", request):
        return True
    return policy_scope(user, "dispatch", Dispatch.objects.filter(request_id=request.pk)).exists()


def can_handle_request(user: Any, request: Model) -> bool:
    """Work on a request's content (a 红色代办's checklist and steps): whoever may change the request,
    or holds one of its running parts."""
    if can(user, "change", request):
        return True
    running = Dispatch.objects.filter(request_id=request.pk, status__in=ACTIVE_DISPATCH_STATUSES)
    return policy_scope(user, "dispatch", running, "change").exists()


def can_record_feedback(user: Any, request: Any, *, on_paper: bool) -> bool:
    """The feedback form (服务反馈单): the resident fills it in for their own request; staff who handle the
    request type in paper forms."""
    if on_paper:
        return can_handle_request(user, request)
    if not getattr(user, "is_authenticated", False):
        return False
    resident = request.resident
    return request.submitted_by_id == user.pk or (resident is not None and resident.user_id == user.pk)


def register() -> None:
    register_resource(
        ResourceRules(
            name="request",
            models=("demand.servicerequest",),
            path="area__path",  # a demand request hangs off the area it is in
            rule=_demand_rule("request"),
        )
    )
    register_resource(
        ResourceRules(
            name="dispatch", models=("demand.dispatch",), path="request__area__path", rule=_demand_rule("dispatch")
        )
    )
