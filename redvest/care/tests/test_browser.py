"""Chromium on a phone-sized screen: a paired volunteer finds their person under 我的结对, logs a visit
and turns the need found into a demand request in the same step."""

from __future__ import annotations

import pytest

from redvest.care.models import CareVisit
from redvest.care.tests.factories import CareWorld
from redvest.demand.models import ServiceRequest
from redvest.demand.tests.factories import ServiceItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_logs_a_visit_and_turns_the_need_into_a_request(page, live_server, browser_login):
    world = CareWorld()
    ServiceItemFactory(code="L401", name="上门助浴")
    browser_login(world.volunteer_user.username)

    page.goto(f"{live_server.url}/care/mine/")
    page.click(f"text={world.recipient.name}")
    page.click("text=记录走访")
    page.select_option("#id_form", "home")
    page.fill("#id_duration_minutes", "40")
    page.fill("#id_notes", "老人精神不错，家中整洁")
    page.fill("#id_need_found", "老人行动不便，希望有人上门助浴")
    page.select_option("#id_need_item_code", "L401")
    page.check("#id_create_request")
    page.click("button.primary[type=submit]")

    page.wait_for_selector(".messages >> text=已记录走访")
    request = ServiceRequest.objects.get()
    assert f"工单{request.number}" in page.inner_text(".messages")
    visit = CareVisit.objects.get()
    assert visit.request == request and visit.pairing == world.pairing
    assert "上门助浴" in request.item.name and world.recipient.name in request.description
