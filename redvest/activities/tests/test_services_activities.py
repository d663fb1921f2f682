"""Activity create/update/publish/cancel, themes and who may organise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from redvest.activities.errors import ActivityAlreadyPublished, ActivityCancelled, ActivityHasAttendance
from redvest.activities.models import Activity, ActivityStatus, SignUp, SignUpStatus
from redvest.activities.services import (
    ActivityData,
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
    theme_set,
)
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import AttendanceFactory, QuarterlyThemeFactory, SignUpFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.models import Notification


def data_for(world: World, **overrides: object) -> ActivityData:
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    values: dict[str, object] = {
        "title": "城东社区环境整治",
        "org": world.tree.town_a,
        "teams": [world.team],
        "category": "environment",
        "place": "城东社区广场",
        "latitude": Decimal("30.9"),
        "longitude": Decimal("119.9"),
        "start_at": start,
        "end_at": start + datetime.timedelta(hours=3),
        "recruit_start": start - datetime.timedelta(days=2),
        "recruit_end": start - datetime.timedelta(hours=1),
        "quota": 5,
    }
    values.update(overrides)
    return ActivityData(**values)  # type: ignore[arg-type]


def test_leader_creates_a_draft_for_their_team_with_audit(world: World) -> None:
    activity = activity_create(actor=world.leader_user, data=data_for(world))
    assert activity.status == ActivityStatus.DRAFT
    assert list(activity.teams.all()) == [world.team]
    assert activity.geofence_radius_m == 500
    assert len(activity.checkin_secret) == 64
    assert AuditEntry.objects.filter(target_type="activities.activity", target_id=str(activity.pk)).exists()


def test_several_teams_may_co_run_an_activity(world: World) -> None:
    activity = activity_create(actor=world.admin_user, data=data_for(world, teams=[world.team, world.other_team]))
    assert set(activity.teams.all()) == {world.team, world.other_team}


def test_leader_cannot_create_for_another_team(world: World) -> None:
    with pytest.raises(PermissionDenied):
        activity_create(actor=world.leader_user, data=data_for(world, teams=[world.other_team]))
    assert not Activity.objects.filter(title="城东社区环境整治").exists()


def test_leader_cannot_hold_an_activity_outside_their_team_node(world: World) -> None:
    with pytest.raises(PermissionDenied):
        activity_create(actor=world.leader_user, data=data_for(world, org=world.tree.town_b))


def test_volunteer_cannot_create_an_activity(world: World) -> None:
    with pytest.raises(PermissionDenied):
        activity_create(actor=world.volunteer_users[0], data=data_for(world))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"teams": []}, "teams"),
        ({"quota": 0}, "quota"),
        ({"latitude": Decimal("91")}, "latitude"),
        ({"longitude": Decimal("-181")}, "longitude"),
        ({"geofence_radius_m": 5}, "geofence_radius_m"),
        ({"category": "nonsense"}, "category"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(world: World, overrides: dict[str, object], field: str) -> None:
    before = Activity.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        activity_create(actor=world.leader_user, data=data_for(world, **overrides))
    assert field in exc.value.errors
    assert Activity.objects.count() == before


def test_end_must_follow_start(world: World) -> None:
    data = data_for(world)
    data.end_at = data.start_at
    with pytest.raises(ValidationFailed) as exc:
        activity_create(actor=world.leader_user, data=data)
    assert exc.value.errors["end_at"] == "结束时间必须晚于开始时间"


def test_recruitment_must_close_before_the_end(world: World) -> None:
    data = data_for(world)
    data.recruit_end = data.end_at + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as exc:
        activity_create(actor=world.leader_user, data=data)
    assert "recruit_end" in exc.value.errors


def test_activity_links_the_nearest_ancestor_theme_for_its_quarter(world: World) -> None:
    data = data_for(world, org=world.tree.community_a)
    local = timezone.localtime(data.start_at)
    quarter = (local.month - 1) // 3 + 1
    QuarterlyThemeFactory(org=world.tree.county, year=local.year, quarter=quarter, title="县级主题")
    town = QuarterlyThemeFactory(org=world.tree.town_a, year=local.year, quarter=quarter, title="街道主题")
    activity = activity_create(actor=world.admin_user, data=data)
    assert activity.theme == town


def test_setting_a_nearer_theme_relinks_the_quarter_activities(world: World) -> None:
    local = timezone.localtime(world.activity.start_at)
    quarter = (local.month - 1) // 3 + 1
    county_admin = world.admin_user
    county_theme = QuarterlyThemeFactory(org=world.tree.county, year=local.year, quarter=quarter)
    Activity.objects.filter(pk=world.activity.pk).update(theme=county_theme)
    theme = theme_set(actor=county_admin, org=world.tree.town_a, year=local.year, quarter=quarter, title="文明创建季")
    world.activity.refresh_from_db()
    assert world.activity.theme == theme


def test_only_org_admins_set_themes(world: World) -> None:
    with pytest.raises(PermissionDenied):
        theme_set(actor=world.leader_user, org=world.tree.town_a, year=2026, quarter=1, title="主题")
    with pytest.raises(PermissionDenied):
        theme_set(actor=world.admin_user, org=world.tree.town_b, year=2026, quarter=1, title="主题")


def test_theme_quarter_must_be_one_to_four(world: World) -> None:
    with pytest.raises(ValidationFailed):
        theme_set(actor=world.admin_user, org=world.tree.town_a, year=2026, quarter=5, title="主题")


def test_publish_opens_a_draft_once(world: World) -> None:
    activity = activity_create(actor=world.leader_user, data=data_for(world))
    now = timezone.now()
    activity_publish(actor=world.leader_user, activity=activity, at=now)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED and activity.published_at == now
    with pytest.raises(ActivityAlreadyPublished):
        activity_publish(actor=world.leader_user, activity=activity, at=now)


def test_publish_enqueues_the_forgotten_checkout_task_at_end_plus_grace(
    world: World,
    settings,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from django.tasks import default_task_backend

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": settings.TASK_QUEUES}
    }
    activity = activity_create(actor=world.leader_user, data=data_for(world))
    with django_capture_on_commit_callbacks(execute=True):
        activity_publish(actor=world.leader_user, activity=activity, at=timezone.now())
    results = default_task_backend.results  # type: ignore[attr-defined]
    assert len(results) == 1
    task = results[0].task
    assert task.queue_name == "attendance"
    assert task.run_after == activity.end_at + datetime.timedelta(hours=2)
    assert results[0].args == [activity.pk]


def test_leader_of_another_team_cannot_edit_publish_or_cancel(world: World) -> None:
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        activity_update(actor=world.other_leader_user, activity=world.activity, data=data_for(world), at=now)
    with pytest.raises(PermissionDenied):
        activity_cancel(actor=world.other_leader_user, activity=world.activity, reason="天气", at=now)


def test_update_changes_fields_and_audits_the_difference(world: World) -> None:
    data = data_for(world, title="改名后的活动")
    activity_update(actor=world.leader_user, activity=world.activity, data=data, at=timezone.now())
    world.activity.refresh_from_db()
    assert world.activity.title == "改名后的活动"
    entry = AuditEntry.objects.filter(target_id=str(world.activity.pk), action="update").latest("id")
    assert entry.after is not None and entry.after["title"] == "改名后的活动"


def test_raising_the_quota_promotes_the_waitlist(world: World) -> None:
    SignUpFactory.create_batch(2, activity=world.activity, status=SignUpStatus.APPROVED)
    waiting = SignUpFactory(activity=world.activity, status=SignUpStatus.WAITLISTED)
    a = world.activity
    data = data_for(
        world, start_at=a.start_at, end_at=a.end_at, recruit_start=a.recruit_start, recruit_end=a.recruit_end
    )
    data.quota = 3
    activity_update(actor=world.leader_user, activity=a, data=data, at=timezone.now())
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.APPROVED


def test_cancel_notifies_everyone_signed_up_and_closes_their_sign_ups(world: World) -> None:
    approved = SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    pending = SignUpFactory(activity=world.activity, volunteer=world.volunteer(1), status=SignUpStatus.PENDING)
    activity_cancel(actor=world.leader_user, activity=world.activity, reason="台风预警", at=timezone.now())
    world.activity.refresh_from_db()
    assert world.activity.status == ActivityStatus.CANCELLED
    assert set(SignUp.objects.filter(pk__in=[approved.pk, pending.pk]).values_list("status", flat=True)) == {
        "cancelled"
    }
    notified = set(Notification.objects.filter(title__contains="已取消").values_list("recipient_id", flat=True))
    assert notified == {world.volunteer_users[0].pk, world.volunteer_users[1].pk}


def test_cancel_needs_a_reason(world: World) -> None:
    with pytest.raises(Exception, match="请填写取消原因"):
        activity_cancel(actor=world.leader_user, activity=world.activity, reason=" ", at=timezone.now())
    world.activity.refresh_from_db()
    assert world.activity.status == ActivityStatus.PUBLISHED


def test_activity_with_attendance_cannot_be_cancelled(world: World) -> None:
    AttendanceFactory(activity=world.activity)
    with pytest.raises(ActivityHasAttendance):
        activity_cancel(actor=world.leader_user, activity=world.activity, reason="天气", at=timezone.now())


def test_cancelled_activity_cannot_be_edited_or_cancelled_again(world: World) -> None:
    activity_cancel(actor=world.leader_user, activity=world.activity, reason="天气", at=timezone.now())
    with pytest.raises(ActivityCancelled):
        activity_cancel(actor=world.leader_user, activity=world.activity, reason="天气", at=timezone.now())
    with pytest.raises(ActivityCancelled):
        activity_update(actor=world.leader_user, activity=world.activity, data=data_for(world), at=timezone.now())
