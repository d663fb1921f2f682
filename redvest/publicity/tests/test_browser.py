"""Chromium on a phone-sized screen: a volunteer writes their commitment and it appears on the public
wall with their name masked."""

from __future__ import annotations

import pytest

from redvest.orgs.tests.factories import OrgTree
from redvest.publicity.models import Commitment
from redvest.publicity.tests.factories import volunteer_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_commits_on_the_phone_and_the_wall_shows_it_masked(page, live_server, browser_login):
    tree = OrgTree()
    me = volunteer_login(tree.community_a, name="刘洪源")
    assert me.user is not None
    browser_login(me.user.username)

    page.goto(f"{live_server.url}/publicity/commitments/mine/")
    page.select_option("#id_setting", "community")
    page.fill("#id_text", "每月参加两次志愿服务，做好楼道卫生保洁")
    page.select_option("#id_target_kind", "activities")
    page.fill("#id_target_value", "24")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".messages >> text=承诺已提交")
    assert Commitment.objects.get(volunteer=me).target_value == 24

    page.click("text=查看承诺墙")
    page.wait_for_url(f"**/publicity/wall/{tree.community_a.pk}/")
    card = page.locator(".wall .card").first
    assert "每月参加两次志愿服务" in card.inner_text()
    assert page.inner_text(".wall-name") == "刘*源"
    assert "刘洪源" not in page.content()

    # The wall is public: a fresh context without the login sees the same.
    anonymous = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    other = anonymous.new_page()
    other.goto(f"{live_server.url}/publicity/wall/{tree.county.pk}/?setting=community")
    assert other.inner_text(".wall-name") == "刘*源"
    anonymous.close()
