from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from redvest.core.models import Notification

if TYPE_CHECKING:
    from redvest.accounts.models import User


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
