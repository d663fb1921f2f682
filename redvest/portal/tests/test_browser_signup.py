"""On a phone, in Chromium: a resident who once asked for help by the hotline signs up with their phone and
the texted code, lands on their workbench and finds that request in 我的求助; axe-core finds no serious or
critical violation on the sign-up steps."""

from __future__ import annotations

import pytest
from django.utils import timezone

from redvest.accounts.tests import sms
from redvest.demand.models import RequestChannel
from redvest.demand.services import RequestData, request_create
from redvest.demand.tests.factories import ServiceItemFactory, role_at
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.portal.tests.test_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PASSWORD = "hong-ma-jia-2027"


def test_resident_signs_up_by_phone_and_sees_an_earlier_hotline_request(page, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms.OUTBOX.clear()
    tree = OrgTree()
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    data = RequestData(
        item_code=ServiceItemFactory(name="上门理发").code,
        description="老人行动不便，想请人上门理发",
        address="城东路8号",
        area_id=tree.community_a.pk,
        caller_name="王阿姨",
        caller_phone=PHONE,
    )
    earlier = request_create(
        actor=role_at(hotline), channel=RequestChannel.HOTLINE, data=data, now=timezone.now()
    ).request

    page.goto(f"{live_server.url}/")
    page.click("header >> text=注册")
    page.wait_for_url(lambda url: "/accounts/signup/" in url)
    assert serious_violations(page) == []
    page.fill("input[name=phone]", "139 1234 5678")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/signup/code/" in url)
    assert "139****5678" in page.inner_text("main")
    assert serious_violations(page) == []
    page.fill("input[name=code]", sms.last_code(PHONE))
    page.click("text=下一步")
    page.wait_for_url(lambda url: "/accounts/signup/details/" in url)
    assert serious_violations(page) == []
    page.fill("input[name=name]", "王阿姨")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.select_option("select[name=community]", label="城东社区")
    page.check("input[name=consent]")
    page.click("text=完成注册")
    page.wait_for_url(f"{live_server.url}/")
    assert "您好，王阿姨" in page.inner_text("h1")
    page.click("text=我的求助（办理中）")
    page.wait_for_url(lambda url: "/demand/mine/" in url)
    assert earlier.number in page.inner_text("main")
    assert serious_violations(page) == []
    sms.OUTBOX.clear()
