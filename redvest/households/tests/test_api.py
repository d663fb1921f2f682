from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redvest.households.models import Household, HouseholdContact
from redvest.households.tests.factories import HouseholdContactFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/households/"


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_admin_creates_a_household_and_sees_it_masked(client: Client, hw: Any) -> None:
    login(client, hw.admin)
    body = {"org": hw.community_a.pk, "head_name": "李奶奶", "phone": "13800001234", "team": hw.team.pk}
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["phone_masked"] == "138****1234" and "13800001234" not in response.content.decode()
    assert out["liaison_name"] == f"服务队 {hw.team.name}"


def test_bad_input_is_422_or_400_naming_fields_and_writes_nothing(client: Client, hw: Any) -> None:
    login(client, hw.admin)
    count = Household.objects.count()
    wrong_type = client.post(URL, {"org": "abc"}, content_type="application/json")
    assert wrong_type.status_code == 422 and "org" in wrong_type.json()["errors"]
    missing = client.post(URL, {"org": hw.community_a.pk}, content_type="application/json")
    assert missing.status_code == 400
    assert {"head_name", "liaison"} <= set(missing.json()["errors"])
    assert Household.objects.count() == count


def test_volunteer_lists_only_their_households_and_logs_a_contact(client: Client, hw: Any) -> None:
    login(client, hw.volunteer_user)
    listed = client.get(URL).json()
    assert [h["id"] for h in listed["items"]] == [hw.mine.pk] and listed["count"] == 1
    assert [h["id"] for h in client.get(URL + "mine").json()["items"]] == [hw.mine.pk]
    response = client.post(
        f"{URL}{hw.mine.pk}/contacts",
        {
            "contacted_on": timezone.localdate().isoformat(),
            "way": "visit",
            "content": "上门了解用水问题",
            "follow_up": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["way_label"] == "上门" and response.json()["follow_up"] is True
    assert client.get(f"{URL}{hw.mine.pk}").json()["last_contact_on"] == timezone.localdate().isoformat()


def test_contact_with_bad_fields_is_rejected_naming_them(client: Client, hw: Any) -> None:
    login(client, hw.volunteer_user)
    bad = client.post(
        f"{URL}{hw.mine.pk}/contacts", {"contacted_on": "2020-13-01", "way": "visit"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "contacted_on" in bad.json()["errors"]
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(
        f"{URL}{hw.mine.pk}/contacts", {"contacted_on": future, "way": "mail"}, content_type="application/json"
    )
    assert bad.status_code == 400 and {"contacted_on", "way", "content"} <= set(bad.json()["errors"])
    assert not HouseholdContact.objects.exists()


def test_others_get_404_and_cannot_edit(client: Client, hw: Any) -> None:
    login(client, hw.stranger)
    assert client.get(f"{URL}{hw.mine.pk}").status_code == 404
    assert client.post(f"{URL}{hw.mine.pk}/contacts", {}, content_type="application/json").status_code == 404
    client.force_login(hw.volunteer_user)
    put = client.put(f"{URL}{hw.mine.pk}", {"head_name": "改名"}, content_type="application/json")
    assert put.status_code == 404
    client.force_login(hw.other_admin)
    assert client.get(f"{URL}{hw.mine.pk}").status_code == 404


def test_leader_sees_team_household_and_reveals_its_phone(client: Client, hw: Any) -> None:
    login(client, hw.leader)
    assert [h["id"] for h in client.get(URL).json()["items"]] == [hw.team_household.pk]
    phone = client.post(f"{URL}{hw.team_household.pk}/phone")
    assert phone.status_code == 200 and phone.json()["phone"] == hw.team_household.phone


def test_admin_reassigns_with_put(client: Client, hw: Any) -> None:
    login(client, hw.admin)
    body = {"org": hw.community_a.pk, "head_name": hw.mine.head_name, "phone": hw.mine.phone, "team": hw.team.pk}
    response = client.put(f"{URL}{hw.mine.pk}", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["team_id"] == hw.team.pk and response.json()["volunteer_id"] is None


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_contacts_cost_the_same_for_one_and_ten_rows(client: Client, hw: Any) -> None:
    login(client, hw.admin)
    HouseholdContactFactory(household=hw.mine)
    household_one, contacts_one = _queries(client, URL), _queries(client, f"{URL}{hw.mine.pk}/contacts")
    for _ in range(9):
        HouseholdFactory(org=hw.community_a)
        HouseholdContactFactory(household=hw.mine, logged_by=hw.admin)
    assert _queries(client, URL) == household_one
    assert _queries(client, f"{URL}{hw.mine.pk}/contacts") == contacts_one
