"""Where the apps above accounts ask for permissions: the access engine (`redvest.core.policy`) under
its long-standing name, so every call site keeps `from redvest.accounts.policy import scope, can, …`.

Nothing is decided here. The engine applies the rules each app declares in its own `access.py`;
accounts contributes the explicit role assignments (`redvest.accounts.access`). The apps below
accounts (orgs, audit, core) import `redvest.core.policy` directly.
"""

from __future__ import annotations

from redvest.core.policy import (
    Action,
    Grant,
    Resource,
    can,
    can_administer,
    can_manage_under,
    can_view_sensitive,
    grants_for,
    home_orgs,
    is_system_admin,
    require,
    roles_of,
    scope,
)

__all__ = [
    "Action",
    "Grant",
    "Resource",
    "can",
    "can_administer",
    "can_manage_under",
    "can_view_sensitive",
    "grants_for",
    "home_orgs",
    "is_system_admin",
    "require",
    "roles_of",
    "scope",
]
