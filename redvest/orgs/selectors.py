"""Reads over the org tree. Subtree scoping for every app goes through `subtree`."""

from __future__ import annotations

from django.db.models import QuerySet

from redvest.orgs.models import DEFAULT_TEAM_MIN_SIZE, OrgNode


def subtree(node: OrgNode) -> QuerySet[OrgNode]:
    """The node and all its descendants: one indexed prefix match on the materialized path."""
    return OrgNode.objects.filter(path__startswith=node.path)


def subtree_ids(node: OrgNode) -> QuerySet[OrgNode]:
    return subtree(node).values("id")  # type: ignore[return-value]  # values() queryset used as a subquery


def in_subtree(node: OrgNode, *, path: str) -> bool:
    return path.startswith(node.path)


def ancestors_paths(path: str, steplen: int = OrgNode.steplen) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def team_min_size_for(node: OrgNode) -> int:
    """The nearest setting up the tree, or the default."""
    rows = dict(
        OrgNode.objects.filter(path__in=ancestors_paths(node.path), team_min_size__isnull=False).values_list(
            "path", "team_min_size"
        )
    )
    for path in reversed(ancestors_paths(node.path)):
        if path in rows:
            return int(rows[path])
    return DEFAULT_TEAM_MIN_SIZE
