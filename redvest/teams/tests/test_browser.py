"""In Chromium on a phone-sized screen: a volunteer applies to a team, the leader decides in the inbox
(htmx swaps the row in place, the service's message shows in the row)."""

from __future__ import annotations

import pytest

from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import JoinRequest, Membership
from redvest.teams.tests.factories import TeamFactory, leader_login, volunteer_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_applies_and_leader_approves_in_place(page, live_server, browser_login) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    team = TeamFactory(org=tree.town_a, name="城东应急支队")
    leader = leader_login(team)
    applicant = volunteer_login(tree.town_b)

    browser_login(applicant.username)
    page.goto(f"{live_server.url}/teams/{team.pk}/")
    page.select_option("select[name=kind]", "org")
    page.fill("input[name=message]", "我有急救证")
    page.click("text=申请加入")
    page.wait_for_selector("text=正在审批中")

    page.context.clear_cookies()
    browser_login(leader.username)
    page.goto(f"{live_server.url}/teams/join-requests/")
    row = page.locator("tr", has_text="我有急救证")
    row.locator("button", has_text="拒绝").click()
    page.wait_for_selector("text=请填写拒绝理由")  # 400 partial swapped into the row, nothing written
    assert JoinRequest.objects.get().status == "pending"

    page.locator("tr", has_text="我有急救证").locator("button", has_text="同意").click()
    page.wait_for_selector("text=已同意")
    assert page.url.endswith("/teams/join-requests/")  # swapped in place, no navigation
    assert Membership.objects.filter(team=team, volunteer__user=applicant, kind="org", left_at__isnull=True).exists()
