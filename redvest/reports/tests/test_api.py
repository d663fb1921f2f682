"""/api/v1/reports over HTTP: the filing and review loop, JSON errors with field names that write
nothing, permissions, {"items","count"} lists with constant query counts, circulars and the PDF."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.reports.models import QuarterlyReport, ReportStatus
from redvest.reports.tests.factories import QuarterlyReportFactory, ReportTree

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reports"


def as_user(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def _open(tree: ReportTree, client: Client) -> dict[str, Any]:
    response = send(client, "post", f"{BASE}/quarterly", {"org": tree.party_a.pk, "year": 2026, "quarter": 3})
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_file_and_review_over_the_api(tree: ReportTree) -> None:
    filer, reviewer = as_user(tree.community_admin), as_user(tree.town_admin)
    report = _open(tree, filer)
    assert {f["key"] for f in report["figures"]} >= {"activities", "credit_minutes", "care_visits"}
    rid = report["id"]
    body = {"figures": {"activities": {"value": 4, "reason": "线下活动"}}, "highlights": "助老", "next_plan": "继续"}
    patched = send(filer, "patch", f"{BASE}/quarterly/{rid}", body).json()
    edited = next(f for f in patched["figures"] if f["key"] == "activities")
    assert (edited["record_value"], edited["reported_value"], edited["edited"], edited["reason"]) == (
        0,
        4,
        True,
        "线下活动",
    )
    submitted = send(filer, "post", f"{BASE}/quarterly/{rid}/submit").json()
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    returned = send(reviewer, "post", f"{BASE}/quarterly/{rid}/return", {"comment": "请核实活动数"}).json()
    assert returned["status"] == "returned"
    assert send(filer, "post", f"{BASE}/quarterly/{rid}/submit").json()["status"] == "submitted"
    accepted = send(reviewer, "post", f"{BASE}/quarterly/{rid}/accept", {"comment": ""}).json()
    assert accepted["status"] == "accepted"
    assert [e["kind"] for e in accepted["events"]] == ["submitted", "returned", "submitted", "accepted"]


@pytest.mark.django_db(transaction=True)
def test_review_accept_and_return_work_outside_a_test_transaction(tree: ReportTree) -> None:
    """Autocommit as in production: PostgreSQL refuses a row lock outside the service's transaction."""
    filer, reviewer = as_user(tree.community_admin), as_user(tree.town_admin)
    rid = _open(tree, filer)["id"]
    assert send(filer, "patch", f"{BASE}/quarterly/{rid}", {"highlights": "助老"}).status_code == 200
    assert send(filer, "post", f"{BASE}/quarterly/{rid}/submit").status_code == 200
    returned = send(reviewer, "post", f"{BASE}/quarterly/{rid}/return", {"comment": "请补充"})
    assert (returned.status_code, returned.json()["status"]) == (200, "returned")
    assert send(filer, "post", f"{BASE}/quarterly/{rid}/submit").status_code == 200
    accepted = send(reviewer, "post", f"{BASE}/quarterly/{rid}/accept", {"comment": ""})
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert QuarterlyReport.objects.get(pk=rid).status == ReportStatus.ACCEPTED


def test_refresh_recomputes_a_draft(tree: ReportTree) -> None:
    client = as_user(tree.community_admin)
    rid = _open(tree, client)["id"]
    assert send(client, "post", f"{BASE}/quarterly/{rid}/refresh").status_code == 200


def test_missing_reason_is_a_json_error_naming_the_field(tree: ReportTree) -> None:
    client = as_user(tree.community_admin)
    rid = _open(tree, client)["id"]
    response = send(client, "patch", f"{BASE}/quarterly/{rid}", {"figures": {"sessions": {"value": 9}}})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "validation_error" and "reason_sessions" in data["errors"]
    assert QuarterlyReport.objects.get().figures.get(key="sessions").reported_value == 0


def test_return_without_comment_and_accepting_a_draft_are_refused(tree: ReportTree) -> None:
    rid = _open(tree, as_user(tree.community_admin))["id"]
    reviewer = as_user(tree.town_admin)
    response = send(reviewer, "post", f"{BASE}/quarterly/{rid}/accept")
    assert (response.status_code, response.json()["code"]) == (409, "report_not_submitted")
    response = send(reviewer, "post", f"{BASE}/quarterly/{rid}/return", {"comment": ""})
    assert response.status_code == 400 and response.json()["errors"] == {"comment": "退回时请填写审核意见"}
    assert QuarterlyReport.objects.get().status == ReportStatus.DRAFT


def test_another_town_cannot_see_or_review(tree: ReportTree) -> None:
    rid = _open(tree, as_user(tree.community_admin))["id"]
    other = as_user(tree.other_town_admin)
    assert other.get(f"{BASE}/quarterly/{rid}").status_code == 404
    assert send(other, "post", f"{BASE}/quarterly/{rid}/accept").status_code == 404
    assert (
        send(other, "post", f"{BASE}/quarterly", {"org": tree.party_a.pk, "year": 2026, "quarter": 3}).status_code
        == 404
    )


def test_bad_quarter_is_a_field_error(tree: ReportTree) -> None:
    response = send(
        as_user(tree.community_admin), "post", f"{BASE}/quarterly", {"org": tree.party_a.pk, "year": 2026, "quarter": 5}
    )
    assert response.status_code == 400 and "quarter" in response.json()["errors"]


def test_list_filters_by_year_quarter_and_status(tree: ReportTree) -> None:
    QuarterlyReportFactory(org=tree.party_a, year=2026, quarter=2, status=ReportStatus.ACCEPTED)
    QuarterlyReportFactory(org=tree.party_a, year=2026, quarter=3)
    QuarterlyReportFactory(org=tree.party_b, year=2026, quarter=3)
    client = as_user(tree.town_admin)
    assert client.get(f"{BASE}/quarterly").json()["count"] == 2
    assert client.get(f"{BASE}/quarterly?quarter=3").json()["count"] == 1
    assert client.get(f"{BASE}/quarterly?status=accepted&year=2026").json()["count"] == 1


@pytest.mark.parametrize("size", [1, 10])
def test_list_query_count_is_constant(tree: ReportTree, size: int, django_assert_num_queries: Any) -> None:
    for i in range(size):
        QuarterlyReportFactory(org=org_node(name=f"支部{i}", kind=OrgKind.PARTY_ORG, parent=tree.community_a))
    client = as_user(tree.town_admin)
    client.get(f"{BASE}/quarterly")
    with django_assert_num_queries(6):
        data = client.get(f"{BASE}/quarterly").json()
    assert data["count"] == size


def test_circular_create_publish_get_and_pdf(tree: ReportTree) -> None:
    county = as_user(tree.county_admin)
    body = {"org": tree.county.pk, "year": 2026, "quarter": 3, "title": "三季度通报", "intro": "如下"}
    created = send(county, "post", f"{BASE}/circulars", body)
    assert created.status_code == 201
    cid = created.json()["id"]
    assert created.json()["tables"]["submission"]["total"] == 2
    assert as_user(tree.community_admin).get(f"{BASE}/circulars/{cid}").status_code == 404  # draft
    published = send(county, "post", f"{BASE}/circulars/{cid}/publish").json()
    assert published["status"] == "published"
    reader = as_user(tree.community_admin)
    assert reader.get(f"{BASE}/circulars").json()["count"] == 1
    assert reader.get(f"{BASE}/circulars/{cid}").json()["tables"]["ranking"]["source"] == "hours"
    pdf = reader.get(f"{BASE}/circulars/{cid}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = send(county, "patch", f"{BASE}/circulars/{cid}", {"title": "改"})
    assert (response.status_code, response.json()["code"]) == (409, "circular_published")
    assert send(reader, "post", f"{BASE}/circulars/{cid}/publish").status_code == 404


def test_circular_without_title_is_a_field_error(tree: ReportTree) -> None:
    body = {"org": tree.county.pk, "year": 2026, "quarter": 3, "title": ""}
    response = send(as_user(tree.county_admin), "post", f"{BASE}/circulars", body)
    assert response.status_code == 400 and response.json()["errors"] == {"title": "请填写标题"}


@pytest.mark.parametrize("size", [1, 10])
def test_circular_list_query_count_is_constant(tree: ReportTree, size: int, django_assert_num_queries: Any) -> None:
    from redvest.reports.tests.factories import CircularFactory

    for q in range(size):
        CircularFactory(org=tree.county, year=2020 + q, status="published")
    client = as_user(tree.community_admin)
    client.get(f"{BASE}/circulars")
    with django_assert_num_queries(6):
        data = client.get(f"{BASE}/circulars").json()
    assert data["count"] == size
