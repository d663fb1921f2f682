"""Pieces the activity services share: who the acting volunteer is (who may organise where: `activities.access`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from redvest.activities.errors import NotRegisteredVolunteer
from redvest.activities.models import Activity
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

    pass


def volunteer_of(actor: User) -> Volunteer:
    """The acting user's registered volunteer record; sign-up and check-in are for registered volunteers only."""
    user_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    volunteer = Volunteer.objects.select_related("user", "org").filter(user_id=user_id).first() if user_id else None
    if volunteer is None or volunteer.status != VolunteerStatus.REGISTERED:
        raise NotRegisteredVolunteer()
    return volunteer


def locked(activity: Activity) -> Activity:
    """The activity row, locked for the rest of the transaction (quota counts, state changes)."""
    return Activity.objects.select_for_update(of=("self",)).select_related("org").get(pk=activity.pk)


def activity_url(activity: Activity) -> str:
    return reverse("activities:activity-detail", args=[activity.pk])
