"""招募来源 (组织推荐 / 群众推荐 / 个人自荐, seed 003): set at registration by every way in, shown and filtered."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.core.errors import ValidationFailed
from redvest.volunteers.models import RecruitmentSource, Volunteer
from redvest.volunteers.services import volunteer_register, volunteer_update
from redvest.volunteers.services.validation import volunteer_data_of
from redvest.volunteers.tests.factories import VolunteerFactory, make_id_number, member_of, person
from redvest.volunteers.tests.test_imports import confirm, row, start, xlsx

pytestmark = pytest.mark.django_db
API = "/api/v1/volunteers/"


def test_admin_registration_stores_source_and_recommender(ledger: Any) -> None:
    volunteer = volunteer_register(
        actor=ledger.admin_a,
        org=ledger.tree.town_a,
        team=ledger.team_a,
        data=person(recruitment_source=RecruitmentSource.MASSES, recommender="李大妈"),
    )
    volunteer.refresh_from_db()
    assert volunteer.recruitment_source == RecruitmentSource.MASSES
    assert volunteer.recommender == "李大妈"


def test_registration_refuses_unrecorded_and_a_recommender_on_self(ledger: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        volunteer_register(
            actor=ledger.admin_a,
            org=ledger.tree.town_a,
            team=ledger.team_a,
            data=person(recruitment_source=RecruitmentSource.UNRECORDED),
        )
    assert "recruitment_source" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        volunteer_register(
            actor=ledger.admin_a,
            org=ledger.tree.town_a,
            team=ledger.team_a,
            data=person(seq=2, recruitment_source=RecruitmentSource.SELF, recommender="张三"),
        )
    assert caught.value.errors["recommender"] == "个人自荐无需填写推荐人"
    assert not Volunteer.objects.exists()


def test_existing_rows_keep_unrecorded_through_an_edit(ledger: Any) -> None:
    volunteer = member_of(ledger.team_a)
    assert volunteer.recruitment_source == RecruitmentSource.UNRECORDED
    data = volunteer_data_of(volunteer)
    data.work_unit = "县医院"
    volunteer_update(actor=ledger.admin_a, volunteer=volunteer, data=data)
    volunteer.refresh_from_db()
    assert volunteer.recruitment_source == RecruitmentSource.UNRECORDED and volunteer.work_unit == "县医院"


def test_api_registration_defaults_to_organisation_and_names_a_bad_source(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    base = {
        "org": ledger.tree.town_a.pk,
        "team": ledger.team_a.pk,
        "name": "周六",
        "id_number": make_id_number(birth=datetime.date(1979, 9, 9), seq=21),
        "phone": "13600001111",
        "political_status": "masses",
    }
    bad = client.post(API, base | {"recruitment_source": "friend"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["recruitment_source"].startswith("招募来源无效")
    assert not Volunteer.objects.exists()
    response = client.post(API, base, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["recruitment_source"] == "organization" and body["recruitment_source_label"] == "组织推荐"


def test_api_patch_sets_source_and_list_filters_by_it(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    one = member_of(ledger.team_a)
    other = member_of(ledger.team_a)
    response = client.patch(
        f"{API}{one.pk}",
        {"recruitment_source": "masses", "recommender": "村书记"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["recommender"] == "村书记"
    listed = client.get(API, {"recruitment_source": "masses"}).json()
    assert [v["id"] for v in listed["items"]] == [one.pk]
    assert other.pk in [v["id"] for v in client.get(API, {"recruitment_source": "unrecorded"}).json()["items"]]


def test_self_registration_page_preselects_self_and_stores_a_recommendation(client: Client, ledger: Any) -> None:
    url = reverse("volunteers:register")
    page = client.get(url).content.decode()
    assert '<option value="self" selected>个人自荐</option>' in page
    data = {
        "team": ledger.team_a.pk,
        "name": "王五",
        "id_type": "resident_id",
        "id_number": make_id_number(birth=datetime.date(1988, 3, 3), seq=11),
        "phone": "13800007777",
        "political_status": "masses",
        "password": "Hongmajia#2026",
        "password_confirm": "Hongmajia#2026",
        "consent_processing": "on",
        "consent_sensitive": "on",
        "recruitment_source": "organization",
        "recommender": "城东社区党委",
    }
    assert client.post(url, data).status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.recruitment_source == RecruitmentSource.ORGANIZATION
    assert volunteer.recommender == "城东社区党委"


def test_detail_page_shows_the_source_and_list_page_filters(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    masses = member_of(ledger.team_a, recruitment_source=RecruitmentSource.MASSES, recommender="李大妈")
    member_of(ledger.team_a, recruitment_source=RecruitmentSource.SELF)
    page = client.get(reverse("volunteers:volunteer-detail", args=[masses.pk])).content.decode()
    assert "群众推荐（推荐人：李大妈）" in page
    listed = client.get(reverse("volunteers:volunteer-list"), {"recruitment_source": "masses"}).content.decode()
    assert masses.name in listed
    assert listed.count('data-label="姓名"') == 1


def test_list_filter_by_source_costs_the_same_for_one_and_ten_rows(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API, {"recruitment_source": "self"}).status_code == 200
        return len(ctx.captured_queries)

    VolunteerFactory(org=ledger.tree.town_a, recruitment_source=RecruitmentSource.SELF)
    one = count()
    VolunteerFactory.create_batch(9, org=ledger.tree.town_a, recruitment_source=RecruitmentSource.SELF)
    assert count() == one


def test_import_reads_the_source_column_blank_is_organisation(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = xlsx(
        [
            row(1, 招募来源="群众推荐", 推荐人="老支书"),
            row(2),
            row(3, 招募来源="朋友介绍"),
        ]
    )
    imp = start(ledger, content, django_capture_on_commit_callbacks)
    assert [(e["row"], e["field"]) for e in imp.errors] == [(4, "recruitment_source")]
    confirm(imp, ledger.admin_a, django_capture_on_commit_callbacks, skip_bad_rows=True)
    sources = dict(Volunteer.objects.values_list("name", "recruitment_source"))
    assert sources == {"导入1": RecruitmentSource.MASSES, "导入2": RecruitmentSource.ORGANIZATION}
    assert Volunteer.objects.get(name="导入1").recommender == "老支书"
