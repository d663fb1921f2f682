"""Chromium: an org admin opens the dashboard, the charts draw, a click on a child's bar drills down (the
link list beside the chart does the same), the breadcrumb leads back up, and the big screen opens."""

from __future__ import annotations

import pytest

from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import admin_at, county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A point inside one bar near its base (bars grow from there while the entry animation runs), read from
# the chart's own layout: the test clicks what a person would.
BAR_BOX = """([index]) => {
  const chart = echarts.getInstanceByDom(document.getElementById('chart-children'));
  const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
  const box = document.getElementById('chart-children').getBoundingClientRect();
  return {x: box.left + layout.x + layout.width / 2, y: box.top + layout.y + layout.height * 0.2};
}"""


def test_org_admin_drills_down_by_clicking_a_bar_and_opens_the_big_screen(page, live_server, browser_login):
    world = county()
    dashboards_refresh(full=True)
    user = admin_at(world.tree.county)
    browser_login(user.username)

    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_url(f"**/dashboards/{world.tree.county.pk}/")
    page.wait_for_selector("#chart-children canvas")
    assert page.locator(".chart canvas").count() >= 6
    assert "数据更新于" in page.inner_text("main")

    page.locator("#chart-children").scroll_into_view_if_needed()
    names = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-children')).getOption().xAxis[0].data"
    )
    index = names.index(world.tree.town_a.name)
    page.wait_for_timeout(1200)  # let the entry animation finish
    point = page.evaluate(BAR_BOX, [index])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/dashboards/{world.tree.town_a.pk}/")
    page.wait_for_selector("#chart-children canvas")

    page.click(f"a.drill-link >> text={world.tree.community_a.name}")  # the accessible link list
    page.wait_for_url(f"**/dashboards/{world.tree.community_a.pk}/")
    page.click(f".crumbs a >> text={world.tree.county.name}")
    page.wait_for_url(f"**/dashboards/{world.tree.county.pk}/")

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("text=大屏模式")
    page.wait_for_url(f"**/dashboards/{world.tree.county.pk}/screen/")
    page.wait_for_selector("#chart-stations canvas")
    assert page.inner_text("#num-volunteers") == "3"
    fits = page.evaluate(
        "() => document.documentElement.scrollHeight <= window.innerHeight"
        " && document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert fits  # no scrolling at 1920×1080
