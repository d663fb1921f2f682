"""Pages: each renders, refuses with a Chinese message and a 4xx, and asks the policy."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.activities.codes import code_at
from redvest.activities.models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services import attendance_auto_close
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    QuarterlyThemeFactory,
    SignUpFactory,
    TallyCategoryFactory,
)
from redvest.records.models import ServiceRecord

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def running(world: World) -> World:
    now = timezone.now()
    Activity.objects.filter(pk=world.activity.pk).update(
        start_at=now - datetime.timedelta(minutes=10),
        end_at=now + datetime.timedelta(hours=2),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(hours=1),
    )
    world.activity.refresh_from_db()
    return world


def test_browse_page_lists_open_activities_with_tags(client: Client, world: World) -> None:
    ActivityFactory(org=world.tree.town_a, title="已取消的活动", status=ActivityStatus.CANCELLED)
    response = login(client, world.volunteer_users[0]).get(reverse("activities:activity-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.activity.title in html and "已取消的活动" not in html


def test_browse_page_with_location_shows_distance(client: Client, world: World) -> None:
    response = login(client, world.volunteer_users[0]).get(
        reverse("activities:activity-list"), {"lat": "30.905", "lng": "119.9", "radius": "5"}
    )
    assert "距您 556 米" in response.content.decode()


def test_browse_page_ignores_garbage_filters(client: Client, world: World) -> None:
    response = login(client, world.volunteer_users[0]).get(
        reverse("activities:activity-list"), {"lat": "abc", "radius": "x", "date": "2026-99-99", "category": "no"}
    )
    assert response.status_code == 200


def test_detail_page_offers_sign_up_and_shows_the_result(client: Client, running: World) -> None:
    login(client, running.volunteer_users[0])
    url = reverse("activities:activity-detail", args=[running.activity.pk])
    assert 'id="signup-button"' in client.get(url).content.decode()
    response = client.post(reverse("activities:signup-create", args=[running.activity.pk]), follow=True)
    html = response.content.decode()
    assert "报名成功，等待负责人审核" in html and "待审核" in html


def test_refused_sign_up_shows_the_message_with_a_4xx(client: Client, world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(recruit_end=timezone.now() - datetime.timedelta(hours=1))
    response = login(client, world.volunteer_users[0]).post(
        reverse("activities:signup-create", args=[world.activity.pk])
    )
    assert response.status_code == 409
    assert "报名已于" in response.content.decode()
    assert not SignUp.objects.exists()


def test_leader_creates_an_activity_through_the_form(client: Client, world: World) -> None:
    start = timezone.localtime() + datetime.timedelta(days=5)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title": "文明劝导",
        "org": world.tree.town_a.pk,
        "teams": [world.team.pk],
        "category": "civilisation",
        "mode": "concentrated",
        "place": "十字路口",
        "latitude": "30.9",
        "longitude": "119.9",
        "geofence_radius_m": "300",
        "start_at": start.strftime(fmt),
        "end_at": (start + datetime.timedelta(hours=2)).strftime(fmt),
        "recruit_start": (start - datetime.timedelta(days=3)).strftime(fmt),
        "recruit_end": (start - datetime.timedelta(days=1)).strftime(fmt),
        "quota": "6",
        "requires_approval": "on",
        "skills_wanted": "交通劝导，急救",
    }
    login(client, world.leader_user)
    assert client.get(reverse("activities:activity-create")).status_code == 200
    response = client.post(reverse("activities:activity-create"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="文明劝导")
    assert activity.skills_wanted == ["交通劝导", "急救"] and activity.geofence_radius_m == 300
    bad = dict(data, title="结束早于开始", end_at=data["start_at"])
    refused = client.post(reverse("activities:activity-create"), bad)
    assert refused.status_code == 400 and "结束时间必须晚于开始时间" in refused.content.decode()
    edit = client.get(reverse("activities:activity-edit", args=[activity.pk]))
    assert edit.status_code == 200 and "文明劝导" in edit.content.decode()


def test_leader_of_another_team_cannot_manage_the_activity(client: Client, world: World) -> None:
    login(client, world.other_leader_user)
    for name in ("activity-edit", "activity-cancel", "signup-list", "code", "attendance-list", "outcome"):
        response = client.get(reverse(f"activities:{name}", args=[world.activity.pk]))
        assert response.status_code == 404, name
        assert "活动不存在或您无权查看" in response.content.decode()
    assert client.post(reverse("activities:activity-publish", args=[world.activity.pk])).status_code == 404


def test_volunteer_cannot_approve_through_the_page(client: Client, world: World) -> None:
    signup = SignUpFactory(activity=world.activity, status=SignUpStatus.PENDING)
    response = login(client, world.volunteer_users[0]).post(
        reverse("activities:signup-decide", args=[signup.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING


def test_leader_approves_with_htmx_and_gets_the_row(client: Client, world: World) -> None:
    signup = SignUpFactory(activity=world.activity, status=SignUpStatus.PENDING)
    response = login(client, world.leader_user).post(
        reverse("activities:signup-decide", args=[signup.pk]), {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "已录用" in response.content.decode()


def test_approving_past_the_quota_shows_the_message_in_the_row(client: Client, world: World) -> None:
    SignUpFactory.create_batch(2, activity=world.activity, status=SignUpStatus.APPROVED)
    waiting = SignUpFactory(activity=world.activity, status=SignUpStatus.WAITLISTED)
    response = login(client, world.leader_user).post(
        reverse("activities:signup-decide", args=[waiting.pk]), {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409 and "招募名额已满" in response.content.decode()


def test_publish_and_cancel_pages(client: Client, world: World) -> None:
    draft = ActivityFactory(org=world.tree.town_a, status=ActivityStatus.DRAFT)
    draft.teams.add(world.team)
    login(client, world.leader_user)
    assert client.post(reverse("activities:activity-publish", args=[draft.pk])).status_code == 302
    missing = client.post(reverse("activities:activity-cancel", args=[draft.pk]), {"reason": ""})
    assert missing.status_code == 400
    done = client.post(reverse("activities:activity-cancel", args=[draft.pk]), {"reason": "场地冲突"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ActivityStatus.CANCELLED


def test_code_screen_shows_six_digits_and_a_qr_code(client: Client, world: World) -> None:
    login(client, world.leader_user)
    page = client.get(reverse("activities:code", args=[world.activity.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page and "<svg" in page
    partial = client.get(reverse("activities:code-partial", args=[world.activity.pk])).content.decode()
    code = code_at(world.activity.checkin_secret, timezone.now())
    previous = code_at(world.activity.checkin_secret, timezone.now() - datetime.timedelta(seconds=60))
    assert code in partial or previous in partial


def test_check_in_page_prefills_the_code_from_the_qr_link(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    page = login(client, running.volunteer_users[0]).get(
        reverse("activities:checkin", args=[running.activity.pk]), {"code": "123456"}
    )
    html = page.content.decode()
    assert 'value="123456"' in html and 'data-kind="check_in"' in html


def test_no_script_check_in_and_out(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    login(client, running.volunteer_users[0])
    body = {"code": code_at(running.activity.checkin_secret, timezone.now()), "latitude": "30.9", "longitude": "119.9"}
    assert client.post(reverse("activities:checkin-submit", args=[running.activity.pk]), body).status_code == 302
    again = client.post(reverse("activities:checkin-submit", args=[running.activity.pk]), body)
    assert again.status_code == 409 and "已签到，请勿重复操作" in again.content.decode()
    body["code"] = code_at(running.activity.checkin_secret, timezone.now())
    assert client.post(reverse("activities:checkout-submit", args=[running.activity.pk]), body).status_code == 302
    assert Attendance.objects.get().status == AttendanceStatus.CLOSED


def test_check_in_with_a_wrong_code_shows_the_message(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    login(client, running.volunteer_users[0])
    now = timezone.now()
    wrong = next(c for c in ("000000", "111111", "222222") if c not in {code_at(running.activity.checkin_secret, now)})
    response = client.post(
        reverse("activities:checkin-submit", args=[running.activity.pk]),
        {"code": wrong, "latitude": "30.9", "longitude": "119.9"},
    )
    assert response.status_code == 400 and "签到码错误或已过期" in response.content.decode()
    assert not Attendance.objects.exists()


def test_leader_proxy_and_confirm_pages(client: Client, world: World) -> None:
    a = world.activity
    SignUpFactory(activity=a, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    AttendanceFactory(activity=a, volunteer=world.volunteer(1), check_in_at=a.start_at)
    attendance_auto_close(at=a.end_at + datetime.timedelta(hours=3))
    login(client, world.leader_user)
    page = client.get(reverse("activities:attendance-list", args=[a.pk])).content.decode()
    assert "按活动结束时间确认" in page
    auto = Attendance.objects.get(status=AttendanceStatus.AUTO_CLOSED)
    assert client.post(reverse("activities:attendance-confirm", args=[auto.pk])).status_code == 302
    assert ServiceRecord.objects.get(attendance=auto).minutes == 120
    # Proxy check-in before the window opens is refused with the reason shown.
    early = client.post(
        reverse("activities:attendance-proxy-in", args=[a.pk]), {"volunteer": world.volunteer(0).pk, "reason": "代签"}
    )
    assert early.status_code == 409 and "签到尚未开始" in early.content.decode()


def test_outcome_form_saves_tallies_and_detail_shows_them(client: Client, world: World) -> None:
    patrol = TallyCategoryFactory(org=world.tree.town_a, name="巡逻", unit="次")
    login(client, world.leader_user)
    url = reverse("activities:outcome", args=[world.activity.pk])
    assert "巡逻（次）" in client.get(url).content.decode()
    data = {
        "sessions": "1",
        "beneficiaries": "12",
        "problems_found": "2",
        "problems_solved": "1",
        f"tally_{patrol.pk}": "4",
    }
    assert client.post(url, data).status_code == 302
    detail = client.get(reverse("activities:activity-detail", args=[world.activity.pk])).content.decode()
    assert 'id="tallies"' in detail and "巡逻" in detail and "4 次" in detail


def test_photo_upload_is_served_only_through_the_login_checked_view(client: Client, world: World) -> None:
    login(client, world.leader_user)
    upload = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    assert client.post(reverse("activities:photo-add", args=[world.activity.pk]), {"image": upload}).status_code == 302
    photo = ActivityPhoto.objects.get()
    assert client.get(reverse("activities:photo", args=[photo.pk])).status_code == 200
    fake = SimpleUploadedFile("evil.png", b"<script>", content_type="image/png")
    refused = client.post(reverse("activities:photo-add", args=[world.activity.pk]), {"image": fake})
    assert refused.status_code == 400 and "不是有效的图片" in refused.content.decode()
    client.logout()
    assert client.get(reverse("activities:photo", args=[photo.pk])).status_code == 302


def test_calendar_page_shows_tags_theme_and_activities(client: Client, world: World) -> None:
    start = timezone.localtime(world.activity.start_at)
    QuarterlyThemeFactory(
        org=world.tree.county, year=start.year, quarter=(start.month - 1) // 3 + 1, title="县级季度主题"
    )
    login(client, world.volunteer_users[0])
    response = client.get(
        reverse("activities:calendar"), {"org": world.tree.town_a.pk, "year": start.year, "month": start.month}
    )
    html = response.content.decode()
    assert "县级季度主题" in html and world.activity.title in html
    july = client.get(
        reverse("activities:calendar"), {"org": world.tree.town_a.pk, "year": 2026, "month": 7}
    ).content.decode()
    assert "七一" in july and "党员先锋服务日" in july and "党员志愿服务活动月" in july


def test_theme_and_tally_admin_pages(client: Client, world: World) -> None:
    login(client, world.admin_user)
    saved = client.post(
        reverse("activities:theme-list"),
        {"org": world.tree.town_a.pk, "year": "2026", "quarter": "3", "title": "七一先锋季", "description": ""},
    )
    assert saved.status_code == 302
    assert "七一先锋季" in client.get(reverse("activities:theme-list")).content.decode()
    added = client.post(
        reverse("activities:tally-category-list"), {"org": world.tree.town_a.pk, "name": "劝导", "unit": "人次"}
    )
    assert added.status_code == 302
    duplicate = client.post(
        reverse("activities:tally-category-list"), {"org": world.tree.town_a.pk, "name": "劝导", "unit": "人次"}
    )
    assert duplicate.status_code == 400 and "本级已有统计项" in duplicate.content.decode()


def test_my_attendance_page_shows_credited_hours(client: Client, world: World) -> None:
    a = world.activity
    SignUpFactory(activity=a, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    from redvest.activities.services import attendance_check_in, attendance_check_out
    from redvest.activities.tests.conftest import SITE

    t_in, t_out = a.start_at, a.start_at + datetime.timedelta(minutes=95)
    attendance_check_in(actor=world.volunteer_users[0], activity=a, code=world.code(t_in), position=SITE, at=t_in)
    attendance_check_out(actor=world.volunteer_users[0], activity=a, code=world.code(t_out), position=SITE, at=t_out)
    page = login(client, world.volunteer_users[0]).get(reverse("activities:my-attendance")).content.decode()
    assert "1 小时 35 分" in page
