"""Closing parts: results, photos, time spent as service records (through activities' attendance),
组团 resolution when every part is done, closing twice, 红色代办 checks."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.activities.models import ActivityKind, ActivityMode, ActivityStatus, Attendance, AttendanceMethod
from redvest.activities.selectors import activity_manage_list
from redvest.core.errors import ValidationFailed
from redvest.core.models import Notification
from redvest.demand.errors import AlreadyDone, ErrandIncomplete
from redvest.demand.models import Callback, DispatchStatus, ErrandDocument, ErrandStep, RequestStatus
from redvest.demand.services import (
    Target,
    TimeSpent,
    dispatch_complete,
    dispatch_create,
    dispatch_decline,
    errand_document_receive,
    errand_step_done,
    request_resolve,
)
from redvest.demand.tests.factories import PNG_BYTES, ResidentFactory, ServiceItemFactory, ServiceRequestFactory
from redvest.records.models import RecordSource, ServiceRecord, ServiceTotal
from redvest.teams.tests.factories import TeamFactory, leader_login, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_part(county, now):
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    item = ServiceItemFactory(record_category="elderly_disabled")
    request = ServiceRequestFactory(area=county.community_a, item=item, created_at=now)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    return team, leader, part


def test_the_activity_carrying_the_time_is_a_demand_activity_already_ended(county, now, team_part):
    team, leader, part = team_part
    finish(leader, part, now + datetime.timedelta(hours=2), TimeSpent(member_of(team).pk, 60))
    part.refresh_from_db()
    assert part.activity.kind == ActivityKind.DEMAND and part.activity.status == ActivityStatus.ENDED
    assert not activity_manage_list(user=leader, at=now).filter(pk=part.activity.pk).exists()


def finish(leader, part, at, *entries: TimeSpent, **kw):
    return dispatch_complete(
        actor=leader, dispatch=part, result="已上门修好水管", time_spent=list(entries), now=at, **kw
    )


def test_time_spent_becomes_credit_records_through_attendance(county, now, team_part):
    team, leader, part = team_part
    a, b = member_of(team), member_of(team)
    done_at = now + datetime.timedelta(hours=2)
    finish(leader, part, done_at, TimeSpent(a.pk, 90), TimeSpent(b.pk, 45))
    part.refresh_from_db()
    activity = part.activity
    assert activity.mode == ActivityMode.DISPERSED and activity.category == "elderly_disabled"
    assert list(activity.teams.all()) == [team]
    stays = Attendance.objects.filter(activity=activity).order_by("volunteer_id")
    assert [s.check_in_method for s in stays] == [AttendanceMethod.PROXY] * 2
    records = {r.volunteer_id: r for r in ServiceRecord.objects.filter(activity=activity)}
    assert records[a.pk].minutes == 90 and records[b.pk].minutes == 45
    assert {r.source for r in records.values()} == {RecordSource.ATTENDANCE}
    assert ServiceTotal.objects.get(volunteer=a, kind="credit").minutes == 90


def test_last_part_done_resolves_and_opens_a_callback_task(county, now, team_part):
    team, leader, part = team_part
    resident_user = ResidentFactory(user=leader_login(TeamFactory(org=county.community_b)))
    part.request.resident = resident_user
    part.request.save()
    finish(leader, part, now + datetime.timedelta(hours=1))
    request = part.request
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED and request.resolved_at == now + datetime.timedelta(hours=1)
    callback = Callback.objects.get(request=request)
    assert callback.due_at == request.resolved_at + datetime.timedelta(days=3)
    assert Notification.objects.filter(recipient=county.dispatcher, title__contains="待回访").exists()
    told = Notification.objects.get(recipient=resident_user.user, title__contains="已办结")
    assert (told.sms_kind, told.sms_params) == ("request_completed", {"number": request.number})


def test_closing_a_part_twice_is_refused_and_posts_no_more_time(county, now, team_part):
    team, leader, part = team_part
    volunteer = member_of(team)
    finish(leader, part, now + datetime.timedelta(hours=1), TimeSpent(volunteer.pk, 30))
    with pytest.raises(AlreadyDone):
        finish(leader, part, now + datetime.timedelta(hours=2), TimeSpent(volunteer.pk, 30))
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1


def test_time_longer_than_since_dispatch_is_refused_and_nothing_is_written(county, now, team_part):
    team, leader, part = team_part
    volunteer = member_of(team)
    with pytest.raises(ValidationFailed) as exc:
        finish(leader, part, now + datetime.timedelta(minutes=30), TimeSpent(volunteer.pk, 60))
    assert "30分钟" in exc.value.errors["time_spent"]
    part.refresh_from_db()
    assert part.status == DispatchStatus.PENDING and part.activity is None
    assert not ServiceRecord.objects.exists() and not Attendance.objects.exists()


def test_time_for_someone_outside_the_team_is_refused(county, now, team_part):
    _team, leader, part = team_part
    outsider = member_of(TeamFactory(org=county.community_a))
    with pytest.raises(ValidationFailed):
        finish(leader, part, now + datetime.timedelta(hours=1), TimeSpent(outsider.pk, 30))
    assert not ServiceRecord.objects.exists()


def test_a_result_is_required(county, now, team_part):
    _team, leader, part = team_part
    with pytest.raises(Exception) as exc:
        dispatch_complete(actor=leader, dispatch=part, result="", now=now + datetime.timedelta(hours=1))
    assert "办理结果" in str(exc.value)


def test_photos_are_kept_and_non_images_refused(county, now, team_part):
    _team, leader, part = team_part
    with pytest.raises(ValidationFailed):
        finish(leader, part, now, photos=[SimpleUploadedFile("notes.exe", b"MZ")])
    finish(leader, part, now + datetime.timedelta(hours=1), photos=[SimpleUploadedFile("site.png", PNG_BYTES)])
    assert part.photos.get().original_name == "site.png"


def test_group_order_resolves_only_when_every_part_is_done(county, now):
    a, b = TeamFactory(org=county.community_a), TeamFactory(org=county.community_a)
    leader_a, leader_b = leader_login(a), leader_login(b)
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    part_a, part_b = dispatch_create(
        actor=county.dispatcher, request=request, targets=[Target("team", a.pk), Target("team", b.pk)], now=now
    )
    finish(leader_a, part_a, now + datetime.timedelta(hours=1))
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.resolved_at is None
    finish(leader_b, part_b, now + datetime.timedelta(hours=2))
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED
    assert "已上门修好水管" in request.result_summary


def test_declined_part_sends_a_finished_group_back_to_the_dispatcher(county, now):
    a, b = TeamFactory(org=county.community_a), TeamFactory(org=county.community_a)
    leader_a, leader_b = leader_login(a), leader_login(b)
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    part_a, part_b = dispatch_create(
        actor=county.dispatcher, request=request, targets=[Target("team", a.pk), Target("team", b.pk)], now=now
    )
    dispatch_decline(actor=leader_b, dispatch=part_b, reason="人手不足", now=now)
    finish(leader_a, part_a, now + datetime.timedelta(hours=1))
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED
    request_resolve(
        actor=county.dispatcher, request=request, note="另一部分已由社区自行解决", now=now + datetime.timedelta(hours=2)
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED


def test_errand_cannot_close_before_every_step_and_document(county, now):
    item = ServiceItemFactory(is_errand=True)
    request = ServiceRequestFactory(area=county.community_a, item=item, is_errand=True, created_at=now)
    doc = ErrandDocument.objects.create(request=request, name="身份证复印件", order=1)
    first = ErrandStep.objects.create(request=request, name="受理登记", order=1)
    second = ErrandStep.objects.create(request=request, name="代为递交", order=2)
    [part] = dispatch_create(
        actor=county.dispatcher, request=request, targets=[Target("station", county.station_a.pk)], now=now
    )
    with pytest.raises(ValidationFailed) as exc:
        errand_step_done(actor=county.dispatcher, step=second, note="", now=now)
    assert "受理登记" in exc.value.errors["step"]
    errand_step_done(actor=county.dispatcher, step=first, note="已登记", now=now)
    with pytest.raises(ErrandIncomplete) as incomplete:
        dispatch_complete(
            actor=county.dispatcher, dispatch=part, result="已递交", now=now + datetime.timedelta(hours=1)
        )
    assert "代为递交" in incomplete.value.message and "身份证复印件" in incomplete.value.message
    part.refresh_from_db()
    assert part.status == DispatchStatus.PENDING
    errand_step_done(actor=county.dispatcher, step=second, note="", now=now)
    errand_document_receive(actor=county.dispatcher, document=doc, received=True, now=now)
    dispatch_complete(
        actor=county.dispatcher, dispatch=part, result="已递交社保中心", now=now + datetime.timedelta(hours=1)
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED
