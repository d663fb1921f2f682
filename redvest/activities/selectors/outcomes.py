"""Reads of outcomes: tally categories inherited down the tree, an activity's report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from redvest.accounts.policy import scope
from redvest.activities import hooks
from redvest.activities.models import Activity, ActivityOutcome, ActivityPhoto, TallyCategory
from redvest.activities.selectors.attendance import AttendanceStats, attendance_stats
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths

if TYPE_CHECKING:
    from redvest.accounts.models import User


def tally_categories_for(*, org: OrgNode, include_inactive: bool = False) -> QuerySet[TallyCategory]:
    """Categories configured at the node or any ancestor: what an activity there can tally."""
    qs = TallyCategory.objects.filter(org__path__in=ancestors_paths(org.path)).select_related("org")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("org__path", "name")


def tally_category_list(*, user: User) -> QuerySet[TallyCategory]:
    """Categories at nodes the user administers (where they may add and retire them)."""
    nodes = scope(user, "org", OrgNode.objects.all(), "change").values("pk")
    return TallyCategory.objects.filter(org__in=nodes).select_related("org").order_by("org__path", "name")


@dataclass(frozen=True)
class TallyRow:
    category_id: int
    name: str
    unit: str
    value: int


@dataclass
class ActivityReport:
    outcome: ActivityOutcome | None
    tallies: list[TallyRow]
    photos: list[ActivityPhoto]
    stats: AttendanceStats
    credit_minutes: int

    @property
    def sessions(self) -> int:
        return self.outcome.sessions if self.outcome else 0


def activity_report(*, activity: Activity) -> ActivityReport:
    """场次/人次/受益人数/问题, tallies and photos; 人次 and minutes come from attendance, not typing."""
    outcome = ActivityOutcome.objects.filter(activity=activity).first()
    tallies = [
        TallyRow(category_id=t.category_id, name=t.category.name, unit=t.category.unit, value=t.value)
        for t in activity.tallies.select_related("category").order_by("category__name")
    ]
    photos = list(activity.photos.order_by("uploaded_at", "id"))
    return ActivityReport(
        outcome=outcome,
        tallies=tallies,
        photos=photos,
        stats=attendance_stats(activity=activity),
        credit_minutes=sum(hooks.activity_credit_minutes(activity)),
    )


def tally_values(*, activity: Activity) -> dict[int, int]:
    return dict(activity.tallies.values_list("category_id", "value"))


def photo_get(*, user: User, photo_id: int) -> ActivityPhoto | None:
    """A photo whose activity the user may see (served through a login-checked view)."""
    from redvest.activities.selectors.activities import activities_visible

    return (
        ActivityPhoto.objects.filter(pk=photo_id, activity__in=activities_visible(user=user).values("pk"))
        .filter(~Q(image=""))
        .first()
    )
