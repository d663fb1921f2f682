from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from redvest.core.navigation import menu_for
from redvest.core.policy import roles_of
from redvest.core.roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's menu in sections (each app's own entries), the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = menu_for(user, request.path)
    current = next(((s, link) for s in sections for link in s.links if link.current), None)
    return {
        "nav_sections": sections,
        "nav_current": current,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        # The phone's bottom tabs (首页 / 活动 / 签到 / 我的) for volunteers.
        "show_tabbar": Role.VOLUNTEER in roles_of(user),
    }
