"""Who sees and moves a station's kit (registered from EquipmentConfig.ready()): org admins their subtree
(the engine's default), a station keeper views their subtree and moves stock at their own station, a
volunteer views their own issues and returns. The catalog is county-wide."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from redvest.core.policy import (
    Action,
    Grant,
    ResourceRules,
    Rows,
    can,
    grants_for,
    is_system_admin,
    register_resource,
)
from redvest.core.roles import Role
from redvest.orgs.models import OrgNode


def _movement_rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
    if grant.role == Role.STATION_KEEPER:
        return rows.subtree if action == "view" else rows.own
    if grant.role == Role.VOLUNTEER and action == "view":
        return Q(volunteer_id=grant.volunteer_id or 0)
    return None


def can_manage_stock(user: Any, station: Any) -> bool:
    """Receive, issue and take back kit at a station: its keeper and administrators over it."""
    return can(user, "change", station)


def may_edit_catalog(user: Any) -> bool:
    """The item catalog is county-wide: system admins and org admins of a top-level node."""
    return is_system_admin(user) or any(
        g.role == Role.ORG_ADMIN and len(g.path) == OrgNode.steplen for g in grants_for(user)
    )


def register() -> None:
    register_resource(
        ResourceRules(
            name="stock_movement", models=("equipment.stockmovement",), path="station__path", rule=_movement_rule
        )
    )
