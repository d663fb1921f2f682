from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from redvest.core.models import Notification


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


@dataclass
class HomeSummary:
    roles: list[str]
    org_count: int
    station_count: int
    team_count: int
    volunteer_count: int


def home_summary(*, user: Any) -> HomeSummary:
    """Counts of what the user can see, each scoped by the policy."""
    from redvest.accounts.models import Role
    from redvest.accounts.policy import grants_for, scope
    from redvest.orgs.models import OrgNode, Station
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer

    labels = dict(Role.choices)
    roles = sorted({labels[g.role] for g in grants_for(user)})
    return HomeSummary(
        roles=roles,
        org_count=scope(user, "org", OrgNode.objects.all()).count(),
        station_count=scope(user, "station", Station.objects.all()).count(),
        team_count=scope(user, "team", Team.objects.all()).count(),
        volunteer_count=scope(user, "volunteer", Volunteer.objects.all()).count(),
    )
