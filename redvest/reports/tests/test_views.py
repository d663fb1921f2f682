"""Pages: the 季报 list, filing (reason required, submit), review (highlighted edited figures, accept,
return without comment refused, outside one's subtree refused), circulars; constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.reports.models import FigureKey, QuarterlyReport, ReportStatus
from redvest.reports.services import (
    FigureInput,
    circular_create,
    circular_publish,
    report_open,
    report_submit,
    report_update,
)
from redvest.reports.tests.factories import ReportTree, at

pytestmark = pytest.mark.django_db


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def page_ok(response: object, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:800]  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "!!MISSING" not in html
    return html


def _submitted(tree: ReportTree, *, edited: bool = True) -> QuarterlyReport:
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    figures = {FigureKey.ACTIVITIES: FigureInput(6, "线下活动6次未录入系统")} if edited else {}
    report_update(actor=tree.community_admin, report=report, highlights="暑期助学", figures=figures)
    return report_submit(actor=tree.community_admin, report=report, now=at(datetime.date(2026, 9, 20)))


def _form(report: QuarterlyReport, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"highlights": "", "problems": "", "next_plan": ""}
    for f in report.figures.all():
        data[f"figure_{f.key}"] = f.reported_value
        data[f"reason_{f.key}"] = f.reason
    data.update(overrides)
    return data


def test_home_lists_my_party_organisations_and_opens_a_draft(tree: ReportTree) -> None:
    client = login(tree.community_admin)
    html = page_ok(client.get(reverse("reports:home") + "?year=2026&quarter=3"))
    assert "城东社区党支部" in html and "画溪社区党支部" not in html
    response = client.post(reverse("reports:report-open"), {"org": tree.party_a.pk, "year": 2026, "quarter": 3})
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:report-detail", args=[report.pk])


def test_opening_for_another_towns_organisation_is_refused(tree: ReportTree) -> None:
    client = login(tree.community_admin)
    page_ok(client.post(reverse("reports:report-open"), {"org": tree.party_b.pk, "year": 2026, "quarter": 3}), 404)
    assert not QuarterlyReport.objects.exists()


def test_filing_form_requires_a_reason_for_an_edited_figure(tree: ReportTree) -> None:
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    client = login(tree.community_admin)
    data = _form(report, figure_activities=3, highlights="亮点", action="submit")
    html = page_ok(client.post(reverse("reports:report-save", args=[report.pk]), data), 400)
    assert "与记录值（0）不一致，请说明原因" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.highlights == ""


def test_filing_form_saves_and_submits(tree: ReportTree) -> None:
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    client = login(tree.community_admin)
    data = _form(report, figure_activities=3, reason_activities="补录线下活动", highlights="亮点", action="submit")
    response = client.post(reverse("reports:report-save", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures.get(key=FigureKey.ACTIVITIES).reported_value == 3


def test_review_page_highlights_the_edited_figure_with_its_record_value_and_reason(tree: ReportTree) -> None:
    report = _submitted(tree)
    html = page_ok(login(tree.town_admin).get(reverse("reports:report-detail", args=[report.pk])))
    assert html.count('class="edited"') == 1
    assert "记录值 0" in html and "线下活动6次未录入系统" in html
    assert "审核通过" in html and "退回修改" in html


def test_filing_admin_sees_no_review_buttons(tree: ReportTree) -> None:
    html = page_ok(login(tree.community_admin).get(reverse("reports:report-detail", args=[_submitted(tree).pk])))
    assert "审核通过" not in html


def test_returning_without_a_comment_shows_the_message_and_writes_nothing(tree: ReportTree) -> None:
    report = _submitted(tree)
    client = login(tree.town_admin)
    html = page_ok(client.post(reverse("reports:report-review", args=[report.pk]), {"decision": "return"}), 400)
    assert "退回时请填写审核意见" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_accepting_a_draft_shows_a_clear_message(tree: ReportTree) -> None:
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    html = page_ok(
        login(tree.town_admin).post(reverse("reports:report-review", args=[report.pk]), {"decision": "accept"}), 409
    )
    assert "季报尚未报送，不能审核" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_reviewing_outside_ones_subtree_is_not_found(tree: ReportTree) -> None:
    report = _submitted(tree)
    client = login(tree.other_town_admin)
    page_ok(client.post(reverse("reports:report-review", args=[report.pk]), {"decision": "accept"}), 404)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_town_accepts_from_the_review_page(tree: ReportTree) -> None:
    report = _submitted(tree)
    response = login(tree.town_admin).post(reverse("reports:report-review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_review_page_accepts_outside_a_test_transaction(tree: ReportTree) -> None:
    report = _submitted(tree)
    response = login(tree.town_admin).post(reverse("reports:report-review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_review_list_shows_standings(tree: ReportTree) -> None:
    _submitted(tree)
    html = page_ok(login(tree.county_admin).get(reverse("reports:review-list") + "?year=2026&quarter=3"))
    assert "已提交" in html and "逾期" in html


def test_volunteer_without_admin_role_has_no_review_list(tree: ReportTree) -> None:
    page_ok(login(UserFactory()).get(reverse("reports:review-list")), 404)


def _many_party_orgs(tree: ReportTree, size: int) -> None:
    for i in range(size):
        org = org_node(name=f"第{i}党支部", kind=OrgKind.PARTY_ORG, parent=tree.community_a)
        report = report_open(actor=tree.community_admin, org=org, year=2026, quarter=3)
        report_update(actor=tree.community_admin, report=report, highlights="亮点")
        report_submit(actor=tree.community_admin, report=report, now=at(datetime.date(2026, 9, 20)))


@pytest.mark.parametrize("size", [1, 10])
def test_home_query_count_is_constant(tree: ReportTree, size: int, django_assert_num_queries: object) -> None:
    _many_party_orgs(tree, size)
    client = login(tree.town_admin)
    client.get(reverse("reports:home"))
    with django_assert_num_queries(10):  # type: ignore[operator]
        html = page_ok(client.get(reverse("reports:home") + "?year=2026&quarter=3"))
    assert html.count("已提交") == size


@pytest.mark.parametrize("size", [1, 10])
def test_review_list_query_count_is_constant(tree: ReportTree, size: int, django_assert_num_queries: object) -> None:
    _many_party_orgs(tree, size)
    client = login(tree.town_admin)
    client.get(reverse("reports:home"))
    with django_assert_num_queries(11):  # type: ignore[operator]
        page_ok(client.get(reverse("reports:review-list") + "?year=2026&quarter=3"))


@pytest.mark.parametrize("size", [1, 10])
def test_circular_list_query_count_is_constant(tree: ReportTree, size: int, django_assert_num_queries: object) -> None:
    for q in range(size):
        circular = circular_create(actor=tree.county_admin, org=tree.county, year=2020 + q, quarter=1, title=f"通报{q}")
        circular_publish(actor=tree.county_admin, circular=circular)
    client = login(tree.community_admin)
    client.get(reverse("reports:home"))
    with django_assert_num_queries(8):  # type: ignore[operator]
        html = page_ok(client.get(reverse("reports:circular-list")))
    assert html.count("已发布") == size


def test_circular_compose_preview_publish_and_pdf(tree: ReportTree) -> None:
    _submitted(tree)
    client = login(tree.county_admin)
    page_ok(client.get(reverse("reports:circular-new") + "?year=2026&quarter=3"))
    response = client.post(
        reverse("reports:circular-new"),
        {"org": tree.county.pk, "year": 2026, "quarter": 3, "title": "三季度通报", "intro": "通报如下"},
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    html = page_ok(client.get(reverse("reports:circular-detail", args=[pk])))
    assert "草稿预览" in html and "城东社区党支部" in html and "人均服务信用时长" in html
    assert client.post(reverse("reports:circular-publish", args=[pk])).status_code == 302
    html = page_ok(login(tree.community_admin).get(reverse("reports:home")))
    assert "三季度通报" in html
    pdf = client.get(reverse("reports:circular-pdf", args=[pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page_ok(client.post(reverse("reports:circular-detail", args=[pk]), {"title": "改"}), 409)
