from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from redvest.core.crypto import encrypt
from redvest.core.models import Notification
from redvest.core.sms.kinds import sms_render
from redvest.core.tasks import notification_deliver, sms_deliver

if TYPE_CHECKING:
    from redvest.accounts.models import User


def notification_send(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    sms_kind: str = "",
    sms_params: dict[str, object] | None = None,
) -> list[Notification]:
    """Write inbox rows and deliver through the configured channels after commit; with `sms_kind` (a kind of
    core.sms.kinds and its parameters) the SMS channel also texts it."""
    if sms_kind:
        sms_render(kind=sms_kind, params=sms_params or {})  # an unknown kind or missing parameter fails here, not later
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, title=title, body=body, url=url, sms_kind=sms_kind, sms_params=sms_params or None
            )
            for user in recipients
        ]
    )
    for row in rows:
        transaction.on_commit(partial(notification_deliver.enqueue, row.pk))
    return rows


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def sms_send_later(*, phone: str, kind: str, params: dict[str, object], target: models.Model | None = None) -> None:
    """Text a bare number (a resident without an account) after the transaction commits, in the notifications
    queue; the number travels encrypted in the task row. A failure is logged and audited there."""
    encrypted = encrypt(phone)
    sms_render(kind=kind, params=params)
    label = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    transaction.on_commit(
        partial(sms_deliver.enqueue, encrypted, kind, {k: str(v) for k, v in params.items()}, label, target_id)
    )
