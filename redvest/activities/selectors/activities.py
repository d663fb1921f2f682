"""Reads of activities: who may see which, the phone browse list (near me), the organiser's list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from redvest.accounts.policy import scope
from redvest.activities.geo import bounding_box, haversine_m
from redvest.activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    LIVE_STATUSES,
    Activity,
    ActivityKind,
    ActivityStatus,
    SignUp,
    SignUpStatus,
    status_q,
)
from redvest.activities.selectors.calendar import DayTag, activity_tags
from redvest.activities.selectors.safeguards import uninsured_q
from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import BrandProject, Team

if TYPE_CHECKING:
    from redvest.accounts.models import User

DEFAULT_RADIUS_KM = 10
MAX_RADIUS_KM = 200


def activities_visible(*, user: User) -> QuerySet[Activity]:
    """What the user may see: the policy's view scope, except drafts, which only their organisers see."""
    changeable = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return scope(user, "activity", Activity.objects.all()).filter(
        ~Q(status=ActivityStatus.DRAFT) | Q(pk__in=changeable)
    )


def activity_get(*, user: User, activity_id: int, action: str = "view") -> Activity:
    """One activity with its org, brand, theme and teams; NotFound when missing or out of scope."""
    if action == "change":
        qs = scope(user, "activity", Activity.objects.all(), "change")
    else:
        qs = activities_visible(user=user)
    activity = qs.select_related("org", "brand", "theme").prefetch_related("teams").filter(pk=activity_id).first()
    if activity is None:
        raise NotFound("活动不存在或您无权查看")
    return activity


def with_listing_related(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Everything a list row shows, in a constant number of queries."""
    return (
        qs.select_related("org", "theme")
        .prefetch_related("teams")
        .annotate(approved_count=Count("signups", filter=Q(signups__status=SignUpStatus.APPROVED)))
    )


@dataclass
class BrowseRow:
    activity: Activity
    distance_m: int | None
    my_status: str  # the user's active sign-up status on it, or ""

    @property
    def tags(self) -> list[DayTag]:
        return activity_tags(self.activity)

    @property
    def my_status_label(self) -> str:
        return SignUpStatus(self.my_status).label if self.my_status else ""


@dataclass(frozen=True)
class BrowseFilters:
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    radius_km: int | None = None
    category: str = ""
    day: datetime.date | None = None
    q: str = ""
    org: OrgNode | None = None


def _my_statuses(*, user: User, activity_ids: list[int]) -> dict[int, str]:
    if not activity_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = SignUp.objects.filter(
        volunteer__user=user, activity_id__in=activity_ids, status__in=ACTIVE_SIGNUP_STATUSES
    ).values_list("activity_id", "status")
    return dict(rows)


def activity_browse(
    *, user: User, filters: BrowseFilters, at: datetime.datetime, page: int = 1, size: int | None = None
) -> Page[BrowseRow]:
    """Open activities (招募中 or 进行中, not yet over) for a volunteer's phone.

    With a location: a bounding box narrows candidates in SQL, then the exact great-circle distance
    drops the box's corners and orders by distance. Otherwise soonest first.
    """
    # Not over by the clock, whatever status the periodic advance has stored so far.
    qs = activities_visible(user=user).filter(status__in=LIVE_STATUSES, end_at__gt=at, kind=ActivityKind.PLANNED)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.day is not None:
        day_start = timezone.make_aware(datetime.datetime.combine(filters.day, datetime.time.min))
        qs = qs.filter(start_at__lt=day_start + datetime.timedelta(days=1), end_at__gt=day_start)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(place__icontains=filters.q))
    if filters.org is not None:
        qs = qs.filter(in_subtree_q("org__path", filters.org.path))

    if filters.latitude is None or filters.longitude is None:
        result = paginate(with_listing_related(qs).order_by("start_at", "id"), page=page, size=size)
        activities: list[Activity] = result.items
        statuses = _my_statuses(user=user, activity_ids=[a.pk for a in activities])
        result.items = [BrowseRow(activity=a, distance_m=None, my_status=statuses.get(a.pk, "")) for a in activities]
        return result

    radius_m = min(filters.radius_km or DEFAULT_RADIUS_KM, MAX_RADIUS_KM) * 1000
    box = bounding_box(filters.latitude, filters.longitude, radius_m)
    candidates = qs.filter(
        latitude__gte=box.min_lat, latitude__lte=box.max_lat, longitude__gte=box.min_lng, longitude__lte=box.max_lng
    ).values_list("pk", "latitude", "longitude", "start_at")
    distances: dict[int, float] = {}
    starts: dict[int, datetime.datetime] = {}
    for pk, lat, lng, start_at in candidates:
        d = haversine_m(filters.latitude, filters.longitude, lat, lng)
        if d <= radius_m:
            distances[pk] = d
            starts[pk] = start_at
    ordered = sorted(distances, key=lambda pk: (distances[pk], starts[pk], pk))
    size = min(max(1, size or settings.PAGE_SIZE), 200)
    number = min(max(1, page), max(1, -(-len(ordered) // size)))
    page_ids = ordered[(number - 1) * size : number * size]
    rows = {a.pk: a for a in with_listing_related(Activity.objects.filter(pk__in=page_ids))}
    statuses = _my_statuses(user=user, activity_ids=page_ids)
    items = [
        BrowseRow(activity=rows[pk], distance_m=round(distances[pk]), my_status=statuses.get(pk, ""))
        for pk in page_ids
        if pk in rows
    ]
    return Page(items=items, count=len(ordered), number=number, size=size)


def activity_recruiting_public(*, at: datetime.datetime, limit: int = 6) -> list[Activity]:
    """Published activities still recruiting, soonest first, for the public portal (no login; the
    recruitment notice is public, signing up needs an account)."""
    qs = Activity.objects.filter(
        kind=ActivityKind.PLANNED,
        status=ActivityStatus.PUBLISHED,
        recruit_start__lte=at,
        recruit_end__gt=at,
        start_at__gt=at,
    )
    return list(with_listing_related(qs).order_by("start_at", "id")[:limit])


OUTCOME_DUE_DAYS = 30  # an ended activity without its outcome shows on the organiser's workbench this long


def activity_manage_list(
    *,
    user: User,
    status: str = "",
    q: str = "",
    at: datetime.datetime | None = None,
    outcome_due: bool = False,
    uninsured: bool = False,
) -> QuerySet[Activity]:
    """Activities the user organises (may change), newest first; `status` as it stands at `at` (now).
    `outcome_due`: only those ended within the last 30 days whose outcome is not filled in yet.
    `uninsured`: risky ones not yet ended with an approved volunteer the insurance in force does not name.
    Activities written for demand 工单 are not listed."""
    at = at or timezone.now()
    qs = scope(user, "activity", Activity.objects.filter(kind=ActivityKind.PLANNED), "change")
    if outcome_due:
        qs = qs.filter(
            status_q(ActivityStatus.ENDED, at=at),
            outcome__isnull=True,
            end_at__gte=at - datetime.timedelta(days=OUTCOME_DUE_DAYS),
        )
    if uninsured:
        qs = qs.filter(uninsured_q(at))
    if status:
        qs = qs.filter(status_q(status, at=at))
    if q:
        qs = qs.filter(title__icontains=q)
    return with_listing_related(qs).order_by("-start_at", "-id")


def outcome_due_count(*, user: User, at: datetime.datetime | None = None) -> int:
    """How many of the user's activities ended lately without their outcome (成效) filled in."""
    return activity_manage_list(user=user, at=at, outcome_due=True).order_by().count()


def org_choices_for_activity(*, user: User) -> QuerySet[OrgNode]:
    """Nodes an activity may be held at by this user: nodes they administer, and their teams' subtrees."""
    teams = scope(user, "team", Team.objects.all(), "change").select_related("org")
    q = Q(pk__in=scope(user, "org", OrgNode.objects.all(), "change").values("pk"))
    for team in teams[:50]:
        q |= in_subtree_q("path", team.org.path)
    return OrgNode.objects.filter(q).order_by("path")


def team_choices_for_activity(*, user: User) -> QuerySet[Team]:
    """Teams that may co-run an activity: any active team (co-running crosses units)."""
    return scope(user, "team", Team.objects.filter(is_active=True)).select_related("org").order_by("org__path", "name")


def brand_choices(*, user: User) -> QuerySet[BrandProject]:
    return scope(user, "brand", BrandProject.objects.all()).order_by("name")
