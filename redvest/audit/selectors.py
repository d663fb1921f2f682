from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from redvest.audit.models import AuditEntry
from redvest.core.policy import scope


def audit_entry_list(*, user: Any, target_type: str = "", action: str = "") -> QuerySet[AuditEntry]:
    """The audit log of the user's subtree, newest first."""
    qs = AuditEntry.objects.select_related("actor", "org").order_by("-at", "-id")
    if target_type:
        qs = qs.filter(target_type=target_type)
    if action:
        qs = qs.filter(action=action)
    return scope(user, "audit", qs)
