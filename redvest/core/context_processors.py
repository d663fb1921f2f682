from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from redvest.accounts.models import Role
    from redvest.accounts.policy import nav_items, roles_of

    links = []
    for url_name, label in nav_items(user):
        try:
            links.append((reverse(url_name), label))
        except NoReverseMatch:  # an app not mounted in this deployment; test_nav checks ours all resolve
            continue
    return {
        "nav_links": links,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        # The phone's bottom tabs (首页 / 活动 / 签到 / 我的) for volunteers.
        "show_tabbar": Role.VOLUNTEER in roles_of(user),
    }
