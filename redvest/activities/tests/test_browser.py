"""End to end in Chromium: sign up, approval, check-in with the 6-digit code at the site (browser
geolocation), check-out, the hours on "my service", the leader's tallies on the activity page."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from redvest.accounts.tests.factories import UserFactory
from redvest.activities.codes import code_at
from redvest.activities.models import Activity, Attendance, AttendanceStatus
from redvest.activities.tests.factories import ActivityFactory, TallyCategoryFactory
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

SITE = {"latitude": 30.9001, "longitude": 119.9}  # about 11 m from the activity's point


@pytest.fixture
def phone(_browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """new_phone(): a phone-sized context standing at the activity site, location permission granted."""
    settings.AXES_ENABLED = False
    contexts: list[Any] = []

    def new_phone() -> Any:
        context = _browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            geolocation=SITE,
            permissions=["geolocation"],
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield new_phone
    for context in contexts:
        context.close()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "redvest-test-pw")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def type_current_code(page: Any, activity: Activity) -> None:
    page.wait_for_selector("#location-status:has-text('已定位')")
    page.fill("input[name=code]", code_at(activity.checkin_secret, timezone.now()))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_volunteer_signs_up_checks_in_and_out_and_sees_the_hours(phone: Any, live_server: Any) -> None:
    tree = OrgTree()
    leader_user, volunteer_user = UserFactory(username="leader"), UserFactory(username="volunteer")
    team = TeamFactory(org=tree.town_a, leader=VolunteerFactory(org=tree.town_a, user=leader_user))
    VolunteerFactory(org=tree.community_a, user=volunteer_user)
    rubbish = TallyCategoryFactory(org=tree.county, name="清理垃圾", unit="千克")
    now = timezone.now()
    activity = ActivityFactory(
        org=tree.town_a,
        title="城东河道保洁",
        latitude=Decimal("30.900000"),
        longitude=Decimal("119.900000"),
        start_at=now - datetime.timedelta(hours=2),  # running now
        end_at=now + datetime.timedelta(hours=1),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(minutes=30),
        quota=5,
        requires_approval=True,
    )
    activity.teams.add(team)
    base = live_server.url
    detail = f"{base}/activities/{activity.pk}/"

    volunteer = phone()
    log_in(volunteer, base, "volunteer")
    volunteer.goto(f"{base}/activities/")
    volunteer.click("text=城东河道保洁")
    volunteer.click("#signup-button")
    volunteer.wait_for_selector("text=报名成功，等待负责人审核")
    assert volunteer.inner_text("#my-signup-status") == "待审核"

    leader = phone()
    log_in(leader, base, "leader")
    leader.goto(f"{base}/activities/{activity.pk}/signups/")
    leader.click("#signups button:has-text('录用')")  # htmx swaps the row
    leader.wait_for_selector("#signups .signup-status:has-text('已录用')")

    volunteer.goto(detail)
    assert volunteer.inner_text("#my-signup-status") == "已录用"
    volunteer.click("#checkin-link")
    type_current_code(volunteer, activity)
    volunteer.click("#checkin-submit")
    volunteer.wait_for_selector("#attendance-status:has-text('已签到')")
    attendance = Attendance.objects.get(activity=activity)
    assert attendance.status == AttendanceStatus.OPEN and attendance.check_in_distance_m == 11

    # Ninety minutes of service pass (the browser cannot wait them out): move the check-in back.
    Attendance.objects.filter(pk=attendance.pk).update(check_in_at=timezone.now() - datetime.timedelta(minutes=90))
    volunteer.reload()
    type_current_code(volunteer, activity)
    volunteer.click("#checkin-submit")
    volunteer.wait_for_selector("#credit-hours")
    assert volunteer.inner_text("#credit-hours") == "1 小时 30 分"

    volunteer.goto(f"{base}/records/mine/")
    assert volunteer.inner_text("[data-testid=credit-hours]") == "1.5"

    leader.goto(f"{base}/activities/{activity.pk}/outcome/")
    leader.fill("input[name=beneficiaries]", "60")
    leader.fill(f"input[name=tally_{rubbish.pk}]", "35")
    leader.click("form >> button:has-text('保存')")
    leader.wait_for_url(detail)
    assert "清理垃圾" in leader.inner_text("#tallies") and "35 千克" in leader.inner_text("#tallies")
    assert "1 小时 30 分" in leader.inner_text("#outcomes")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_offline_check_in_is_kept_on_the_phone_and_sent_when_back_online(phone: Any, live_server: Any) -> None:
    tree = OrgTree()
    volunteer_user = UserFactory(username="offline-volunteer")
    VolunteerFactory(org=tree.community_a, user=volunteer_user)
    now = timezone.now()
    activity = ActivityFactory(
        org=tree.town_a,
        mode="dispersed",  # no sign-up needed: any registered volunteer checks in on site
        start_at=now - datetime.timedelta(minutes=5),
        end_at=now + datetime.timedelta(hours=2),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(hours=1),
    )
    base = live_server.url
    page = phone()
    log_in(page, base, "offline-volunteer")
    page.goto(f"{base}/activities/{activity.pk}/checkin/")
    type_current_code(page, activity)

    page.context.set_offline(True)
    page.click("#checkin-submit")
    page.wait_for_selector("#checkin-message:has-text('已在本机保存')")
    assert page.inner_text("#offline-queue .count") == "1"
    assert not Attendance.objects.exists()

    page.context.set_offline(False)  # the "online" event sends the queue
    page.wait_for_selector("#attendance-status:has-text('已签到')")
    attendance = Attendance.objects.get()
    assert attendance.check_in_method == "offline" and attendance.client_id
    assert page.evaluate("JSON.parse(localStorage.getItem('redvest.offline-attendance.v1')).length") == 0
