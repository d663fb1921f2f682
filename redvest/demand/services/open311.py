"""Open311 API clients: issuing a key (shown once, only its hash is kept) and checking one."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.errors import ValidationFailed
from redvest.demand.models import Open311Client

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode


@transaction.atomic
def open311_client_create(*, actor: User | None, name: str, org: OrgNode) -> tuple[Open311Client, str]:
    """A new client and its key (returned once). Raises ValidationFailed without a name."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "请填写应用名称"})
    key = secrets.token_urlsafe(24)
    client = Open311Client.objects.create(
        name=name[:100], org=org, key_prefix=key[:8], key_hash=Open311Client.hash_key(key)
    )
    audit_record(
        actor=actor,
        action="create",
        target=client,
        org=org,
        after={"name": client.name, "key_prefix": client.key_prefix},
    )
    return client, key


def open311_client_for_key(key: str) -> Open311Client | None:
    """The active client holding this key (last use recorded), or None."""
    key = (key or "").strip()
    if not key:
        return None
    client = (
        Open311Client.objects.select_related("org").filter(key_hash=Open311Client.hash_key(key), is_active=True).first()
    )
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
