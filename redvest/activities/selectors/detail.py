"""Everything the activity page shows, for the person looking at it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from redvest.accounts.policy import can
from redvest.activities.conf import CHECKIN_OPENS_BEFORE
from redvest.activities.models import LIVE_STATUSES, Activity, Attendance, SignUp, SignUpStatus
from redvest.activities.selectors.activities import activity_get
from redvest.activities.selectors.attendance import attendance_current
from redvest.activities.selectors.calendar import DayTag, activity_tags
from redvest.activities.selectors.outcomes import ActivityReport, activity_report
from redvest.activities.selectors.safeguards import MySafeguards, my_safeguards
from redvest.activities.selectors.signups import signup_mine

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass
class ActivityDetail:
    activity: Activity
    tags: list[DayTag]
    can_change: bool
    my_signup: SignUp | None
    my_attendance: Attendance | None
    report: ActivityReport
    approved: int
    waitlisted: int
    pending: int
    recruiting: bool  # a hint for showing the button; the sign-up service decides
    checkin_open: bool
    mine: MySafeguards  # the agreements and guardian consent the viewer's sign-up needs

    @property
    def seats_left(self) -> int:
        return max(0, self.activity.quota - self.approved)


def activity_detail(*, user: User, activity_id: int, at: datetime.datetime) -> ActivityDetail:
    activity = activity_get(user=user, activity_id=activity_id)
    counts = SignUp.objects.filter(activity=activity).aggregate(
        approved=Count("id", filter=Q(status=SignUpStatus.APPROVED)),
        waitlisted=Count("id", filter=Q(status=SignUpStatus.WAITLISTED)),
        pending=Count("id", filter=Q(status=SignUpStatus.PENDING)),
    )
    published = activity.status_at(at) in LIVE_STATUSES
    mine = signup_mine(user=user, activity=activity)
    return ActivityDetail(
        activity=activity,
        tags=activity_tags(activity),
        can_change=can(user, "change", activity),
        my_signup=mine,
        my_attendance=attendance_current(user=user, activity=activity),
        report=activity_report(activity=activity),
        approved=counts["approved"],
        waitlisted=counts["waitlisted"],
        pending=counts["pending"],
        recruiting=published and activity.recruit_start <= at <= activity.recruit_end,
        checkin_open=published and activity.start_at - CHECKIN_OPENS_BEFORE <= at <= activity.end_at,
        mine=my_safeguards(user=user, activity=activity, signup=mine),
    )
