"""What teams adds to the orgs app's pages: registered on `redvest.orgs.hooks` from TeamsConfig.ready()."""

from __future__ import annotations

from redvest.orgs import hooks
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import Team


def subtree_team_count(node: OrgNode) -> dict[str, int]:
    """Active teams anywhere under the node (one indexed prefix-match count)."""
    return {"teams": Team.objects.filter(in_subtree_q("org__path", node.path), is_active=True).count()}


def register() -> None:
    """Called from TeamsConfig.ready()."""
    hooks.subtree_counts.register(subtree_team_count)
