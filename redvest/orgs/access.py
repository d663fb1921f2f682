"""Who sees and changes the org tree and its stations (registered from OrgsConfig.ready()), and the
service area a dispatcher answers for."""

from __future__ import annotations

from django.db.models import Q

from redvest.core.policy import Action, Grant, ResourceRules, Rows, register_resource, register_sensitive
from redvest.core.roles import LEAD_ROLES, Role
from redvest.orgs.models import OrgKind, OrgNode


def service_area_path(grant: Grant) -> str:
    """The subtree a dispatcher answers for: a 热线中心 hangs off the county (or city) it serves, so
    its dispatchers work the parent's subtree; at any other node, the node's own subtree."""
    if grant.org_kind == OrgKind.HOTLINE and len(grant.path) > OrgNode.steplen:
        return grant.path[: -OrgNode.steplen]
    return grant.path


def _station_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """Below org admin: a dispatcher looks up the nodes and stations of their service area; a station
    keeper views their subtree and changes their own station's details."""
    if grant.role == Role.DISPATCHER:
        return rows.under(service_area_path(grant)) if action == "view" else None
    if grant.role == Role.STATION_KEEPER:
        return rows.subtree if action == "view" else rows.own
    return None


def _node_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    """As for stations; team leaders and liaisons also view their team's node."""
    if grant.role in LEAD_ROLES:
        return rows.own if action == "view" else None
    return _station_rule(grant, action, rows)


def register() -> None:
    register_resource(
        ResourceRules(
            name="org", models=("orgs.orgnode",), path="path", rule=_node_rule, public_to=frozenset({Role.VOLUNTEER})
        )
    )
    register_resource(
        ResourceRules(
            name="station",
            models=("orgs.station",),
            path="node__path",
            rule=_station_rule,
            public_to=frozenset({Role.VOLUNTEER, Role.RESIDENT, Role.MERCHANT}),
        )
    )
    # A whole subtree (e.g. an unmasked ledger export): the sensitive-data rule applied to the node itself.
    register_sensitive("orgs.orgnode", lambda node: node.path)
