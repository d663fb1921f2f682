"""数据交换 pages: reachable from the admin's menu, export, upload → dry-run report → confirm, a
volunteer's transferred records linked from their page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import User
from redvest.exchange.models import BatchStatus, ExchangeBatch
from redvest.exchange.tests.factories import county, read_batch, upload_of
from redvest.teams.tests.factories import org_admin_at, volunteer_login

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_menu_links_the_exchange_page() -> None:
    src = county(people=0)
    page = _client(src.admin).get("/")
    assert reverse("exchange:home") in page.content.decode()
    assert "数据交换" in _client(src.admin).get(reverse("exchange:home")).content.decode()


def test_volunteer_has_no_exchange_menu_and_no_export() -> None:
    src = county(people=0)
    client = _client(volunteer_login(src.town))
    assert reverse("exchange:home") not in client.get("/").content.decode()
    response = client.post(reverse("exchange:home"), {"org": src.town.pk})
    assert response.status_code in {400, 403}
    assert not ExchangeBatch.objects.exists()


def test_export_upload_check_and_confirm_through_the_pages(django_capture_on_commit_callbacks) -> None:
    src = county(people=2)
    client = _client(src.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:home"), {"org": src.county.pk})
    assert response.status_code == 302
    export = ExchangeBatch.objects.get()
    page = client.get(reverse("exchange:batch", args=[export.pk])).content.decode()
    assert "下载数据包" in page and "志愿者" in page
    data = read_batch(export)

    other = county(name="安吉县", code="330523", people=0)
    other_client = _client(other.admin)
    response = other_client.post(reverse("exchange:import"), {"org": other.county.pk, "file": upload_of(data)})
    assert response.status_code == 302
    checked = ExchangeBatch.objects.exclude(pk=export.pk).get()
    page = other_client.get(reverse("exchange:batch", args=[checked.pk])).content.decode()
    assert "确认导入" in page and "已存在" in page
    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(reverse("exchange:import-confirm", args=[checked.pk]))
    checked.refresh_from_db()
    assert checked.status == BatchStatus.DONE
    listing = other_client.get(reverse("exchange:home")).content.decode()
    assert "导入" in listing and "新登记志愿者" not in listing  # the list shows counts, the batch page the message
    assert "志愿者 2" in client.get(reverse("exchange:home")).content.decode()  # the export's count

    # The person was already registered (in the source county's subtree): its admin sees the link.
    volunteer_page = client.get(reverse("volunteers:volunteer-detail", args=[src.volunteers[0].pk]))
    link = reverse("exchange:transferred", args=[src.volunteers[0].pk])
    assert link in volunteer_page.content.decode()
    # The in-deployment 转入记录 page (records) links there too: one place for all that was brought along.
    assert link in client.get(reverse("records:transferred", args=[src.volunteers[0].pk])).content.decode()
    page = client.get(link).content.decode()
    assert "转入记录" in page and "不计入本系统" in page


def test_bad_package_shows_the_error_on_the_form() -> None:
    src = county(people=0)
    response = _client(src.admin).post(reverse("exchange:import"), {"org": src.county.pk, "file": upload_of(b"x")})
    assert response.status_code == 422 or response.status_code == 400
    assert "无法读取数据包" in response.content.decode()


def test_town_admin_cannot_open_a_county_batch() -> None:
    src = county(people=0)
    batch = ExchangeBatch.objects.create(direction="export", org=src.county, status="done")
    response = _client(org_admin_at(src.town)).get(reverse("exchange:batch", args=[batch.pk]))
    assert response.status_code == 404
