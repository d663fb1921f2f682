"""Circulars: generated tables (submission, figures, ranking with its fallback), publishing freezes them
and notifies the subtree, published ones are immutable (corrections are new versions), the PDF."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from redvest.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.evaluation.models import RoundStatus
from redvest.evaluation.tests.factories import EvaluationRoundFactory, RankingEntryFactory
from redvest.reports.circular_pdf import circular_pdf
from redvest.reports.circular_tables import circular_tables
from redvest.reports.errors import CircularPublished
from redvest.reports.models import CircularStatus, FigureKey
from redvest.reports.selectors import circular_get, published_circulars
from redvest.reports.services import (
    FigureInput,
    circular_create,
    circular_publish,
    circular_update,
    report_open,
    report_submit,
    report_update,
)
from redvest.reports.tests.factories import ReportTree, admin_at, at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 10)


def _file(tree: ReportTree, *, org: Any, actor: Any, day: datetime.date, credit: int, members: int) -> None:
    report = report_open(actor=actor, org=org, year=2026, quarter=3)
    report_update(
        actor=actor,
        report=report,
        highlights="亮点",
        figures={
            FigureKey.CREDIT_MINUTES: FigureInput(credit, "线下台账补充"),
            FigureKey.VOLUNTEERS: FigureInput(members, "含新发展志愿者"),
        },
    )
    report_submit(actor=actor, report=report, now=at(day))


def test_tables_show_on_time_late_and_missing_and_the_figures(tree: ReportTree) -> None:
    _file(tree, org=tree.party_a, actor=tree.community_admin, day=datetime.date(2026, 9, 20), credit=600, members=10)
    tables = circular_tables(root=tree.county, year=2026, quarter=3, today=TODAY)
    assert tables["submission"]["summary"] == {"on_time": 1, "late": 0, "missing": 1}
    assert {r["org"]: r["standing"] for r in tables["submission"]["rows"]} == {
        "城东社区党支部": "按时报送",
        "画溪社区党支部": "未报送",
    }
    assert tables["figures"]["rows"][0]["org"] == "城东社区党支部"
    assert tables["figures"]["rows"][0]["cells"][3] == "10.0"  # 600 credit minutes in hours


def test_without_a_published_evaluation_the_ranking_is_by_credit_hours_per_member(tree: ReportTree) -> None:
    _file(tree, org=tree.party_a, actor=tree.community_admin, day=datetime.date(2026, 9, 20), credit=600, members=10)
    _file(tree, org=tree.party_b, actor=tree.other_town_admin, day=datetime.date(2026, 9, 30), credit=600, members=4)
    tables = circular_tables(root=tree.county, year=2026, quarter=3, today=TODAY)
    ranking = tables["ranking"]
    assert ranking["source"] == "hours"
    assert "按已报送季报的人均服务信用时长" in ranking["caption"]
    assert [(r["rank"], r["org"], r["score"]) for r in ranking["rows"]] == [
        (1, "画溪社区党支部", "2.50"),
        (2, "城东社区党支部", "1.00"),
    ]
    assert tables["submission"]["summary"] == {"on_time": 1, "late": 1, "missing": 0}


def test_a_published_evaluation_ranking_is_used_when_there_is_one(tree: ReportTree) -> None:
    published = EvaluationRoundFactory(
        org=tree.county, year=2026, quarter=3, status=RoundStatus.PUBLISHED, published_at=at(TODAY)
    )
    RankingEntryFactory(round=published, org=tree.party_a, org_name="乙", score=Decimal("80.00"), rank=2)
    RankingEntryFactory(round=published, org=tree.party_b, org_name="甲", score=Decimal("91.50"), rank=1)
    ranking = circular_tables(root=tree.county, year=2026, quarter=3, today=TODAY)["ranking"]
    assert ranking["source"] == "evaluation"
    assert [(r["rank"], r["org"], r["score"]) for r in ranking["rows"]] == [(1, "甲", "91.5"), (2, "乙", "80.0")]


def test_publishing_freezes_the_tables_and_notifies_the_admins_of_the_subtree(tree: ReportTree) -> None:
    circular = circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    circular = circular_publish(actor=tree.county_admin, circular=circular, now=at(TODAY))
    assert circular.status == CircularStatus.PUBLISHED
    assert circular.tables is not None and circular.tables["submission"]["summary"]["missing"] == 2
    _file(tree, org=tree.party_a, actor=tree.community_admin, day=datetime.date(2026, 10, 11), credit=60, members=1)
    circular.refresh_from_db()
    assert circular.tables["submission"]["summary"]["missing"] == 2  # frozen at publishing
    for admin in (tree.town_admin, tree.community_admin, tree.other_town_admin):
        assert Notification.objects.filter(recipient=admin, title__contains="三季度通报").count() == 1


def test_published_circular_is_visible_to_admins_below_but_a_draft_is_not(tree: ReportTree) -> None:
    circular = circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    with pytest.raises(NotFound):
        circular_get(user=tree.community_admin, circular_id=circular.pk)
    circular_publish(actor=tree.county_admin, circular=circular)
    assert circular_get(user=tree.community_admin, circular_id=circular.pk).pk == circular.pk
    assert list(published_circulars(user=tree.other_town_admin)) == [circular]
    town_circular = circular_create(actor=tree.town_admin, org=tree.town_a, year=2026, quarter=3, title="雉城通报")
    circular_publish(actor=tree.town_admin, circular=town_circular)
    assert town_circular not in published_circulars(user=tree.other_town_admin)


def test_a_published_circular_is_immutable_and_corrected_by_a_new_version(tree: ReportTree) -> None:
    circular = circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    circular_publish(actor=tree.county_admin, circular=circular)
    with pytest.raises(CircularPublished):
        circular_update(actor=tree.county_admin, circular=circular, title="改标题")
    with pytest.raises(CircularPublished):
        circular_publish(actor=tree.county_admin, circular=circular)
    with pytest.raises(ValidationFailed) as exc:
        circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报（更正）")
    assert "correction_note" in exc.value.errors
    correction = circular_create(
        actor=tree.county_admin,
        org=tree.county,
        year=2026,
        quarter=3,
        title="三季度通报（更正）",
        correction_note="更正画溪社区报送情况",
    )
    assert (correction.version, correction.supersedes_id) == (2, circular.pk)
    circular.refresh_from_db()
    assert circular.title == "三季度通报"


def test_only_one_draft_per_quarter(tree: ReportTree) -> None:
    circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    with pytest.raises(Conflict):
        circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="又一份")


def test_circulars_are_issued_by_admins_of_the_node_only(tree: ReportTree) -> None:
    with pytest.raises(PermissionDenied):
        circular_create(actor=tree.town_admin, org=tree.county, year=2026, quarter=3, title="越权")
    with pytest.raises(ValidationFailed):
        circular_create(actor=tree.county_admin, org=tree.party_a, year=2026, quarter=3, title="党支部不发通报")
    with pytest.raises(ValidationFailed) as exc:
        circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="  ")
    assert exc.value.errors == {"title": "请填写标题"}


def test_pdf_renders_with_its_tables(tree: ReportTree) -> None:
    admin_at(tree.county)
    circular = circular_create(
        actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报", intro="现通报如下。"
    )
    pdf = circular_pdf(circular=circular, tables=circular_tables(root=tree.county, year=2026, quarter=3))
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000


def test_a_circular_gets_a_doc_number_and_drafted_sections_under_a_red_header(tree: ReportTree) -> None:
    from redvest.activities.tests.factories import ActivityFactory

    ActivityFactory(org=tree.community_a, title="夏季助老义诊", start_at=at(datetime.date(2026, 8, 3), 9))
    circular = circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    assert "共开展志愿服务活动1场" in circular.highlights and circular.problems and circular.next_steps
    assert circular.doc_number == ""
    circular = circular_publish(actor=tree.county_admin, circular=circular, now=at(TODAY))
    assert circular.doc_number == "长兴志通〔2026〕1号"
    second = circular_create(
        actor=tree.county_admin, org=tree.county, year=2026, quarter=2, title="二季度通报", highlights="自拟亮点"
    )
    assert second.highlights == "自拟亮点"
    assert circular_publish(actor=tree.county_admin, circular=second, now=at(TODAY)).doc_number == "长兴志通〔2026〕2号"
    correction = circular_create(
        actor=tree.county_admin,
        org=tree.county,
        year=2026,
        quarter=3,
        title="三季度通报（更正）",
        correction_note="更正",
    )
    assert circular_publish(actor=tree.county_admin, circular=correction, now=at(TODAY)).doc_number.endswith("（更正）")
    published = circular_get(user=tree.county_admin, circular_id=circular.pk)
    assert circular_pdf(circular=published, tables=published.tables or {})[:4] == b"%PDF"


def test_the_circular_page_shows_the_red_header_and_the_sections(tree: ReportTree, client: Any) -> None:
    from django.urls import reverse

    circular = circular_create(actor=tree.county_admin, org=tree.county, year=2026, quarter=3, title="三季度通报")
    circular_publish(actor=tree.county_admin, circular=circular, now=at(TODAY))
    client.force_login(tree.county_admin)
    html = client.get(reverse("reports:circular-detail", args=[circular.pk])).content.decode()
    assert 'class="red-title"' in html and "长兴志通〔2026〕1号" in html
    assert "二、工作亮点" in html and "四、下步工作" in html and "附表" in html
