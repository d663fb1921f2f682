"""The forgotten-check-out sweep: the task enqueued at publish and the management command."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from redvest.activities.models import Activity, Attendance, AttendanceStatus
from redvest.activities.tasks import attendance_close_forgotten
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import ActivityFactory, AttendanceFactory


def ended_hours_ago(world: World, hours: int) -> Activity:
    end = timezone.now() - datetime.timedelta(hours=hours)
    Activity.objects.filter(pk=world.activity.pk).update(start_at=end - datetime.timedelta(hours=2), end_at=end)
    world.activity.refresh_from_db()
    return world.activity


def test_task_closes_only_its_activitys_forgotten_check_outs(world: World) -> None:
    activity = ended_hours_ago(world, 3)
    mine = AttendanceFactory(activity=activity)
    other_start = timezone.now() - datetime.timedelta(hours=6)
    other = AttendanceFactory(
        activity=ActivityFactory(
            org=world.tree.town_a,
            start_at=other_start,
            end_at=other_start + datetime.timedelta(hours=1),
            recruit_start=other_start - datetime.timedelta(days=1),
            recruit_end=other_start,
        )
    )
    assert attendance_close_forgotten.call(activity.pk) == 1
    assert Attendance.objects.get(pk=mine.pk).status == AttendanceStatus.AUTO_CLOSED
    assert Attendance.objects.get(pk=other.pk).status == AttendanceStatus.OPEN


def test_task_run_before_the_grace_period_ends_closes_nothing(world: World) -> None:
    activity = ended_hours_ago(world, 1)
    AttendanceFactory(activity=activity)
    assert attendance_close_forgotten.call(activity.pk) == 0
    assert Attendance.objects.get().status == AttendanceStatus.OPEN


def test_management_command_sweeps_and_is_safe_to_repeat(world: World) -> None:
    activity = ended_hours_ago(world, 3)
    AttendanceFactory.create_batch(2, activity=activity)
    out = StringIO()
    call_command("close_forgotten_checkouts", stdout=out)
    assert "已自动签退 2 条" in out.getvalue()
    call_command("close_forgotten_checkouts", stdout=out)
    assert "已自动签退 0 条" in out.getvalue()
    assert set(Attendance.objects.values_list("status", flat=True)) == {AttendanceStatus.AUTO_CLOSED}
