"""Each role's main journey in Chromium, end to end, starting from the workbench at `/` and following only
the links and buttons a user sees there: residents and volunteers on a phone (390×844), dispatchers,
leaders and admins on a desktop (1366×900)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.services import user_create
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.activities.codes import code_at
from redvest.activities.models import Attendance
from redvest.activities.tests.factories import ActivityFactory, AttendanceFactory
from redvest.demand.models import Dispatch, DispatchStatus, RequestStatus, ServiceRequest
from redvest.demand.tests.factories import County, ServiceItemFactory
from redvest.points.tests.factories import EarningRuleFactory
from redvest.records.models import ServiceRecord
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "redvest-test-pw"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FILE_FORMATS = {"Excel", "CSV", "PDF"}
SITE = {"latitude": 30.9701, "longitude": 119.91}  # about 11 m from the activity's point


@pytest.fixture
def open_as(_browser: Any, live_server: Any, settings: Any) -> Iterator[Callable[..., Any]]:
    """open_as("username", PHONE) → a page of a fresh context, logged in through the login form, on `/`."""
    settings.AXES_ENABLED = False
    contexts: list[Any] = []

    def _open(username: str, viewport: dict[str, int], **context_options: Any) -> Any:
        context = _browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **context_options
        )
        context.set_default_timeout(30000)  # generous: a shared test machine can be slow to serve a page
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _open
    for context in contexts:
        context.close()


def chinese_only(page: Any) -> Any:
    """The page as the user reads it holds no English word (codes and numbers are fine; file formats keep
    the names users know them by: 导出Excel)."""
    words = [w for w in re.findall(r"[A-Za-z]{3,}", page.inner_text("body")) if w not in FILE_FORMATS]
    assert words == [], f"{page.url}: {words}"
    return page


def person(username: str, name: str, phone: str) -> Any:
    return user_create(username=username, password=PASSWORD, name=name, phone=phone)


def test_resident_asks_dispatcher_sends_volunteer_serves_and_resident_rates(open_as: Any) -> None:
    county = County()
    ServiceItemFactory(name="水管维修", category="life", required_skills=["家电维修"], arrival_minutes=60)
    resident_user = person("resident", "王阿姨", "13900001111")
    RoleAssignmentFactory(user=resident_user, role=Role.RESIDENT, org=county.community_a)
    volunteer_user = person("helper", "李师傅", "13900002222")
    helper = VolunteerFactory(
        org=county.community_a, user=volunteer_user, name="李师傅", skills=["家电维修"], availability="随叫随到"
    )
    county.dispatcher.set_password(PASSWORD)
    county.dispatcher.save()

    # The resident, on a phone, asks for help from the workbench.
    resident = open_as("resident", PHONE)
    resident.click("main >> text=我要求助")
    resident.click("text=生活求助")
    resident.click("text=水管维修")
    resident.fill("textarea[name=description]", "厨房水管漏水，地上都是水")
    resident.select_option("select[name=area]", label="城东社区")
    resident.fill("input[name=address]", "城东路8号301")
    resident.fill("input[name=phone]", "13900001111")
    resident.click("main form button[type=submit]")
    resident.wait_for_url(lambda url: "/demand/help/done/" in url)
    chinese_only(resident)
    request = ServiceRequest.objects.get()
    assert request.number in resident.inner_text("main")

    # The dispatcher, on a desktop, finds it among the to-dos and sends it to the recommended volunteer.
    dispatcher = open_as(county.dispatcher.username, DESKTOP)
    dispatcher.click("main .todo-list >> text=待派单")
    dispatcher.click(f"text={request.number}")
    dispatcher.wait_for_selector(f"#recommendations input[value='volunteer:{helper.pk}']")
    assert "技能：家电维修" in chinese_only(dispatcher).inner_text("#recommendations")
    dispatcher.check(f"#recommendations input[value='volunteer:{helper.pk}']")
    dispatcher.click("#dispatch-submit")
    dispatcher.wait_for_selector(".messages >> text=已派单")

    # The volunteer, on a phone, takes the task, arrives and finishes it.
    volunteer = open_as("helper", PHONE)
    volunteer.click("main .todo-list >> text=派给我的服务任务")
    chinese_only(volunteer)
    volunteer.click("button:has-text('接单')")
    volunteer.wait_for_selector(".messages")
    volunteer.click("button:has-text('已到场')")
    volunteer.wait_for_selector(".messages")
    # Forty-five minutes on site pass (the browser cannot wait them out): move the part's clock back.
    hour = datetime.timedelta(hours=1)
    Dispatch.objects.update(
        dispatched_at=F("dispatched_at") - hour,
        responded_at=F("responded_at") - hour,
        arrived_at=F("arrived_at") - hour,
    )
    volunteer.click("a.button:has-text('办结')")
    volunteer.fill("textarea[name=result]", "更换了水管接头，已不漏水")
    volunteer.fill(f"input[name=minutes_{helper.pk}]", "45")
    volunteer.click("form >> button:has-text('办结')")
    volunteer.wait_for_selector(".messages")
    part = Dispatch.objects.get()
    assert part.status == DispatchStatus.DONE
    assert ServiceRecord.objects.get(volunteer=helper).minutes == 45

    # The resident comes back to the workbench and rates the service.
    # Resolved, the request has left the to-dos ("我的求助（办理中）"); the phone's menu (☰) lists it.
    resident.click("a.brand")
    resident.click("label.nav-burger")
    resident.click("nav.nav summary:has-text('需求与调度')")
    resident.click("nav.nav >> text=我的求助")
    resident.click(f"text={request.number}")
    chinese_only(resident).check("input[name=rating][value=satisfied]")
    resident.click("button:has-text('提交评价')")
    resident.wait_for_selector(".messages")
    request.refresh_from_db()
    assert request.status in {RequestStatus.RESOLVED, RequestStatus.CLOSED}
    assert request.feedbacks.get().rating == "satisfied"


def test_volunteer_signs_up_checks_in_by_qr_checks_out_and_sees_hours_and_points(
    open_as: Any, live_server: Any
) -> None:
    county = County()
    volunteer_user = person("vol", "陈晓", "13900003333")
    me = VolunteerFactory(org=county.community_a, user=volunteer_user)
    EarningRuleFactory(org=county.county)  # 10 points per credit hour
    now = timezone.now()
    activity = ActivityFactory(
        org=county.town_a,
        title="城东河道保洁",
        latitude=Decimal("30.970000"),
        longitude=Decimal("119.910000"),
        start_at=now - datetime.timedelta(hours=2),  # running now, sign-up still open
        end_at=now + datetime.timedelta(hours=1),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(minutes=30),
        quota=5,
        requires_approval=False,
    )

    phone = open_as("vol", PHONE, geolocation=SITE, permissions=["geolocation"])
    phone.click("nav.tabbar >> text=活动")
    phone.click("text=城东河道保洁")
    phone.click("#signup-button")
    phone.wait_for_selector("#my-signup-status")

    # Scanning the leader's QR opens the URL it holds (the check-in page with the current code); the
    # camera cannot be used headless, so the test opens that URL as the scan would.
    phone.click("a.brand")
    phone.click("main >> text=进行中：城东河道保洁，去签到")
    qr_url = f"{phone.url.split('?')[0]}?code={code_at(activity.checkin_secret, timezone.now())}"
    phone.goto(qr_url)
    phone.wait_for_selector("#location-status:has-text('已定位')")
    phone.click("#checkin-submit")
    phone.wait_for_selector("#attendance-status:has-text('已签到')")
    attendance = Attendance.objects.get(activity=activity, volunteer=me)

    # Ninety minutes of service pass (the browser cannot wait them out): move the check-in back.
    Attendance.objects.filter(pk=attendance.pk).update(check_in_at=timezone.now() - datetime.timedelta(minutes=90))
    # Checking out is scanning the QR again.
    phone.goto(f"{phone.url.split('?')[0]}?code={code_at(activity.checkin_secret, timezone.now())}")
    phone.wait_for_selector("#location-status:has-text('已定位')")
    phone.click("#checkin-submit")
    phone.wait_for_selector("#credit-hours")
    assert chinese_only(phone).inner_text("#credit-hours") == "1 小时 30 分"

    phone.click("a.brand")
    figures = chinese_only(phone).inner_text("main .cards")
    assert "1小时30分\n累计服务时长" in figures and "15\n积分余额" in figures
    phone.click("main .cards >> text=累计服务时长")
    assert phone.inner_text("[data-testid=credit-hours]") == "1.5"
    phone.click("a.brand")
    phone.click("main .cards >> text=积分余额")
    assert "15" in chinese_only(phone).inner_text("main")


def test_leader_closes_an_activity_checking_out_a_forgotten_stay_and_filing_the_outcome(open_as: Any) -> None:
    county = County()
    leader = VolunteerFactory(org=county.town_a, user=person("leader", "张队长", "13900004444"))
    team = TeamFactory(org=county.town_a, leader=leader, name="城东志愿服务队")
    now = timezone.now()
    activity = ActivityFactory(
        org=county.town_a,
        title="敬老院陪护",
        start_at=now - datetime.timedelta(hours=3),
        end_at=now - datetime.timedelta(hours=1),
        recruit_start=now - datetime.timedelta(days=3),
        recruit_end=now - datetime.timedelta(hours=4),
    )
    activity.teams.add(team)
    stay = AttendanceFactory(activity=activity, volunteer=VolunteerFactory(org=county.community_a, name="周阿强"))

    desk = open_as("leader", DESKTOP)
    desk.click("nav.nav summary:has-text('活动与时长')")
    desk.click("nav.nav >> text=我组织的活动")
    desk.click("main >> text=敬老院陪护")
    desk.click("main >> text=签到记录")
    row = chinese_only(desk).locator(f"#attendance-{stay.pk}")
    row.locator("input[name=reason]").fill("手机没电，忘记签退")
    row.locator("button:has-text('代签退')").click()
    desk.wait_for_selector(".messages")
    stay.refresh_from_db()
    assert stay.check_out_at is not None and ServiceRecord.objects.filter(volunteer=stay.volunteer).exists()

    desk.click("main h1 >> text=敬老院陪护")  # the page's heading links back to the activity
    desk.click("main >> text=填报成效")
    desk.fill("input[name=beneficiaries]", "40")
    desk.click("main form >> button:has-text('保存')")
    desk.wait_for_url(lambda url: url.endswith(f"/activities/{activity.pk}/"))
    assert "40" in chinese_only(desk).inner_text("#outcomes")


def test_admin_sees_a_registration_waiting_and_clears_it(open_as: Any) -> None:
    county = County()
    admin = person("townadmin", "赵主任", "13900005555")
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=county.town_a)
    pending = VolunteerFactory(org=county.community_a, name="孙新人", status="pending")

    desk = open_as("townadmin", DESKTOP)
    desk.click("main .todo-list >> text=待审核的志愿者注册")
    chinese_only(desk).click("text=孙新人")
    desk.select_option("select[name=status]", "registered")
    desk.click("form >> button:has-text('确定')")
    desk.wait_for_selector(".messages")
    pending.refresh_from_db()
    assert pending.status == "registered"
    desk.click("a.brand")
    assert "待审核的志愿者注册" not in desk.inner_text("main")
