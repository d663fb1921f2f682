"""/api/v1/dashboards: the dashboard and its children as JSON, 403 outside the subtree, exports."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import User
from redvest.dashboards.models import DataExport
from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import County, DataExportFactory, admin_at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dashboards"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_returns_every_panel(world: County) -> None:
    dashboards_refresh(full=True)
    response = _client(admin_at(world.tree.county)).get(f"{BASE}/{world.tree.county.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["node"]["name"] == world.tree.county.name
    assert data["totals"]["volunteers"] == 3
    assert len(data["trend"]["activities"]) == 12


def test_children_lists_the_next_level(world: County) -> None:
    dashboards_refresh(full=True)
    response = _client(admin_at(world.tree.county)).get(f"{BASE}/{world.tree.county.pk}/children")
    assert response.status_code == 200
    body = response.json()
    assert {c["name"] for c in body["items"]} == {world.tree.town_a.name, world.tree.town_b.name}
    assert body["count"] == 2


def test_sibling_dashboard_is_forbidden(world: County) -> None:
    client = _client(admin_at(world.tree.town_a))
    for path in (f"{BASE}/{world.tree.town_b.pk}", f"{BASE}/{world.tree.town_b.pk}/children"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


def test_export_create_list_and_download(world: County, django_capture_on_commit_callbacks: Any) -> None:
    client = _client(admin_at(world.tree.town_a))
    body = {
        "table": "records",
        "org_id": world.tree.town_a.pk,
        "start": (timezone.localdate() - datetime.timedelta(days=200)).isoformat(),
        "end": timezone.localdate().isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/exports", body, content_type="application/json")
    assert response.status_code == 202, response.content
    export_id = response.json()["id"]
    listing = client.get(f"{BASE}/exports").json()
    assert listing["count"] == 1 and listing["items"][0]["status"] == "done"
    item = listing["items"][0]
    assert item["row_count"] > 0 and item["total"] == item["row_count"] and item["percent"] == 100
    assert item["format"] == "xlsx"
    download = client.get(f"{BASE}/exports/{export_id}/download")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]


def test_csv_export_through_the_api(world: County, django_capture_on_commit_callbacks: Any) -> None:
    client = _client(admin_at(world.tree.town_a))
    body = {
        "table": "volunteers",
        "org_id": world.tree.town_a.pk,
        "start": (timezone.localdate() - datetime.timedelta(days=400)).isoformat(),
        "end": timezone.localdate().isoformat(),
        "format": "csv",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/exports", body, content_type="application/json")
    assert response.status_code == 202, response.content
    detail = client.get(f"{BASE}/exports/{response.json()['id']}").json()
    assert (detail["format"], detail["status"], detail["row_count"], detail["total"]) == ("csv", "done", 2, 2)
    download = client.get(f"{BASE}/exports/{detail['id']}/download")
    text = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert ".csv" in download["Content-Disposition"] and text.startswith("志愿者编号,姓名,")
    assert len(text.splitlines()) == 3 and "****" in text
    wrong = client.post(f"{BASE}/exports", body | {"format": "pdf"}, content_type="application/json")
    assert wrong.status_code == 422


def test_export_errors_name_the_fields(world: County) -> None:
    client = _client(admin_at(world.tree.town_a))
    body = {"table": "nope", "org_id": world.tree.town_a.pk, "start": "2026-05-01", "end": "2026-04-01"}
    response = client.post(f"{BASE}/exports", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"table", "end"}
    outside = client.post(
        f"{BASE}/exports",
        body | {"table": "records", "end": "2026-06-01", "org_id": world.tree.town_b.pk},
        content_type="application/json",
    )
    assert outside.status_code == 403
    bad_date = client.post(f"{BASE}/exports", body | {"start": "五月"}, content_type="application/json")
    assert bad_date.status_code == 422 and "start" in bad_date.json()["errors"]
    assert not DataExport.objects.exists()


def test_export_tables_lists_categories(world: County) -> None:
    tables = {t["key"]: t for t in _client(admin_at(world.tree.town_a)).get(f"{BASE}/exports/tables").json()}
    assert {"volunteers", "teams", "activities", "records", "points", "requests", "callbacks"} <= set(tables)
    assert ["life", "生活求助"] in tables["requests"]["categories"]


def test_export_list_query_count_is_constant(world: County, django_assert_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = admin_at(world.tree.town_a)
    client = _client(user)
    DataExportFactory(created_by=user, org=world.tree.town_a)
    client.get(f"{BASE}/exports")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/exports")
    DataExportFactory.create_batch(9, created_by=user, org=world.tree.town_a)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(f"{BASE}/exports").json()["count"] == 10
    assert len(one.captured_queries) == len(ten.captured_queries)


def test_someone_elses_export_is_not_found(world: County) -> None:
    export = DataExportFactory(org=world.tree.town_b, created_by=admin_at(world.tree.town_b))
    response = _client(admin_at(world.tree.town_a)).get(f"{BASE}/exports/{export.pk}")
    assert response.status_code == 404
