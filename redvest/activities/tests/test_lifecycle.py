"""The clock on activities: 招募中 → 进行中 → 已结束, stored in bulk by the periodic job and read by the
selectors and rules meanwhile; activities written for demand 工单 never show in the lists."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.activities.errors import ActivityEnded, RecruitmentClosed
from redvest.activities.models import Activity, ActivityKind, ActivityStatus, AttendanceStatus
from redvest.activities.selectors import BrowseFilters, activities_visible, activity_browse, activity_manage_list
from redvest.activities.selectors.calendar import month_calendar
from redvest.activities.services import (
    activities_advance,
    activity_publish,
    activity_update,
    attendance_check_in,
    signup_create,
)
from redvest.activities.services.activities import ActivityData
from redvest.activities.tasks import activities_advance_task
from redvest.activities.tests.conftest import SITE, World
from redvest.activities.tests.factories import ActivityFactory, SignUpFactory
from redvest.audit.models import AuditEntry


def _at(world: World, activity: Activity, *, start: datetime.datetime, hours: int = 2) -> Activity:
    """The activity moved to `start` (recruiting from a day before until its start)."""
    Activity.objects.filter(pk=activity.pk).update(
        start_at=start,
        end_at=start + datetime.timedelta(hours=hours),
        recruit_start=start - datetime.timedelta(days=1),
        recruit_end=start,
    )
    activity.refresh_from_db()
    return activity


def _activity(world: World, *, start: datetime.datetime, hours: int = 2, **kw: Any) -> Activity:
    activity = ActivityFactory(
        org=world.tree.town_a,
        start_at=start,
        end_at=start + datetime.timedelta(hours=hours),
        recruit_start=start - datetime.timedelta(days=1),
        recruit_end=start,
        **kw,
    )
    activity.teams.add(world.team)
    return activity


def _audits(activity: Activity) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type="activities.activity", target_id=str(activity.pk)).order_by("pk"))


# ---- The bulk advance --------------------------------------------------------------------------


def test_advance_moves_started_to_in_progress_and_finished_to_ended_with_an_audit_row_each(world: World) -> None:
    now = timezone.now()
    upcoming = world.activity
    running = _activity(world, start=now - datetime.timedelta(hours=1))
    finished = _activity(world, start=now - datetime.timedelta(days=30))
    was_running = _activity(world, start=now - datetime.timedelta(days=2), status=ActivityStatus.IN_PROGRESS)

    result = activities_advance(at=now)

    assert (result.started, result.ended) == (1, 2)
    statuses = dict(Activity.objects.values_list("pk", "status"))
    assert statuses[upcoming.pk] == ActivityStatus.PUBLISHED
    assert statuses[running.pk] == ActivityStatus.IN_PROGRESS
    assert statuses[finished.pk] == ActivityStatus.ENDED
    assert statuses[was_running.pk] == ActivityStatus.ENDED
    [entry] = _audits(finished)
    assert entry.actor is None and entry.org_id == world.tree.town_a.pk
    assert entry.before == {"status": "published"} and entry.after == {"status": "ended"}
    assert entry.reason == "活动已结束，系统自动更新状态"
    [entry] = _audits(running)
    assert entry.after == {"status": "in_progress"} and entry.reason == "活动已开始，系统自动更新状态"
    assert _audits(upcoming) == []


def test_advance_is_idempotent(world: World) -> None:
    now = timezone.now()
    _activity(world, start=now - datetime.timedelta(hours=1))
    _activity(world, start=now - datetime.timedelta(days=3))
    activities_advance(at=now)
    audits = AuditEntry.objects.count()

    again = activities_advance(at=now)

    assert (again.started, again.ended) == (0, 0)
    assert AuditEntry.objects.count() == audits


def test_advance_leaves_drafts_and_cancelled_activities_alone(world: World) -> None:
    past = timezone.now() - datetime.timedelta(days=3)
    draft = _activity(world, start=past, status=ActivityStatus.DRAFT)
    cancelled = _activity(world, start=past, status=ActivityStatus.CANCELLED)
    activities_advance(at=timezone.now())
    assert Activity.objects.get(pk=draft.pk).status == ActivityStatus.DRAFT
    assert Activity.objects.get(pk=cancelled.pk).status == ActivityStatus.CANCELLED


def test_advance_costs_the_same_queries_for_one_and_ten_activities(
    world: World, django_assert_num_queries: Any
) -> None:
    now = timezone.now()
    _activity(world, start=now - datetime.timedelta(days=3))
    _activity(world, start=now - datetime.timedelta(hours=1))
    with CaptureQueriesContext(connection) as one_each:
        activities_advance(at=now)
    for _ in range(10):
        _activity(world, start=now - datetime.timedelta(days=3))
        _activity(world, start=now - datetime.timedelta(hours=1))
    with django_assert_num_queries(len(one_each)):
        result = activities_advance(at=now)
    assert (result.started, result.ended) == (10, 10)


def test_advance_command_and_task_store_the_statuses(world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=3))
    out = StringIO()
    call_command("advance_activities", stdout=out)
    assert out.getvalue().strip() == "进行中 0 场，已结束 1 场"
    assert Activity.objects.get(pk=finished.pk).status == ActivityStatus.ENDED

    running = _activity(world, start=now - datetime.timedelta(minutes=5))
    assert activities_advance_task.call() == {"started": 1, "ended": 0}
    assert Activity.objects.get(pk=running.pk).status == ActivityStatus.IN_PROGRESS


# ---- What the clock changes before the job runs ---------------------------------------------------


def test_an_activity_past_its_end_reads_ended_before_the_job_runs(world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=3))
    running = _activity(world, start=now - datetime.timedelta(hours=1))
    assert finished.status == ActivityStatus.PUBLISHED  # stored
    assert finished.current_status == ActivityStatus.ENDED and finished.current_status_label == "已结束"
    assert running.current_status == ActivityStatus.IN_PROGRESS and running.current_status_label == "进行中"
    assert world.activity.current_status_label == "招募中"


def test_browse_lists_running_activities_and_drops_finished_ones_stored_or_not(world: World) -> None:
    now = timezone.now()
    running = _activity(world, start=now - datetime.timedelta(hours=1), status=ActivityStatus.IN_PROGRESS)
    _activity(world, start=now - datetime.timedelta(days=3))  # over, still stored as 招募中
    _activity(world, start=now - datetime.timedelta(days=4), status=ActivityStatus.ENDED)
    _activity(world, start=now - datetime.timedelta(minutes=90), hours=1, status=ActivityStatus.IN_PROGRESS)
    page = activity_browse(user=world.volunteer_users[0], filters=BrowseFilters(), at=now)
    assert [row.activity.pk for row in page.items] == [running.pk, world.activity.pk]


def test_status_filter_reads_the_clock(world: World) -> None:
    now = timezone.now()
    upcoming = world.activity
    running = _activity(world, start=now - datetime.timedelta(hours=1))  # stored 招募中
    finished = _activity(world, start=now - datetime.timedelta(days=3))  # stored 招募中
    ended = _activity(world, start=now - datetime.timedelta(days=5), status=ActivityStatus.ENDED)
    cancelled = _activity(world, start=now - datetime.timedelta(days=6), status=ActivityStatus.CANCELLED)

    def listed(status: str) -> set[int]:
        return {a.pk for a in activity_manage_list(user=world.leader_user, status=status, at=now)}

    assert listed(ActivityStatus.PUBLISHED) == {upcoming.pk}
    assert listed(ActivityStatus.IN_PROGRESS) == {running.pk}
    assert listed(ActivityStatus.ENDED) == {finished.pk, ended.pk}
    assert listed(ActivityStatus.CANCELLED) == {cancelled.pk}
    assert listed("") == {upcoming.pk, running.pk, finished.pk, ended.pk, cancelled.pk}


def test_manage_page_offers_in_progress_and_ended_and_filters_by_them(client: Client, world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=3), title="上月的助老活动")
    client.force_login(world.leader_user)
    html = client.get(reverse("activities:activity-manage")).content.decode()
    assert '<option value="in_progress">进行中</option>' in html and '<option value="ended">已结束</option>' in html
    ended = client.get(reverse("activities:activity-manage"), {"status": "ended"}).content.decode()
    assert finished.title in ended and world.activity.title not in ended
    assert '<td data-label="状态">已结束</td>' in ended


def test_manage_api_filters_by_ended_and_shows_the_current_status(client: Client, world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=3))
    client.force_login(world.leader_user)
    body = client.get("/api/v1/activities/manage", {"status": "ended"}).json()
    assert [(a["id"], a["status"], a["status_label"]) for a in body["items"]] == [(finished.pk, "ended", "已结束")]


def test_finished_activity_stays_on_its_page_and_in_the_calendar(client: Client, world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=1), title="昨天的环境整治")
    client.force_login(world.volunteer_users[0])
    page = client.get(reverse("activities:activity-detail", args=[finished.pk])).content.decode()
    assert '<span class="tag warn">已结束</span>' in page
    local = timezone.localtime(finished.start_at)
    cal = month_calendar(
        activities=activities_visible(user=world.volunteer_users[0]),
        org=world.tree.county,
        year=local.year,
        month=local.month,
        today=timezone.localdate(),
    )
    assert finished.pk in {e.id for week in cal.weeks for day in week for e in day.activities}


# ---- Sign-up and check-in by the clock -----------------------------------------------------------


def test_sign_up_to_an_ended_activity_is_refused_before_and_after_the_job(world: World) -> None:
    now = timezone.now()
    finished = _activity(world, start=now - datetime.timedelta(days=1))
    with pytest.raises(ActivityEnded, match="活动已结束，不能报名"):
        signup_create(actor=world.volunteer_users[0], activity=finished, at=now)
    activities_advance(at=now)
    finished.refresh_from_db()
    with pytest.raises(ActivityEnded):
        signup_create(actor=world.volunteer_users[0], activity=finished, at=now)


def test_sign_up_while_in_progress_follows_the_recruitment_window(world: World) -> None:
    now = timezone.now()
    running = _activity(world, start=now - datetime.timedelta(hours=1), hours=8, status=ActivityStatus.IN_PROGRESS)
    with pytest.raises(RecruitmentClosed):  # recruitment closed at the start
        signup_create(actor=world.volunteer_users[0], activity=running, at=now)
    Activity.objects.filter(pk=running.pk).update(recruit_end=now + datetime.timedelta(hours=2))
    running.refresh_from_db()
    signup = signup_create(actor=world.volunteer_users[0], activity=running, at=now)
    assert signup.is_active


def test_check_in_works_once_the_activity_is_stored_in_progress(world: World) -> None:
    now = timezone.now()
    running = _at(world, world.activity, start=now - datetime.timedelta(minutes=10))
    SignUpFactory(activity=running, volunteer=world.volunteer(0))
    activities_advance(at=now)
    running.refresh_from_db()
    assert running.status == ActivityStatus.IN_PROGRESS
    stay = attendance_check_in(
        actor=world.volunteer_users[0], activity=running, code=world.code(now, running), position=SITE, at=now
    )
    assert stay.status == AttendanceStatus.OPEN


def test_check_in_after_the_end_is_refused_whatever_is_stored(world: World) -> None:
    now = timezone.now()
    finished = _at(world, world.activity, start=now - datetime.timedelta(hours=3))
    SignUpFactory(activity=finished, volunteer=world.volunteer(0))
    with pytest.raises(ActivityEnded):
        attendance_check_in(
            actor=world.volunteer_users[0], activity=finished, code=world.code(now, finished), position=SITE, at=now
        )


def test_publishing_after_the_start_makes_it_in_progress(world: World) -> None:
    now = timezone.now()
    draft = _activity(world, start=now - datetime.timedelta(minutes=30), status=ActivityStatus.DRAFT)
    published = activity_publish(actor=world.leader_user, activity=draft, at=now)
    assert published.status == ActivityStatus.IN_PROGRESS


def test_moving_an_ended_activity_later_makes_it_recruiting_again(world: World) -> None:
    now = timezone.now()
    ended = _activity(world, start=now - datetime.timedelta(days=2), status=ActivityStatus.ENDED)
    start = now + datetime.timedelta(days=3)
    data = ActivityData(
        title=ended.title,
        org=ended.org,
        teams=[world.team],
        category=ended.category,
        place=ended.place,
        latitude=ended.latitude,
        longitude=ended.longitude,
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        recruit_start=now,
        recruit_end=start,
        quota=ended.quota,
    )
    moved = activity_update(actor=world.leader_user, activity=ended, data=data, at=now)
    assert moved.status == ActivityStatus.PUBLISHED
    assert _audits(ended)[-1].after["status"] == ActivityStatus.PUBLISHED


# ---- Activities written for demand 工单 -----------------------------------------------------------


def test_demand_activities_never_show_in_activity_lists(client: Client, world: World) -> None:
    now = timezone.now()
    demand = _activity(
        world, start=now + datetime.timedelta(hours=3), kind=ActivityKind.DEMAND, title="需求服务：助浴（工单1）"
    )
    past_demand = _activity(
        world,
        start=now - datetime.timedelta(hours=3),
        kind=ActivityKind.DEMAND,
        status=ActivityStatus.ENDED,
        title="需求服务：送餐（工单2）",
    )
    volunteer, leader = world.volunteer_users[0], world.leader_user
    browse = activity_browse(user=volunteer, filters=BrowseFilters(), at=now)
    assert demand.pk not in {row.activity.pk for row in browse.items}
    for status in ("", ActivityStatus.PUBLISHED, ActivityStatus.ENDED):
        assert not activity_manage_list(user=leader, status=status, at=now).filter(kind=ActivityKind.DEMAND).exists()
    for when in (demand.start_at, past_demand.start_at):
        local = timezone.localtime(when)
        cal = month_calendar(
            activities=activities_visible(user=leader),
            org=world.tree.county,
            year=local.year,
            month=local.month,
            today=timezone.localdate(),
        )
        shown = {e.id for week in cal.weeks for day in week for e in day.activities}
        assert demand.pk not in shown and past_demand.pk not in shown
    client.force_login(leader)
    for url in ("/api/v1/activities/", "/api/v1/activities/manage", "/api/v1/activities/manage?status=ended"):
        ids = {a["id"] for a in client.get(url).json()["items"]}
        assert demand.pk not in ids and past_demand.pk not in ids, url
    html = client.get(reverse("activities:activity-manage")).content.decode()
    assert "需求服务" not in html
