"""Lists cost the same number of queries for 1 row and for 10: browse page (with and without a
location), the organiser's sign-up list, the attendance list and the list endpoints."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.activities.models import ActivityStatus, AttendanceStatus, QuarterlyTheme, SignUpStatus
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    QuarterlyThemeFactory,
    SignUpFactory,
    TallyCategoryFactory,
)
from redvest.records.services import record_post_attendance


def add_activities(world: World, count: int) -> None:
    for _ in range(count):
        activity = ActivityFactory(org=world.tree.town_a, latitude="30.901000", longitude="119.901000")
        activity.teams.add(world.team, world.other_team)
        SignUpFactory(activity=activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)


def add_finished_activities(world: World, count: int) -> None:
    """Activities of the leader's team that are over: stored 已结束 and, past their end, still 招募中."""
    start = timezone.now() - datetime.timedelta(days=3)
    for i in range(count):
        activity = ActivityFactory(
            org=world.tree.town_a,
            start_at=start,
            end_at=start + datetime.timedelta(hours=2),
            recruit_start=start - datetime.timedelta(days=1),
            recruit_end=start,
            status=ActivityStatus.ENDED if i % 2 else ActivityStatus.PUBLISHED,
        )
        activity.teams.add(world.team, world.other_team)


def add_signups(world: World, count: int) -> None:
    SignUpFactory.create_batch(count, activity=world.activity, status=SignUpStatus.PENDING)


def add_attendance(world: World, count: int) -> None:
    AttendanceFactory.create_batch(count, activity=world.activity)


def add_my_attendance(world: World, count: int) -> None:
    """Closed stays of volunteer 0, each credited through the ledger."""
    for _ in range(count):
        activity = ActivityFactory(org=world.tree.town_a)
        attendance = AttendanceFactory(
            activity=activity,
            volunteer=world.volunteer(0),
            check_out_at=activity.end_at,
            status=AttendanceStatus.CLOSED,
        )
        record_post_attendance(actor=None, attendance=attendance)


def add_themes(world: World, count: int) -> None:
    start = QuarterlyTheme.objects.count()
    for i in range(start, start + count):
        QuarterlyThemeFactory(
            org=world.tree.county if i % 2 else world.tree.town_a, year=2020 + i // 4, quarter=i % 4 + 1
        )


def add_tally_categories(world: World, count: int) -> None:
    TallyCategoryFactory.create_batch(count, org=world.tree.town_a)


CASES: list[Any] = [
    pytest.param(
        0, add_activities, lambda c, w: c.get(reverse("activities:activity-list")), "activity-card", id="browse-page"
    ),
    pytest.param(
        0,
        add_activities,
        lambda c, w: c.get(reverse("activities:activity-list"), {"lat": "30.9", "lng": "119.9", "radius": "5"}),
        "activity-card",
        id="browse-page-near-me",
    ),
    pytest.param(0, add_activities, lambda c, w: c.get("/api/v1/activities/"), None, id="list-api"),
    pytest.param(
        0,
        add_activities,
        lambda c, w: c.get("/api/v1/activities/", {"lat": "30.9", "lng": "119.9", "radius_km": 5}),
        None,
        id="list-api-near-me",
    ),
    pytest.param(1, add_activities, lambda c, w: c.get("/api/v1/activities/manage"), None, id="manage-api"),
    pytest.param(
        1,
        add_activities,
        lambda c, w: c.get(reverse("activities:activity-manage")),
        'data-label="活动"',
        id="manage-page",
    ),
    pytest.param(
        1,
        add_finished_activities,
        lambda c, w: c.get(reverse("activities:activity-manage"), {"status": "ended"}),
        'data-label="活动"',
        id="manage-page-ended",
    ),
    pytest.param(
        1,
        add_finished_activities,
        lambda c, w: c.get("/api/v1/activities/manage", {"status": "ended"}),
        None,
        id="manage-api-ended",
    ),
    pytest.param(
        1,
        add_signups,
        lambda c, w: c.get(reverse("activities:signup-list", args=[w.activity.pk])),
        'id="signup-',
        id="signup-list-page",
    ),
    pytest.param(
        1, add_signups, lambda c, w: c.get(f"/api/v1/activities/{w.activity.pk}/signups"), None, id="signup-list-api"
    ),
    pytest.param(
        1,
        add_attendance,
        lambda c, w: c.get(reverse("activities:attendance-list", args=[w.activity.pk])),
        'id="attendance-',
        id="attendance-list-page",
    ),
    pytest.param(
        1,
        add_attendance,
        lambda c, w: c.get(f"/api/v1/activities/{w.activity.pk}/attendances"),
        None,
        id="attendance-list-api",
    ),
    pytest.param(
        0, add_my_attendance, lambda c, w: c.get(reverse("activities:my-attendance")), 'class="credit"', id="my-page"
    ),
    pytest.param(0, add_my_attendance, lambda c, w: c.get("/api/v1/activities/attendances/mine"), None, id="my-api"),
    pytest.param(
        2, add_themes, lambda c, w: c.get(reverse("activities:theme-list")), 'data-label="主题"', id="theme-page"
    ),
    pytest.param(
        2,
        add_themes,
        lambda c, w: c.get("/api/v1/activities/themes", {"org_id": w.tree.town_a.pk}),
        None,
        id="theme-api",
    ),
    pytest.param(
        2,
        add_tally_categories,
        lambda c, w: c.get(reverse("activities:tally-category-list")),
        'data-label="单位"',
        id="tally-page",
    ),
    pytest.param(
        2, add_tally_categories, lambda c, w: c.get("/api/v1/activities/tally-categories"), None, id="tally-api"
    ),
]


@pytest.mark.parametrize(("viewer", "add_rows", "call", "marker"), CASES)
def test_same_query_count_for_one_and_ten_rows(
    world: World,
    client: Client,
    django_assert_num_queries: Any,
    viewer: int,
    add_rows: Callable[[World, int], None],
    call: Callable[[Client, World], Any],
    marker: str | None,
) -> None:
    """viewer 0 is a volunteer, 1 the team leader, 2 the org admin. The world's own activity is row 0."""
    client.force_login([world.volunteer_users[0], world.leader_user, world.admin_user][viewer])
    add_rows(world, 1)
    call(client, world)  # warm caches that live across requests (content types, sessions)
    with CaptureQueriesContext(connection) as one_row:
        first = call(client, world)
    assert first.status_code == 200
    add_rows(world, 9)
    with django_assert_num_queries(len(one_row)):
        response = call(client, world)
    assert response.status_code == 200
    if marker is None:
        assert response.json()["count"] >= 10
    else:
        assert response.content.decode().count(marker) >= 10
