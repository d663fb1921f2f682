from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from redvest.audit.display import Change, action_label, change_rows, object_label
from redvest.audit.selectors import audit_entry_list
from redvest.core.api_pagination import paginate

router = Router(tags=["审计日志"])


class ChangeOut(Schema):
    key: str
    label: str
    before: str
    after: str


class AuditEntryOut(Schema):
    """Readable fields (`action_label`, `target_label`, `changes`) beside the stored ones."""

    id: int
    at: datetime
    actor: str | None
    action: str
    action_label: str
    target_type: str
    target_id: str
    target_repr: str
    target_label: str
    org_id: int | None
    org_name: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[ChangeOut]
    reason: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor else None

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return action_label(obj.action)

    @staticmethod
    def resolve_target_label(obj: Any) -> str:
        return object_label(target_type=obj.target_type, target_id=obj.target_id, target_repr=obj.target_repr)

    @staticmethod
    def resolve_org_name(obj: Any) -> str | None:
        return obj.org.name if obj.org else None

    @staticmethod
    def resolve_changes(obj: Any) -> list[Change]:
        return change_rows(target_type=obj.target_type, before=obj.before, after=obj.after)


class AuditFilter(Schema):
    target_type: str = ""
    action: str = ""


@router.get("/entries", response=list[AuditEntryOut], summary="本辖区审计日志")
@paginate
def entries(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[Any]:
    return audit_entry_list(user=request.auth, target_type=filters.target_type, action=filters.action)  # type: ignore[attr-defined]  # ninja sets request.auth
