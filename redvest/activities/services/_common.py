"""Pieces the activity services share: who the acting volunteer is, who may organise where."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from redvest.accounts.policy import can, can_administer
from redvest.activities.errors import NotRegisteredVolunteer
from redvest.activities.models import Activity
from redvest.core.errors import PermissionDenied
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.orgs.models import OrgNode
    from redvest.teams.models import Team


def volunteer_of(actor: Any) -> Volunteer:
    """The acting user's registered volunteer record; sign-up and check-in are for registered volunteers only."""
    user_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    volunteer = Volunteer.objects.select_related("user", "org").filter(user_id=user_id).first() if user_id else None
    if volunteer is None or volunteer.status != VolunteerStatus.REGISTERED:
        raise NotRegisteredVolunteer()
    return volunteer


def require_can_organise(actor: Any, *, org: OrgNode, teams: Iterable[Team]) -> None:
    """Org admins organise anywhere in their subtree; a team leader or liaison organises activities
    their own team runs, held at the team's node or below it."""
    if can_administer(actor, org):
        return
    for team in teams:
        if can(actor, "change", team) and org.path.startswith(team.org.path):
            return
    raise PermissionDenied("只有组织管理员或本队负责人（联络员）可以组织该活动")


def locked(activity: Activity) -> Activity:
    """The activity row, locked for the rest of the transaction (quota counts, state changes)."""
    return Activity.objects.select_for_update(of=("self",)).select_related("org").get(pk=activity.pk)


def activity_url(activity: Activity) -> str:
    return reverse("activities:activity-detail", args=[activity.pk])
