"""The 季报 on the workbench: the filer sees what to report and what came back; the reviewer what waits."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.reports.selectors import awaiting_review_count, returned_count, unfiled_count
from redvest.reports.services import report_open, report_return, report_submit, report_update
from redvest.reports.tests.factories import ReportTree, at
from redvest.reports.todos import todos

ON_TIME = at(datetime.date(2026, 9, 20))


def _submitted(tree: ReportTree):  # type: ignore[no-untyped-def]  # a QuarterlyReport
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3, now=ON_TIME)
    report = report_update(actor=tree.community_admin, report=report, highlights="开展夏季助老服务")
    return report_submit(actor=tree.community_admin, report=report, now=ON_TIME)


def test_filer_counts_the_quarters_unfiled_reports_until_submitted(tree: ReportTree) -> None:
    assert unfiled_count(user=tree.community_admin, year=2026, quarter=3) == 1
    _submitted(tree)
    assert unfiled_count(user=tree.community_admin, year=2026, quarter=3) == 0
    assert unfiled_count(user=tree.community_admin, year=2026, quarter=2) == 1


def test_higher_admins_are_not_asked_to_file_the_reports_of_the_organisations_below(tree: ReportTree) -> None:
    """The county and town admins may file for the whole subtree, but the 党支部's report waits on its
    community admin's workbench; above, it shows as one to review once submitted."""
    assert unfiled_count(user=tree.community_admin, year=2026, quarter=3) == 1
    assert unfiled_count(user=tree.town_admin, year=2026, quarter=3) == 0
    assert unfiled_count(user=tree.county_admin, year=2026, quarter=3) == 0


def test_reviewer_counts_submitted_reports_below_and_the_filer_sees_a_return(tree: ReportTree) -> None:
    assert awaiting_review_count(user=tree.town_admin) == 0
    report = _submitted(tree)
    assert awaiting_review_count(user=tree.town_admin) == 1
    assert awaiting_review_count(user=tree.other_town_admin) == 0
    assert awaiting_review_count(user=tree.community_admin) == 0
    report_return(actor=tree.town_admin, report=report, comment="请补充活动照片", now=ON_TIME)
    assert awaiting_review_count(user=tree.town_admin) == 0
    assert returned_count(user=tree.community_admin) == 1


def test_workbench_lists_the_report_todos_with_links_that_open(tree: ReportTree) -> None:
    _submitted(tree)
    reviewer = Client()
    reviewer.force_login(tree.town_admin)
    items = {t.label: t for t in todos(tree.town_admin)}
    waiting = items["待审核的下级季报"]
    assert waiting.count == 1 and waiting.url == reverse("reports:review-list")
    assert reviewer.get(waiting.url).status_code == 200
    home = reviewer.get("/")
    assert "待审核的下级季报" in home.content.decode()


@pytest.mark.parametrize("extra", [0, 3])
def test_report_todos_take_the_same_queries_as_reports_grow(
    tree: ReportTree, extra: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(extra):
        org_node(name=f"党支部{i}", kind=OrgKind.PARTY_ORG, parent=tree.community_a)
    with django_assert_max_num_queries(12):
        todos(tree.town_admin)
