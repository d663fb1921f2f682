from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from redvest.core.models import Notification


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
