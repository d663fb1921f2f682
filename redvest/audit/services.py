from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from redvest.audit.display import label_for
from redvest.audit.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a row's concrete fields (encrypted columns are left out)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if name.endswith(("_encrypted", "_hash")) or name == "password":
            continue
        value = getattr(instance, name)
        data[name] = value if isinstance(value, (int, str, bool, type(None))) else str(value)
    return data


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    target: models.Model,
    org: OrgNode | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one audit row; call inside the same transaction as the change."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=label_for(target)[:200],
        org=org,
        before=before,
        after=after,
        reason=reason[:500],
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
