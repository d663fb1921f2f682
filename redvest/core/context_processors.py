from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from redvest.accounts.policy import nav_items

    return {"nav_items": nav_items(user), "unread_count": user.notifications.filter(read_at__isnull=True).count()}
