"""The tree expands with htmx and a 五有 inspection is recorded, on a phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.orgs.models import FiveHaveInspection
from redvest.orgs.tests.factories import OrgTree, role_user, station_node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_expands_tree_and_inspects_a_station(page: Any, live_server: Any, browser_login: Any) -> None:
    tree = OrgTree()
    station = station_node(parent=tree.community_a, name="城东服务点")
    admin = role_user(role=Role.ORG_ADMIN, org=tree.town_a, username="town-a")
    browser_login(admin.username)

    page.goto(f"{live_server.url}/orgs/")
    assert "画溪街道" not in page.inner_text("main")
    page.click(f"#node-{tree.town_a.pk} > details > summary", position={"x": 2, "y": 5})
    page.wait_for_selector("text=城东社区")
    page.click(f"#node-{tree.community_a.pk} > details > summary", position={"x": 2, "y": 5})
    page.click("text=城东服务点")
    page.wait_for_url(f"{live_server.url}/orgs/{station.pk}/")
    page.click("text=查看站点信息与五有清单")
    page.wait_for_url(f"{live_server.url}/orgs/stations/{station.pk}/")
    assert "五有未达标" in page.inner_text("h1")

    item = page.locator("#item-logo")
    item.locator("summary", has_text="登记检查结果").click()
    item.locator("input[type=date]").fill(timezone.localdate().isoformat())
    item.locator("input[value=fail]").check()
    item.locator("textarea").fill("标识褪色")
    item.locator("button", has_text="登记").click()
    page.wait_for_selector(".messages")
    assert "已登记" in page.inner_text(".messages")
    assert FiveHaveInspection.objects.get().notes == "标识褪色"
