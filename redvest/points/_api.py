"""What the points API modules share."""

from __future__ import annotations

from typing import Any

from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode
from redvest.points import schemas as s

ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def org_of(org_id: int | None) -> OrgNode:
    org = OrgNode.objects.filter(pk=org_id).first() if org_id else None
    if org is None:
        raise NotFound("组织不存在", field="org")
    return org
