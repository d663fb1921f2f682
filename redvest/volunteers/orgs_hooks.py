"""What volunteers adds to the orgs app's pages: registered on `redvest.orgs.hooks` from
VolunteersConfig.ready()."""

from __future__ import annotations

from redvest.orgs import hooks
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers.models import Volunteer, VolunteerStatus


def subtree_volunteer_count(node: OrgNode) -> dict[str, int]:
    """Registered (not deregistered) volunteers anywhere under the node (one indexed prefix-match count)."""
    count = (
        Volunteer.objects.filter(in_subtree_q("org__path", node.path))
        .exclude(status=VolunteerStatus.DEREGISTERED)
        .count()
    )
    return {"volunteers": count}


def register() -> None:
    """Called from VolunteersConfig.ready()."""
    hooks.subtree_counts.register(subtree_volunteer_count)
