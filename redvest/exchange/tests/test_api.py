"""/api/v1/exchange: exports (202, status, download), imports with dry run, per-role access."""

from __future__ import annotations

import pytest
from django.test import Client

from redvest.accounts.models import User
from redvest.audit.models import AuditEntry
from redvest.exchange.models import BatchStatus, ExchangeBatch, TransferredService
from redvest.exchange.tests.factories import ExchangeBatchFactory, county, read_batch, upload_of
from redvest.teams.tests.factories import org_admin_at, volunteer_login

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_export_answers_202_then_downloads_audited(django_capture_on_commit_callbacks) -> None:
    src = county(people=2)
    client = _client(src.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/exports", {"org_id": src.county.pk}, content_type="application/json")
    assert response.status_code == 202
    batch_id = response.json()["id"]
    detail = client.get(f"{BASE}/batches/{batch_id}").json()
    assert detail["status"] == "done"
    assert detail["counts"]["志愿者"] == 2
    download = client.get(detail["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action="view_sensitive", reason__contains="数据交换包").count() == 1


def test_town_admin_cannot_export_the_county_or_see_its_batches() -> None:
    src = county(people=1)
    town_admin = org_admin_at(src.town)
    county_batch = ExchangeBatchFactory(org=src.county)
    client = _client(town_admin)
    response = client.post(f"{BASE}/exports", {"org_id": src.county.pk}, content_type="application/json")
    assert response.status_code == 403
    assert client.get(f"{BASE}/batches/{county_batch.pk}").status_code == 404
    assert client.get(f"{BASE}/batches").json()["count"] == 0


def test_volunteer_cannot_export() -> None:
    src = county(people=0)
    user = volunteer_login(src.town)
    response = _client(user).post(f"{BASE}/exports", {"org_id": src.town.pk}, content_type="application/json")
    assert response.status_code == 403


def test_bad_export_input_is_422_naming_the_field() -> None:
    src = county(people=0)
    response = _client(src.admin).post(f"{BASE}/exports", {"org_id": 0}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"]
    assert not ExchangeBatch.objects.exists()


def test_import_dry_run_then_confirm(django_capture_on_commit_callbacks) -> None:
    src = county(people=2)
    with django_capture_on_commit_callbacks(execute=True):
        _client(src.admin).post(f"{BASE}/exports", {"org_id": src.county.pk}, content_type="application/json")
    data = read_batch(ExchangeBatch.objects.get())
    other = county(name="安吉县", code="330523", people=0)
    client = _client(other.admin)
    response = client.post(f"{BASE}/imports?dry_run=true", {"file": upload_of(data), "org_id": other.county.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "checked"
    assert body["counts"]["志愿者"] == {"rows": 2, "ok": 0, "duplicates": 2, "errors": 0}
    assert body["counts"]["服务时长"]["ok"] == 4
    assert not TransferredService.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"{BASE}/imports/{body['id']}/confirm")
    assert confirmed.status_code == 202
    assert ExchangeBatch.objects.get(pk=body["id"]).status == BatchStatus.DONE
    assert TransferredService.objects.count() == 4
    assert client.post(f"{BASE}/imports/{body['id']}/confirm").status_code == 409
    # The person lives in the source county's subtree: its admin sees what was transferred to them.
    moved = _client(src.admin).get(f"{BASE}/volunteers/{src.volunteers[0].pk}/transferred").json()
    assert moved["credit_minutes"] == 30
    assert moved["honour_minutes"] == 45
    assert client.get(f"{BASE}/volunteers/{src.volunteers[0].pk}/transferred").status_code == 404


def test_import_is_refused_outside_the_subtree() -> None:
    src = county(people=0)
    other = county(name="安吉县", code="330523", people=0)
    response = _client(src.admin).post(f"{BASE}/imports", {"file": upload_of(b"x"), "org_id": other.county.pk})
    assert response.status_code == 403


def test_batch_list_query_count_is_constant(django_assert_max_num_queries) -> None:
    src = county(people=0)
    client = _client(src.admin)
    ExchangeBatchFactory(org=src.county)
    with django_assert_max_num_queries(12) as one:
        client.get(f"{BASE}/batches")
    for _ in range(9):
        ExchangeBatchFactory(org=src.town)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(f"{BASE}/batches")
    assert response.json()["count"] == 10
