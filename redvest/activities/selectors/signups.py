"""Reads of sign-ups: the organiser's list for an activity, a volunteer's own."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from redvest.accounts.policy import require, scope
from redvest.activities.models import ACTIVE_SIGNUP_STATUSES, Activity, ActivityStatus, SignUp, SignUpStatus
from redvest.core.errors import NotFound

if TYPE_CHECKING:
    from redvest.accounts.models import User


def signup_list_for_activity(*, user: User, activity: Activity, status: str = "") -> QuerySet[SignUp]:
    """Everyone who signed up, in sign-up order (the waitlist order); organisers only."""
    require(user, "change", activity)
    qs = SignUp.objects.filter(activity=activity).select_related("volunteer", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def signup_get(*, user: User, signup_id: int) -> SignUp:
    """A sign-up as its volunteer or an organiser of its activity may see it."""
    signup = SignUp.objects.select_related("activity", "volunteer", "volunteer__user").filter(pk=signup_id).first()
    if signup is None:
        raise NotFound("报名记录不存在")
    if signup.volunteer.user_id != getattr(user, "pk", None):
        require(user, "change", signup.activity)
    return signup


def signup_mine(*, user: User, activity: Activity) -> SignUp | None:
    """The user's current (active) sign-up on the activity, else their latest."""
    qs = SignUp.objects.filter(activity=activity, volunteer__user=user).order_by("-created_at", "-id")
    active = qs.filter(status__in=ACTIVE_SIGNUP_STATUSES).first()
    return active or qs.first()


def approved_volunteers(*, activity: Activity) -> QuerySet[SignUp]:
    """Approved sign-ups (the leader's proxy check-in picker)."""
    return (
        SignUp.objects.filter(activity=activity, status=SignUpStatus.APPROVED)
        .select_related("volunteer")
        .order_by("volunteer__name", "id")
    )


def next_approved_signup(*, user: User, at: datetime.datetime) -> SignUp | None:
    """The signed-in volunteer's next (or current) activity they are approved for."""
    return (
        SignUp.objects.filter(volunteer__user=user, status=SignUpStatus.APPROVED, activity__end_at__gt=at)
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .order_by("activity__start_at", "id")
        .first()
    )


def pending_signup_count(*, user: User) -> int:
    """Sign-ups waiting for the approval of someone who may change their activity (the organiser)."""
    organised = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return SignUp.objects.filter(status=SignUpStatus.PENDING, activity__in=organised).count()
