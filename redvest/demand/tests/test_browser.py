"""Chromium: the 96345 operator console from the call to the dispatch with the keyboard alone, and the
operator's callback."""

from __future__ import annotations

import pytest

from redvest.demand.models import Dispatch, RequestStatus, ServiceRequest
from redvest.demand.tests.factories import (
    CallbackFactory,
    County,
    ResidentFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
)
from redvest.teams.tests.factories import TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_takes_a_call_and_dispatches_with_the_keyboard(page, live_server, browser_login):
    county = County()
    ServiceItemFactory(code="SH001", name="水电维修", required_skills=["家电维修"])
    TeamFactory(org=county.community_a, name="城东便民服务队")
    ResidentFactory(raw_phone="13800138000", name="张阿姨", address="城东路8号", area=county.community_a)
    browser_login(county.dispatcher.username)

    page.goto(f"{live_server.url}/demand/console/")
    page.keyboard.type("13800138000")  # the phone field has the focus
    page.wait_for_selector("#known-caller")
    page.keyboard.press("Alt+f")  # fill the known caller in
    assert page.input_value("#id_address") == "城东路8号"
    page.keyboard.press("Alt+2")
    page.keyboard.type("SH001")
    assert page.input_value("#id_item") == "SH001"
    page.keyboard.press("Alt+3")
    page.keyboard.type("卫生间水管爆裂，水漫到客厅")
    page.keyboard.press("Control+Enter")

    page.wait_for_url("**/demand/requests/*/")
    assert "已受理" in page.inner_text(".messages")
    page.wait_for_selector("#recommendations input[name=target]")
    page.focus("#dispatch-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages >> text=已派单")

    request = ServiceRequest.objects.get()
    assert request.status == RequestStatus.DISPATCHED and request.resident.name == "张阿姨"
    assert Dispatch.objects.get(request=request).is_active
    assert "待接单" in page.inner_text(".parts")


def test_operator_records_a_callback(page, live_server, browser_login):
    county = County()
    request = ServiceRequestFactory(
        area=county.community_a, status=RequestStatus.RESOLVED, resident=ResidentFactory(name="李大爷")
    )
    CallbackFactory(request=request)
    browser_login(county.dispatcher.username)

    page.goto(f"{live_server.url}/demand/callbacks/")
    assert "李大爷" in page.inner_text("table")
    page.click("tbody a.button.primary")
    page.check("input[name=rating][value=satisfied]")
    page.fill("#id_comment", "服务很及时")
    page.click("button:has-text('登记回访')")
    page.wait_for_selector(".messages >> text=回访已登记")

    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.callbacks.get().comment == "服务很及时"
