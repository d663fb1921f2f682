"""Sign-up rules: window, registered volunteers, approval, quota and waitlist, overlap, promotion."""

from __future__ import annotations

import datetime

import pytest

from redvest.activities.errors import (
    ActivityCancelled,
    AlreadySignedUp,
    NotRegisteredVolunteer,
    OverlappingSignUp,
    QuotaFull,
    RecruitmentClosed,
    SignUpStateInvalid,
)
from redvest.activities.models import ActivityStatus, SignUp, SignUpStatus
from redvest.activities.services import signup_cancel, signup_create, signup_decide
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import ActivityFactory, AttendanceFactory, SignUpFactory
from redvest.core.errors import PermissionDenied
from redvest.core.models import Notification
from redvest.volunteers.models import Volunteer, VolunteerStatus


def during_recruitment(world: World) -> datetime.datetime:
    return world.activity.recruit_start + datetime.timedelta(hours=1)


def test_sign_up_needing_approval_is_pending(world: World) -> None:
    signup = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    assert signup.status == SignUpStatus.PENDING


def test_sign_up_without_approval_is_approved_at_once(world: World) -> None:
    world.activity.requires_approval = False
    world.activity.save()
    signup = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    assert signup.status == SignUpStatus.APPROVED


def test_sign_up_outside_the_recruitment_window_is_refused(world: World) -> None:
    for at in (
        world.activity.recruit_start - datetime.timedelta(minutes=1),
        world.activity.recruit_end + datetime.timedelta(minutes=1),
    ):
        with pytest.raises(RecruitmentClosed):
            signup_create(actor=world.volunteer_users[0], activity=world.activity, at=at)
    assert not SignUp.objects.exists()


def test_only_registered_volunteers_sign_up(world: World) -> None:
    Volunteer.objects.filter(user=world.volunteer_users[0]).update(status=VolunteerStatus.SUSPENDED)
    with pytest.raises(NotRegisteredVolunteer):
        signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    with pytest.raises(NotRegisteredVolunteer):
        signup_create(actor=world.admin_user, activity=world.activity, at=during_recruitment(world))
    assert not SignUp.objects.exists()


def test_cancelled_activity_refuses_sign_ups(world: World) -> None:
    world.activity.status = ActivityStatus.CANCELLED
    world.activity.save()
    with pytest.raises(ActivityCancelled):
        signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    assert not SignUp.objects.exists()


def test_second_sign_up_to_the_same_activity_is_refused(world: World) -> None:
    at = during_recruitment(world)
    signup_create(actor=world.volunteer_users[0], activity=world.activity, at=at)
    with pytest.raises(AlreadySignedUp):
        signup_create(actor=world.volunteer_users[0], activity=world.activity, at=at)
    assert SignUp.objects.count() == 1


def test_overlapping_sign_up_is_refused_naming_the_other_activity(world: World) -> None:
    a = world.activity
    other = ActivityFactory(
        title="敬老院慰问",
        org=a.org,
        start_at=a.start_at + datetime.timedelta(hours=1),
        end_at=a.end_at + datetime.timedelta(hours=1),
        recruit_start=a.recruit_start,
        recruit_end=a.recruit_end,
    )
    at = during_recruitment(world)
    signup_create(actor=world.volunteer_users[0], activity=other, at=at)
    with pytest.raises(OverlappingSignUp) as exc:
        signup_create(actor=world.volunteer_users[0], activity=a, at=at)
    assert "敬老院慰问" in exc.value.message and "时间重叠" in exc.value.message
    assert SignUp.objects.filter(activity=a).count() == 0


def test_back_to_back_activities_do_not_overlap(world: World) -> None:
    a = world.activity
    later = ActivityFactory(
        org=a.org,
        start_at=a.end_at,
        end_at=a.end_at + datetime.timedelta(hours=1),
        recruit_start=a.recruit_start,
        recruit_end=a.recruit_end,
    )
    at = during_recruitment(world)
    signup_create(actor=world.volunteer_users[0], activity=later, at=at)
    assert signup_create(actor=world.volunteer_users[0], activity=a, at=at).status == SignUpStatus.PENDING


def test_full_quota_waitlists_further_sign_ups(world: World) -> None:
    SignUpFactory.create_batch(2, activity=world.activity, status=SignUpStatus.APPROVED)  # quota is 2
    signup = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    assert signup.status == SignUpStatus.WAITLISTED


def test_approving_past_the_quota_is_refused_and_writes_nothing(world: World) -> None:
    SignUpFactory.create_batch(2, activity=world.activity, status=SignUpStatus.APPROVED)
    waiting = SignUpFactory(activity=world.activity, status=SignUpStatus.WAITLISTED)
    with pytest.raises(QuotaFull) as exc:
        signup_decide(actor=world.leader_user, signup=waiting, approve=True, at=during_recruitment(world))
    assert "2/2" in exc.value.message
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.WAITLISTED


def test_leader_approves_and_the_volunteer_is_told(world: World) -> None:
    signup = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=during_recruitment(world))
    signup_decide(actor=world.leader_user, signup=signup, approve=True, at=during_recruitment(world))
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.APPROVED and signup.decided_by == world.leader_user
    assert Notification.objects.filter(recipient=world.volunteer_users[0], title__contains="已录用").exists()


def test_volunteer_cannot_approve(world: World) -> None:
    signup = SignUpFactory(activity=world.activity, status=SignUpStatus.PENDING)
    with pytest.raises(PermissionDenied):
        signup_decide(actor=world.volunteer_users[0], signup=signup, approve=True, at=during_recruitment(world))
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING


def test_leader_of_another_team_cannot_approve(world: World) -> None:
    signup = SignUpFactory(activity=world.activity, status=SignUpStatus.PENDING)
    with pytest.raises(PermissionDenied):
        signup_decide(actor=world.other_leader_user, signup=signup, approve=True, at=during_recruitment(world))


def test_cancelling_an_approved_sign_up_promotes_the_first_waitlisted(world: World) -> None:
    at = during_recruitment(world)
    mine = SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    SignUpFactory(activity=world.activity, status=SignUpStatus.APPROVED)
    first = SignUpFactory(activity=world.activity, volunteer=world.volunteer(1), status=SignUpStatus.WAITLISTED)
    second = SignUpFactory(activity=world.activity, volunteer=world.volunteer(2), status=SignUpStatus.WAITLISTED)
    signup_cancel(actor=world.volunteer_users[0], signup=mine, at=at)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SignUpStatus.APPROVED
    assert second.status == SignUpStatus.WAITLISTED
    assert Notification.objects.filter(recipient=world.volunteer_users[1], title__contains="候补转为录用").exists()
    assert not Notification.objects.filter(recipient=world.volunteer_users[2]).exists()


def test_rejecting_an_approved_sign_up_promotes_the_waitlist(world: World) -> None:
    approved = SignUpFactory(activity=world.activity, status=SignUpStatus.APPROVED)
    SignUpFactory(activity=world.activity, status=SignUpStatus.APPROVED)
    waiting = SignUpFactory(activity=world.activity, status=SignUpStatus.WAITLISTED)
    signup_decide(actor=world.leader_user, signup=approved, approve=False, at=during_recruitment(world))
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.APPROVED


def test_cancelling_someone_elses_sign_up_is_refused(world: World) -> None:
    theirs = SignUpFactory(activity=world.activity, volunteer=world.volunteer(1))
    with pytest.raises(PermissionDenied):
        signup_cancel(actor=world.volunteer_users[0], signup=theirs, at=during_recruitment(world))


def test_cannot_cancel_after_checking_in(world: World) -> None:
    mine = SignUpFactory(activity=world.activity, volunteer=world.volunteer(0))
    AttendanceFactory(activity=world.activity, volunteer=world.volunteer(0))
    with pytest.raises(SignUpStateInvalid):
        signup_cancel(actor=world.volunteer_users[0], signup=mine, at=world.activity.start_at)
    mine.refresh_from_db()
    assert mine.status == SignUpStatus.APPROVED


def test_cancelled_sign_up_can_sign_up_again(world: World) -> None:
    at = during_recruitment(world)
    first = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=at)
    signup_cancel(actor=world.volunteer_users[0], signup=first, at=at)
    again = signup_create(actor=world.volunteer_users[0], activity=world.activity, at=at)
    assert again.status == SignUpStatus.PENDING
