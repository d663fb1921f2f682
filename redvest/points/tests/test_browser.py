"""In Chromium: a volunteer redeems an item, the merchant confirms it at the counter by the 6-digit
code, and the volunteer's balance and statement show it."""

from __future__ import annotations

from typing import Any

import pytest

from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import RewardItemFactory


def _logout(page: Any) -> None:
    page.click("label.nav-burger")  # the phone layout folds the menu
    page.click("text=退出")
    page.wait_for_url(lambda url: "/accounts/login/" in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_volunteer_redeems_and_merchant_confirms_by_code(
    page: Any, live_server: Any, browser_login: Any, bank: Bank
) -> None:
    bank.give(100)
    item = RewardItemFactory(org=bank.merchant.org, merchant=bank.merchant, title="环保购物袋", points_cost=60, stock=3)

    browser_login("vol")
    page.goto(f"{live_server.url}/points/")
    assert page.inner_text("#balance") == "100"
    page.goto(f"{live_server.url}/points/catalog/")
    page.click("text=环保购物袋")
    page.click("#reserve")
    page.wait_for_url(lambda url: "/points/redemptions/" in url)
    assert "预约成功" in page.inner_text(".messages")
    code = page.inner_text("strong.code").strip()
    assert len(code) == 6 and code.isdigit()
    page.goto(f"{live_server.url}/points/")
    assert page.inner_text("#balance") == "40"
    _logout(page)

    browser_login("shop")
    page.goto(f"{live_server.url}/points/counter/")
    page.fill("#id_code", code)
    page.click("button:has-text('查找')")
    assert "张红梅" in page.inner_text("table.rows")
    page.click("button.confirm")
    page.wait_for_selector(".messages")
    assert "核销成功：环保购物袋×1" in page.inner_text(".messages")
    _logout(page)

    browser_login("vol")
    page.goto(f"{live_server.url}/points/statement/")
    assert page.inner_text("#statement-balance") == "40"
    first_row = page.locator("table.rows tbody tr").first
    assert "预约兑换：环保购物袋×1" in first_row.inner_text()
    assert first_row.locator(".delta").inner_text() == "-60"
    assert first_row.locator(".redemption-status").inner_text() == "已兑换"
    item.refresh_from_db()
    assert item.stock == 2
