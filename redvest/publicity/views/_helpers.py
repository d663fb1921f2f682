"""Small pieces every publicity view uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from redvest.core.pages import domain_error_pages
from redvest.orgs.selectors import node_manageable

if TYPE_CHECKING:
    from redvest.accounts.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required)."""
    return cast("User", request.user)


shows_domain_errors = domain_error_pages("publicity/error.html")


def admin_orgs(request: HttpRequest) -> Any:
    """Nodes the user may manage (for pickers)."""

    return node_manageable(user=request.user)
