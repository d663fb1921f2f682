from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from redvest.audit.display import label_for
from redvest.audit.models import AuditAction, AuditEntry
from redvest.core.sms.kinds import KINDS

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


@dataclass(frozen=True)
class AuditItem:
    """One row for `audit_record_many`: the target by its label, id and stored label (no instance needed,
    so a bulk write that only has values can describe its rows), its org node's id, before and after."""

    target_type: str
    target_id: int | str
    target_repr: str
    org_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @classmethod
    def of(
        cls,
        target: models.Model,
        *,
        org_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditItem:
        """The item for a saved instance, labelled as `audit_record` labels it."""
        return cls(target._meta.label_lower, target.pk, label_for(target), org_id, before, after)


def audit_record_many(
    *, actor: User | None, action: AuditAction | str, items: Iterable[AuditItem], reason: str = ""
) -> int:
    """Append one audit row per item with one actor, action and reason, in batches of 1,000 INSERTs (a
    constant number of queries per batch): for bulk writes (imports, the activity clock). Like
    `audit_record`, it opens no transaction of its own (no savepoint queries): call it inside the one
    of the change. Returns how many rows were written."""
    who = actor if actor is not None and actor.is_authenticated else None
    rows = [
        AuditEntry(
            actor=who,
            action=action,
            target_type=item.target_type,
            target_id=str(item.target_id),
            target_repr=item.target_repr[:200],
            org_id=item.org_id,
            before=item.before,
            after=item.after,
            reason=reason[:500],
        )
        for item in items
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def sms_failure_record(kind: str, code: str, target: models.Model | None) -> None:
    """core.sms.delivery_failed: one row per undelivered text, on the record it was about (a one-time code,
    a notification, a service request); without one the log line is the only trace."""
    if target is None:
        return
    audit_record(
        actor=None,
        action="sms_failed",
        target=target,
        after={"kind": kind, "error": code},
        reason=f"短信发送失败（{KINDS[kind].label if kind in KINDS else kind}）：{code}",
    )
