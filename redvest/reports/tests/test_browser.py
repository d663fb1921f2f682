"""Chromium: a community admin files the quarter's report (edits one figure with a reason, submits);
the town's admin reviews it, sees the edited figure highlighted with its record value, returns it,
and after resubmission accepts it."""

from __future__ import annotations

import pytest

from redvest.reports.models import EventKind, QuarterlyReport, ReportStatus
from redvest.reports.tests.factories import ReportTree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_community_files_and_town_reviews_a_quarterly_report(page, live_server, browser_login):
    tree = ReportTree()
    browser_login(tree.community_admin.username)

    page.goto(f"{live_server.url}/reports/")
    page.click("button:text-is('开始填报')")
    page.wait_for_url("**/reports/*/")
    page.fill("#id_figure_activities", "3")
    page.fill("#id_reason_activities", "两次线下集中服务未在平台登记")
    page.fill("#id_highlights", "开展助老志愿服务，走访独居老人")
    page.click("button[value=submit]")
    page.wait_for_selector(".messages >> text=季报已报送")
    report = QuarterlyReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED

    page.context.clear_cookies()
    browser_login(tree.town_admin.username)
    page.goto(f"{live_server.url}/reports/review/")
    page.click("table.rows a.button:text-is('审核')")
    page.wait_for_url(f"**/reports/{report.pk}/")
    edited = page.locator("table.figures tr.edited")
    assert edited.count() == 1
    assert "记录值 0" in edited.inner_text() and "两次线下集中服务未在平台登记" in edited.inner_text()

    page.click("button[value=return]")  # no comment yet: refused with a message
    page.wait_for_selector(".errors >> text=退回时请填写审核意见")
    page.fill("#id_comment", "请附签到表")
    page.click("button[value=return]")
    page.wait_for_selector(".messages >> text=已退回")

    page.context.clear_cookies()
    browser_login(tree.community_admin.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "请附签到表" in page.inner_text(".errors")
    page.click("button[value=submit]")
    page.wait_for_selector(".messages >> text=季报已报送")

    page.context.clear_cookies()
    browser_login(tree.town_admin.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.click("button[value=accept]")
    page.wait_for_selector(".messages >> text=已审核通过")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert [e.kind for e in report.events.all()] == [
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
    ]
