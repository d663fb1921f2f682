from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from redvest.core.models import Notification
from redvest.core.tasks import notification_deliver

if TYPE_CHECKING:
    from redvest.accounts.models import User


def notification_send(*, recipients: Iterable[User], title: str, body: str = "", url: str = "") -> list[Notification]:
    """Write inbox rows and deliver through the configured channels after commit."""
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title, body=body, url=url) for user in recipients]
    )
    for row in rows:
        transaction.on_commit(partial(notification_deliver.enqueue, row.pk))
    return rows


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
