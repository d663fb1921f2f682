from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from redvest.audit.selectors import audit_entry_list
from redvest.core.pagination import paginate
from redvest.core.schemas import Int32

router = Router(tags=["审计日志"])


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str | None
    action: str
    target_type: str
    target_id: str
    target_repr: str
    org_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor else None


class AuditPageOut(Schema):
    items: list[AuditEntryOut]
    count: int


class AuditFilter(Schema):
    target_type: str = ""
    action: str = ""
    page: Int32 = 1
    page_size: Int32 = 20


@router.get("/entries", response=AuditPageOut, summary="本辖区审计日志")
def entries(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, Any]:
    qs = audit_entry_list(user=request.auth, target_type=filters.target_type, action=filters.action)  # type: ignore[attr-defined]
    page = paginate(qs, page=filters.page, size=filters.page_size)
    return {"items": page.items, "count": page.count}
