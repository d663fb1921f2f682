"""Chromium on a phone-sized screen: a judge votes."""

from __future__ import annotations

import pytest

from redvest.awards.models import Vote
from redvest.awards.tests.factories import Contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_judge_votes_on_a_phone(page, live_server, browser_login):  # type: ignore[no-untyped-def]
    contest = Contest(votes_per_judge=3)
    own = contest.entry(contest.town_a, name="雉城本单位对象")
    other = contest.entry(contest.town_b, name="画溪参评对象")
    browser_login(contest.judge_a.user.username)
    url = f"{live_server.url}/awards/{contest.campaign.pk}/vote/"
    stale = page.context.new_page()
    stale.goto(url)  # a second tab opened before the vote
    page.goto(url)

    own_row = page.locator(f"#entry-{own.pk}")
    assert own_row.locator("button").is_disabled()
    assert "须回避" in own_row.inner_text()
    assert page.inner_text("[data-testid=votes-left]") == "3"

    with page.expect_response(f"**/awards/entries/{other.pk}/vote/"):
        page.click(f"#entry-{other.pk} button:has-text('投票')")
    page.wait_for_selector(f"#entry-{other.pk} >> text=已投票")
    assert page.inner_text("[data-testid=votes-left]") == "2"

    with stale.expect_response(f"**/awards/entries/{other.pk}/vote/"):
        stale.click(f"#entry-{other.pk} button:has-text('投票')")
    stale.wait_for_selector(f"#entry-{other.pk} >> text=已对该参评对象投过票")
    assert Vote.objects.filter(nomination=other).count() == 1
