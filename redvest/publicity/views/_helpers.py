"""Small pieces every publicity view uses."""

from __future__ import annotations

from typing import Any

from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.orgs.selectors import node_manageable

shows_domain_errors = domain_error_pages("publicity/error.html")


def admin_orgs(request: AuthedRequest) -> Any:
    """Nodes the user may manage (for pickers)."""

    return node_manageable(user=request.user)
