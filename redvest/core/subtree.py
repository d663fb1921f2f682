"""The one subtree lookup: rows whose org path lies under a node's path, as one indexed prefix match.

It lives in core so the access engine (core) and orgs (above it) share it; everyone else calls it as
`redvest.orgs.selectors.in_subtree_q`, next to the rest of the subtree API."""

from __future__ import annotations

from django.db.models import Q


def in_subtree_q(lookup: str, path: str) -> Q:
    """Rows whose org path (`lookup`, e.g. "org__path") lies in the subtree at `path`: one prefix match.
    A test keeps raw `path__startswith` in here and in orgs only."""
    return Q(**{f"{lookup}__startswith": path})
