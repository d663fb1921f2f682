"""Where apps above orgs take part in its pages; each registers from its AppConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redvest.core.hooks import Hook

if TYPE_CHECKING:
    from redvest.orgs.models import OrgNode

# Counts over a node's whole subtree for the node page (name → count, one indexed query each).
# Registered: teams ("teams"), volunteers ("volunteers").
subtree_counts: Hook[[OrgNode], dict[str, int]] = Hook("orgs.subtree_counts")
