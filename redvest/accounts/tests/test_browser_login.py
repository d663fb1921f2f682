from __future__ import annotations

import pytest

from redvest.accounts.services import user_create
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.orgs.tests.factories import OrgTree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_logs_in_by_phone_sees_home_and_logs_out(page, live_server) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    user = user_create(username="county", password="redvest-test-pw", name="县管理员", phone="13900001111")
    RoleAssignmentFactory(user=user, role="org_admin", org=tree.county)

    page.goto(f"{live_server.url}/")  # the public portal: no login needed to ask for help
    assert "我要求助" in page.inner_text("main")
    page.click("header >> text=登录")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    page.fill("input[name=username]", "13900001111")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".errors").inner_text().strip() == "用户名/手机号或密码错误"

    page.fill("input[name=username]", "13900001111")
    page.fill("input[name=password]", "redvest-test-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "您好，县管理员" in page.inner_text("h1")
    assert "组织管理员" in page.inner_text("main")

    page.click("label.nav-burger")  # phone layout: the menu opens from the burger
    page.click("text=退出")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
