from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.households.models import Household, HouseholdContact
from redvest.households.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_volunteer_reaches_their_households_from_the_home_page(client: Client, hw: Any) -> None:
    Household.objects.filter(pk=hw.mine.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(hw.volunteer_user)
    home = client.get("/").content.decode()
    assert reverse("households:my-households") in home and "联系户久未联系" in home
    page = client.get(reverse("households:my-households")).content.decode()
    assert hw.mine.head_name in page and hw.team_household.head_name not in page and "久未联系" in page


def test_volunteer_logs_a_contact_on_the_phone_form(client: Client, hw: Any) -> None:
    client.force_login(hw.volunteer_user)
    url = reverse("households:contact-new", args=[hw.mine.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"contacted_on": timezone.localdate().isoformat(), "way": "visit"})
    assert bad.status_code == 400 and "请填写联系内容" in bad.content.decode()
    ok = client.post(url, {"contacted_on": timezone.localdate().isoformat(), "way": "phone", "content": "电话问候"})
    assert ok.status_code == 302
    detail = client.get(reverse("households:household-detail", args=[hw.mine.pk])).content.decode()
    assert "电话问候" in detail and HouseholdContact.objects.count() == 1
    assert reverse("households:household-edit", args=[hw.mine.pk]) not in detail


def test_stranger_and_other_admin_get_404(client: Client, hw: Any) -> None:
    for user in (hw.stranger, hw.other_admin, hw.dispatcher):
        client.force_login(user)
        assert client.get(reverse("households:household-detail", args=[hw.mine.pk])).status_code == 404
        assert client.post(reverse("households:contact-new", args=[hw.mine.pk]), {}).status_code == 404


def test_admin_registers_by_volunteer_number_and_edits(client: Client, hw: Any) -> None:
    client.force_login(hw.admin)
    url = reverse("households:household-new")
    assert client.get(url).status_code == 200
    missing = client.post(url, {"org": hw.community_a.pk, "head_name": "赵大爷", "volunteer": "999"})
    assert missing.status_code == 400 and "联户志愿者不存在或不在您的管理范围内" in missing.content.decode()
    response = client.post(
        url, {"org": hw.community_a.pk, "head_name": "赵大爷", "volunteer": hw.volunteer.number, "phone": ""}
    )
    assert response.status_code == 302
    household = Household.objects.get(head_name="赵大爷")
    assert household.volunteer_id == hw.volunteer.pk
    edit = reverse("households:household-edit", args=[household.pk])
    assert hw.volunteer.number in client.get(edit).content.decode()
    moved = client.post(edit, {"org": hw.community_a.pk, "head_name": "赵大爷", "team": hw.team.pk})
    assert moved.status_code == 302
    household.refresh_from_db()
    assert household.team_id == hw.team.pk and household.volunteer_id is None


def test_admin_list_filters_overdue_and_costs_the_same_for_one_and_ten_rows(client: Client, hw: Any) -> None:
    client.force_login(hw.admin)
    url = reverse("households:household-list")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(9):
        HouseholdFactory(org=hw.community_a, last_contact_on=timezone.localdate())
    assert count() == one
    old = HouseholdFactory(org=hw.community_a, last_contact_on=timezone.localdate() - datetime.timedelta(days=90))
    page = client.get(url, {"overdue": "1"}).content.decode()
    assert old.head_name in page and hw.mine.head_name not in page


def test_every_menu_link_opens(client: Client, hw: Any) -> None:
    for user in (hw.admin, hw.volunteer_user, hw.leader):
        client.force_login(user)
        for name in ("households:household-list", "households:my-households"):
            assert client.get(reverse(name)).status_code == 200
