"""On a phone, in Chromium: the resident asks for help from the portal and follows it by code; axe-core
(vendored) finds no serious or critical accessibility violation on the portal, the help form, the
volunteer's workbench and the check-in pages."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from redvest.accounts.services import user_create
from redvest.activities.tests.factories import ActivityFactory, SignUpFactory
from redvest.demand.models import DemandCategory, ServiceRequest
from redvest.demand.tests.factories import ServiceItemFactory
from redvest.orgs.models import OrgKind, Station
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # The pages forbid inline scripts (CSP), so axe is evaluated through the browser's protocol, not a <script>.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(f"axe.run(document, {{runOnly: {json.dumps(WCAG_AA)}}})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def county():  # type: ignore[no-untyped-def]
    tree = OrgTree()
    node = org_node(name="城东红立方驿站", kind=OrgKind.POST, parent=tree.community_a)
    Station.objects.create(
        node=node,
        address="城东路1号",
        latitude=Decimal("31.026"),
        longitude=Decimal("119.91"),
        opening_hours="每天 08:00-20:00",
        amenities=["charging", "rest"],
    )
    ServiceItemFactory(name="水管维修", category=DemandCategory.LIFE, arrival_minutes=60)
    return tree


def test_resident_asks_for_help_on_a_phone_and_follows_it_by_code(page, live_server, county) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    assert serious_violations(page) == []
    page.click("main >> text=我要求助")
    assert serious_violations(page) == []
    page.click("text=生活求助")
    page.click("text=水管维修")
    assert "该项目60分钟内响应" in page.inner_text("main")
    assert serious_violations(page) == []
    page.fill("textarea[name=description]", "厨房水管漏水")
    page.select_option("select[name=area]", label="城东社区")
    page.fill("input[name=address]", "城东路8号301")
    page.fill("input[name=phone]", "13912345678")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/demand/help/done/" in url)
    code = page.inner_text("dd.code").strip()
    assert code == ServiceRequest.objects.get().tracking_code

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/demand/track/")
    assert serious_violations(page) == []
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/demand/track/2" in url)
    assert "已受理" in page.inner_text(".status-big")


def test_volunteer_home_and_check_in_pages_are_accessible(page, live_server, browser_login, county) -> None:  # type: ignore[no-untyped-def]
    user = user_create(username="vol", password="redvest-test-pw", name="李志愿", phone="13900002222")
    volunteer = VolunteerFactory(org=county.community_a, user=user)
    activity = ActivityFactory(org=county.community_a, title="敬老院陪护")
    SignUpFactory(activity=activity, volunteer=volunteer)
    browser_login("vol")
    page.goto(f"{live_server.url}/")
    assert "下一场活动：敬老院陪护" in page.inner_text("main")
    assert serious_violations(page) == []
    page.click("nav.tabbar >> text=签到")
    page.wait_for_url(lambda url: "/activities/checkin/" in url)
    assert serious_violations(page) == []
    page.click("text=输入签到码签到")
    page.wait_for_url(lambda url: f"/activities/{activity.pk}/checkin/" in url)
    assert serious_violations(page) == []


def test_large_text_mode_grows_the_text_and_is_remembered(page, live_server, county) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")

    def body_px() -> float:
        return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))

    normal = body_px()
    page.click("[data-text-size]")
    assert body_px() > normal * 1.2
    assert page.get_attribute("[data-text-size]", "aria-pressed") == "true"
    page.goto(f"{live_server.url}/demand/help/")
    assert body_px() > normal * 1.2  # remembered on the device
    assert serious_violations(page) == []
    page.click("[data-text-size]")
    assert body_px() == normal
