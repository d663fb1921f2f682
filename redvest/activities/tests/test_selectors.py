"""Reads: browse near me is exact (the bounding box's corners are dropped), drafts stay hidden,
the month calendar groups by Shanghai date."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from redvest.activities.models import ActivityStatus
from redvest.activities.selectors import BrowseFilters, activities_visible, activity_browse, month_calendar
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import ActivityFactory


def test_browse_drops_the_corners_of_the_bounding_box(world: World) -> None:
    # 0.04° north and east of the point is about 5.8 km: inside a 5 km box, outside the 5 km circle.
    ActivityFactory(org=world.tree.town_a, title="角落", latitude=Decimal("30.940000"), longitude=Decimal("119.940000"))
    inside = ActivityFactory(
        org=world.tree.town_a, title="圆内", latitude=Decimal("30.930000"), longitude=Decimal("119.900000")
    )
    page = activity_browse(
        user=world.volunteer_users[0],
        filters=BrowseFilters(latitude=Decimal("30.9"), longitude=Decimal("119.9"), radius_km=5),
        at=timezone.now(),
    )
    assert [row.activity.title for row in page.items] == [world.activity.title, "圆内"]
    assert page.items[1].activity.pk == inside.pk and page.items[1].distance_m == 3336


def test_browse_hides_finished_cancelled_and_draft_activities(world: World) -> None:
    past_start = timezone.now() - datetime.timedelta(days=2)
    ActivityFactory(
        org=world.tree.town_a,
        start_at=past_start,
        end_at=past_start + datetime.timedelta(hours=1),
        recruit_start=past_start - datetime.timedelta(days=1),
        recruit_end=past_start,
    )
    ActivityFactory(org=world.tree.town_a, status=ActivityStatus.CANCELLED)
    ActivityFactory(org=world.tree.town_a, status=ActivityStatus.DRAFT)
    page = activity_browse(user=world.volunteer_users[0], filters=BrowseFilters(), at=timezone.now())
    assert [row.activity.pk for row in page.items] == [world.activity.pk]


def test_browse_pages_by_distance(world: World) -> None:
    for i in range(3):
        ActivityFactory(
            org=world.tree.town_a, latitude=Decimal("30.9") + Decimal(i + 1) / 1000, longitude=Decimal("119.9")
        )
    filters = BrowseFilters(latitude=Decimal("30.9"), longitude=Decimal("119.9"), radius_km=1)
    second = activity_browse(user=world.volunteer_users[0], filters=filters, at=timezone.now(), page=2, size=2)
    assert second.count == 4 and second.number == 2
    assert [row.distance_m for row in second.items] == [222, 334]


def test_organisers_see_their_drafts(world: World) -> None:
    draft = ActivityFactory(org=world.tree.town_a, status=ActivityStatus.DRAFT)
    draft.teams.add(world.team)
    assert activities_visible(user=world.leader_user).filter(pk=draft.pk).exists()
    assert not activities_visible(user=world.volunteer_users[0]).filter(pk=draft.pk).exists()


def test_month_calendar_groups_by_shanghai_date_and_limits_to_the_subtree(world: World) -> None:
    # 00:30 on the 25th in Shanghai is still the 24th in UTC.
    start = timezone.make_aware(datetime.datetime(2031, 7, 25, 0, 30))
    on_25th = ActivityFactory(
        org=world.tree.community_a,
        start_at=start,
        end_at=start + datetime.timedelta(hours=1),
        recruit_start=start - datetime.timedelta(days=3),
        recruit_end=start,
    )
    ActivityFactory(
        org=world.tree.town_b,
        start_at=start,
        end_at=start + datetime.timedelta(hours=1),
        recruit_start=start - datetime.timedelta(days=3),
        recruit_end=start,
    )
    cal = month_calendar(
        activities=activities_visible(user=world.volunteer_users[0]),
        org=world.tree.town_a,
        year=2031,
        month=7,
        today=datetime.date(2031, 7, 1),
    )
    cells = {c.day: c for week in cal.weeks for c in week}
    assert [a.id for a in cells[datetime.date(2031, 7, 25)].activities] == [on_25th.pk]
    assert {t.label for t in cells[datetime.date(2031, 7, 25)].tags} == {"党员先锋服务日", "党员志愿服务活动月"}
    assert cal.activity_count == 1 and cal.weeks[0][0].day.weekday() == 0
