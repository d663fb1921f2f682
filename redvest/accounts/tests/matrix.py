"""The permission matrix's scaffolding: every role × (own node, descendant, sibling, ancestor) × (view,
change) × registered resource.

Roles are held at town_a. "Own" objects hang off town_a, "descendant" off community_a (under town_a),
"sibling" off town_b, "ancestor" off the county root. Each app that declares resources in its
`access.py` adds its rows in `<app>/tests/access_matrix.py`: a `build(world)` that puts one object of
each of its resources at each position (in INSTALLED_APPS order, so an app finds the objects of the apps
it builds on), and `EXPECTED`, per resource and role, the positions viewed and changed (a role not
listed sees and changes nothing). `test_permission_matrix` runs them all; accounts names no app.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from redvest.accounts.models import ASSIGNABLE_ROLES
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import OrgTree

ALL = frozenset({"own", "descendant", "sibling", "ancestor"})
SUBTREE = frozenset({"own", "descendant"})
OWN = frozenset({"own"})
NONE: frozenset[str] = frozenset()

Expected = dict[str, dict[str, tuple[frozenset[str], frozenset[str]]]]
"""resource → role → (positions viewed, positions changed)."""


class World:
    """The tree, a user holding `role` at town_a, and (filled by each app's `build`) one object of each
    resource at each position. The roles a roster gives (volunteer, team leader, liaison) are set up
    by the volunteers' and teams' builders: `me` is the user's own volunteer record."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.tree = OrgTree()
        self.nodes: dict[str, OrgNode] = {
            "own": self.tree.town_a,
            "descendant": self.tree.community_a,
            "sibling": self.tree.town_b,
            "ancestor": self.tree.county,
        }
        self.objects: dict[str, dict[str, Model]] = {}
        self.me: Any = None
        self.user = UserFactory()
        if role in ASSIGNABLE_ROLES:
            RoleAssignmentFactory(user=self.user, role=role, org=self.nodes["own"])

    def put(self, resource: str, position: str, obj: Model) -> Model:
        self.objects.setdefault(resource, {})[position] = obj
        return obj

    def at(self, resource: str, position: str) -> Any:
        return self.objects[resource][position]
