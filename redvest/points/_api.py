"""What the points API modules share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode
from redvest.points import schemas as s

if TYPE_CHECKING:
    from redvest.accounts.models import User

ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def user_of(request: HttpRequest) -> User:
    return cast("User", request.auth)  # type: ignore[attr-defined]  # set by the API's auth classes


def org_of(org_id: int | None) -> OrgNode:
    org = OrgNode.objects.filter(pk=org_id).first() if org_id else None
    if org is None:
        raise NotFound("组织不存在", field="org")
    return org
