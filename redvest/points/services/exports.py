"""Exports of other people's data leave an audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction

from redvest.audit.services import audit_record

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode


@transaction.atomic
def export_record(*, actor: User, target: models.Model, what: str, org: OrgNode | None = None) -> None:
    """Note who exported what (statements of others, rankings)."""
    audit_record(actor=actor, action="export", target=target, org=org, reason=f"导出{what}")
