"""/api/v1/records: status codes, messages, permissions, constant query counts on list endpoints."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import User
from redvest.accounts.tests.factories import UserFactory
from redvest.activities.models import ServiceCategory
from redvest.records.models import (
    AnomalyStatus,
    Certificate,
    DisputeStatus,
    HolidayYear,
    RecordDispute,
    RecordKind,
    RecordSource,
    ServiceRecord,
)
from redvest.records.services import certificate_issue, dispute_open, record_correct
from redvest.records.tests.conftest import World, ended_activity
from redvest.records.tests.factories import AnomalyFactory, png_upload, post_record
from redvest.records.tests.test_views import assert_constant_queries
from redvest.volunteers.tests.factories import VolunteerFactory

BASE = "/api/v1/records"


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_my_records_and_totals(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=95, reason="早退")
    post_record(volunteer=w.volunteer, minutes=600, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    as_user(client, w.volunteer_user)
    page = client.get(f"{BASE}/mine").json()
    assert page["count"] == 4
    by_source = {item["source"]: item for item in page["items"]}
    assert by_source["reversal"]["reverses_id"] == record.pk and by_source["reversal"]["minutes"] == -120
    assert by_source["correction"]["corrects_id"] == record.pk
    assert by_source["attendance"]["reversed_by_id"] == by_source["reversal"]["id"]
    totals = client.get(f"{BASE}/mine/totals").json()
    assert (totals["credit_minutes"], totals["honour_minutes"]) == (95, 600)
    assert totals["star"]["thresholds_hours"] == [100, 300, 600, 1000, 1500]
    assert client.get(f"{BASE}/mine?kind=honour").json()["count"] == 1


def test_my_records_for_a_non_volunteer_is_404(client: Client, db: None) -> None:
    response = as_user(client, UserFactory()).get(f"{BASE}/mine")
    assert response.status_code == 404
    assert response.json()["code"] == "not_a_volunteer"


def test_the_api_needs_a_login(client: Client, db: None) -> None:
    assert client.get(f"{BASE}/mine").status_code == 401


def test_my_records_keep_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    as_user(client, w.volunteer_user)
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)

    def add_rows() -> None:
        for i in range(9):
            activity = ended_activity(org=w.tree.town_a, team=w.team, hours_ago=24 * (i + 1))
            post_record(volunteer=w.volunteer, minutes=60, activity=activity)

    assert_constant_queries(django_assert_num_queries, lambda: client.get(f"{BASE}/mine"), add_rows)
    assert client.get(f"{BASE}/mine").json()["count"] == 10


def test_manage_list_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    as_user(client, w.leader_user)
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)

    def add_rows() -> None:
        for _ in range(9):
            post_record(volunteer=VolunteerFactory(org=w.tree.town_b), minutes=60, activity=w.activity)

    assert_constant_queries(django_assert_num_queries, lambda: client.get(f"{BASE}/manage"), add_rows)
    assert client.get(f"{BASE}/manage").json()["count"] == 10


def test_correction_through_the_api(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    as_user(client, w.leader_user)
    response = client.post(
        f"{BASE}/{record.pk}/corrections", {"minutes": 90, "reason": "早退"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reversal"]["minutes"] == -120 and body["correction"]["minutes"] == 90
    again = client.post(
        f"{BASE}/{record.pk}/corrections", {"minutes": 60, "reason": "再改"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "record_already_reversed"


def test_a_volunteer_cannot_correct_through_the_api(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    response = as_user(client, w.volunteer_user).post(
        f"{BASE}/{record.pk}/corrections", {"minutes": 200, "reason": "多记"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ServiceRecord.objects.count() == 1


def test_dispute_and_review_through_the_api(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    as_user(client, w.volunteer_user)
    response = client.post(
        f"{BASE}/{record.pk}/disputes", {"reason": "两小时", "claimed_minutes": 120}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    dispute_id = response.json()["id"]
    as_user(client, w.leader_user)
    assert client.get(f"{BASE}/disputes").json()["count"] == 1
    review = client.post(
        f"{BASE}/disputes/{dispute_id}/review",
        {"decision": "dismiss", "note": "记录准确"},
        content_type="application/json",
    )
    assert review.status_code == 200 and review.json()["status"] == DisputeStatus.DISMISSED


def test_disputing_someone_elses_record_through_the_api_is_refused(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    response = as_user(client, w.admin_user).post(
        f"{BASE}/{record.pk}/disputes", {"reason": "不对"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_own_record"
    assert not RecordDispute.objects.exists()


def test_dispute_list_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    as_user(client, w.admin_user)

    def one() -> None:
        volunteer = VolunteerFactory(org=w.tree.town_a, user=UserFactory())
        record = post_record(volunteer=volunteer, minutes=60, activity=w.activity)
        dispute_open(actor=volunteer.user, record=record, reason="不对", claimed_minutes=30)

    one()
    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(f"{BASE}/disputes"), lambda: [one() for _ in range(9)] and None
    )


def test_makeup_through_the_api(w: World, client: Client) -> None:
    as_user(client, w.leader_user)
    data = {"activity_id": w.activity.pk, "volunteer_number": w.volunteer.number, "minutes": 60, "reason": "漏签"}
    response = client.post(f"{BASE}/makeups", {**data, "evidence": png_upload()})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == RecordSource.MAKEUP and response.json()["has_evidence"] is True
    too_long = client.post(
        f"{BASE}/makeups",
        {**data, "volunteer_number": w.other_volunteer.number, "minutes": 500, "evidence": png_upload()},
    )
    assert too_long.status_code == 400 and too_long.json()["code"] == "makeup_too_long"
    missing = client.post(f"{BASE}/makeups", {**data, "volunteer_number": w.other_volunteer.number})
    assert missing.status_code == 422
    assert ServiceRecord.objects.count() == 1


def test_makeup_past_the_window_through_the_api_is_refused(w: World, client: Client) -> None:
    old = ended_activity(org=w.tree.town_a, team=w.team, hours_ago=24 * 40)
    response = as_user(client, w.leader_user).post(
        f"{BASE}/makeups",
        {
            "activity_id": old.pk,
            "volunteer_number": w.volunteer.number,
            "minutes": 60,
            "reason": "漏签",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 409 and response.json()["code"] == "makeup_window_closed"
    assert not ServiceRecord.objects.exists()


def test_makeup_through_the_api_without_the_year_s_holiday_arrangement_is_refused(w: World, client: Client) -> None:
    HolidayYear.objects.update(complete=False)
    year = (timezone.localtime(w.activity.end_at) + datetime.timedelta(days=1)).year
    response = as_user(client, w.leader_user).post(
        f"{BASE}/makeups",
        {
            "activity_id": w.activity.pk,
            "volunteer_number": w.volunteer.number,
            "minutes": 60,
            "reason": "漏签",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "work_calendar_missing"
    assert f"{year}年的节假日和调休安排尚未录入" in body["message"]
    assert not ServiceRecord.objects.exists()


def test_honour_grant_through_the_api(w: World, client: Client) -> None:
    data = {
        "volunteer_number": w.volunteer.number,
        "minutes": 120,
        "category": ServiceCategory.EMERGENCY,
        "served_on": timezone.localdate().isoformat(),
        "reason": "表彰",
    }
    as_user(client, w.admin_user)
    response = client.post(f"{BASE}/honours", {**data, "evidence": png_upload()})
    assert response.status_code == 201 and response.json()["kind"] == RecordKind.HONOUR
    from django.core.files.base import ContentFile

    fake = client.post(f"{BASE}/honours", {**data, "evidence": ContentFile(b"hello", name="a.png")})
    assert fake.status_code == 400 and fake.json()["code"] == "evidence_invalid"
    as_user(client, w.leader_user)
    assert client.post(f"{BASE}/honours", {**data, "evidence": png_upload()}).status_code == 403
    assert ServiceRecord.objects.count() == 1


def test_anomalies_list_and_resolve(w: World, client: Client, django_assert_num_queries: Any) -> None:
    as_user(client, w.leader_user)

    def one() -> Any:
        record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
        return AnomalyFactory(volunteer=w.volunteer, activity=w.activity, record=record)

    first = one()
    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(f"{BASE}/anomalies"), lambda: [one() for _ in range(9)] and None
    )
    assert client.get(f"{BASE}/anomalies").json()["count"] == 10
    response = client.post(
        f"{BASE}/anomalies/{first.pk}/resolve",
        {"action": "correct", "note": "过长", "minutes": 20},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == AnomalyStatus.CORRECTED
    as_user(client, w.other_admin_user)
    assert client.get(f"{BASE}/anomalies").json()["count"] == 0


def test_ranking_through_the_api(w: World, client: Client, django_assert_num_queries: Any) -> None:
    as_user(client, w.admin_user)
    post_record(volunteer=w.volunteer, minutes=60)

    def add_rows() -> None:
        for i in range(9):
            post_record(volunteer=VolunteerFactory(org=w.tree.community_a), minutes=100 + i)

    year = timezone.localdate().year
    assert_constant_queries(django_assert_num_queries, lambda: client.get(f"{BASE}/ranking?year={year}"), add_rows)
    body = client.get(f"{BASE}/ranking?year={year}&page_size=5&page=2").json()
    assert body["count"] == 10 and [i["rank"] for i in body["items"]] == [6, 7, 8, 9, 10]
    assert body["items"][-1]["volunteer_number"] == w.volunteer.number
    assert client.get(f"{BASE}/ranking?year=1900").status_code == 422


def test_certificates_through_the_api(w: World, client: Client, django_assert_num_queries: Any) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    today = timezone.localdate()
    period = {"period_start": (today - datetime.timedelta(days=7)).isoformat(), "period_end": today.isoformat()}
    as_user(client, w.volunteer_user)
    response = client.post(f"{BASE}/certificates", period, content_type="application/json")
    assert response.status_code == 201, response.content
    c = response.json()
    assert (c["credit_minutes"], c["honour_minutes"], len(c["activities"])) == (95, 0, 1)
    pdf = client.get(f"{BASE}/certificates/{c['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = as_user(client, w.other_volunteer_user).get(f"{BASE}/certificates/{c['id']}/pdf")
    assert other.status_code == 404
    as_user(client, w.admin_user)
    revoked = client.post(f"{BASE}/certificates/{c['id']}/revoke", {"reason": "有误"}, content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get(f"{BASE}/certificates/{c['id']}/pdf").status_code == 409
    client.logout()
    verify = client.get(f"{BASE}/verify/{c['verify_token']}").json()
    assert verify["status"] == "revoked" and verify["number"] == c["number"]
    assert w.volunteer.name not in str(verify)


def test_certificate_list_keeps_a_constant_query_count(
    w: World, client: Client, django_assert_num_queries: Any
) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    today = timezone.localdate()

    def issue() -> Certificate:
        return certificate_issue(
            actor=w.admin_user, volunteer=w.volunteer, period_start=today - datetime.timedelta(days=3), period_end=today
        )

    issue()
    as_user(client, w.volunteer_user)
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(f"{BASE}/certificates"),
        lambda: [issue() for _ in range(9)] and None,
    )
    assert client.get(f"{BASE}/certificates").json()["count"] == 10


@pytest.mark.parametrize("path", ["/999999999", "/disputes/999999999/review", "/anomalies/99999999999/resolve"])
def test_unknown_ids_are_404_not_500(w: World, client: Client, path: str) -> None:
    as_user(client, w.admin_user)
    method = client.get if path == "/999999999" else client.post
    body = {"decision": "dismiss", "note": "x", "action": "clear"}
    response = method(f"{BASE}{path}", body, content_type="application/json")
    assert response.status_code == 404
