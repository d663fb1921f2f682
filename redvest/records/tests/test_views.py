"""Pages: who sees what, forms show the services' messages with a 4xx, list pages keep a constant query count."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import User
from redvest.accounts.tests.factories import UserFactory
from redvest.activities.models import ServiceCategory
from redvest.records.models import (
    Anomaly,
    AnomalyStatus,
    Certificate,
    DisputeStatus,
    HolidayYear,
    RecordDispute,
    RecordKind,
    RecordSource,
    ServiceRecord,
    StarLevelConfig,
)
from redvest.records.services import certificate_issue, dispute_open, record_correct
from redvest.records.tests.conftest import World, ended_activity
from redvest.records.tests.factories import AnomalyFactory, png_upload, post_record
from redvest.volunteers.tests.factories import VolunteerFactory


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def assert_constant_queries(
    django_assert_num_queries: Any, fetch: Callable[[], Any], add_rows: Callable[[], None]
) -> None:
    """The same number of queries for one row and for ten (after a warm-up request)."""
    fetch()
    with CaptureQueriesContext(connection) as one:
        fetch()
    add_rows()
    with django_assert_num_queries(len(one.captured_queries)):
        fetch()


def _ok(response: Any) -> str:
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "!!MISSING" not in body
    return body


# ---- my service ----------------------------------------------------------------------------------


def test_my_service_shows_totals_star_and_history_with_corrections(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=95, reason="签退时间有误")
    post_record(volunteer=w.volunteer, minutes=600, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    body = _ok(login(client, w.volunteer_user).get(reverse("records:my-service")))
    assert 'data-testid="credit-hours">1.6<' in body
    assert 'data-testid="honour-hours">10.0<' in body
    assert "已被冲销" in body and f"冲销 #{record.pk}" in body and f"更正 #{record.pk}" in body
    assert "暂未评星" in body


def test_my_service_without_a_volunteer_record_says_so(client: Client, db: None) -> None:
    response = login(client, UserFactory()).get(reverse("records:my-service"))
    assert response.status_code == 404
    assert "您还不是登记在册的志愿者" in response.content.decode()


def test_my_service_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    login(client, w.volunteer_user)
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)

    def add_rows() -> None:
        for i in range(9):
            activity = ended_activity(org=w.tree.town_a, team=w.team, hours_ago=24 * (i + 1))
            record = post_record(volunteer=w.volunteer, minutes=60, activity=activity, category=ServiceCategory.HEALTH)
            if i % 3 == 0:
                record_correct(actor=w.leader_user, record=record, minutes=30, reason="更正")

    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("records:my-service")), add_rows)


# ---- records, corrections and disputes ---------------------------------------------------------


def test_another_volunteer_cannot_open_my_record(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    response = login(client, w.other_volunteer_user).get(reverse("records:record-detail", args=[record.pk]))
    assert response.status_code == 404


def test_leader_corrects_a_record_from_the_page(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    login(client, w.leader_user)
    assert "更正" in _ok(client.get(reverse("records:record-detail", args=[record.pk])))
    response = client.post(reverse("records:record-correct", args=[record.pk]), {"minutes": 90, "reason": "早退"})
    assert response.status_code == 302
    assert ServiceRecord.objects.get(corrects=record).minutes == 90


def test_correcting_a_reversed_record_from_the_page_shows_the_message(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=90, reason="早退")
    response = login(client, w.leader_user).post(
        reverse("records:record-correct", args=[record.pk]), {"minutes": 60, "reason": "再改"}
    )
    assert response.status_code == 409
    assert "请对其更正记录进行更正" in response.content.decode()
    assert ServiceRecord.objects.count() == 3


def test_a_volunteer_posting_a_correction_is_refused(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    response = login(client, w.volunteer_user).post(
        reverse("records:record-correct", args=[record.pk]), {"minutes": 200, "reason": "多记点"}
    )
    assert response.status_code == 403
    assert ServiceRecord.objects.count() == 1


def test_volunteer_disputes_from_the_page_and_leader_upholds(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    response = login(client, w.volunteer_user).post(
        reverse("records:dispute-create", args=[record.pk]), {"reason": "实际两小时", "claimed_minutes": 120}
    )
    assert response.status_code == 302
    dispute = RecordDispute.objects.get()
    client.logout()
    login(client, w.leader_user)
    assert "实际两小时" in _ok(client.get(reverse("records:dispute-list")))
    response = client.post(
        reverse("records:dispute-review", args=[dispute.pk]), {"decision": "uphold", "note": "属实", "minutes": ""}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD


def test_a_missing_dispute_reason_is_a_400_with_the_field_error(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    response = login(client, w.volunteer_user).post(reverse("records:dispute-create", args=[record.pk]), {})
    assert response.status_code == 400
    assert not RecordDispute.objects.exists()


def test_record_list_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    login(client, w.admin_user)
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)

    def add_rows() -> None:
        for _ in range(9):
            post_record(volunteer=VolunteerFactory(org=w.tree.community_a), minutes=60, activity=w.activity)

    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("records:record-list")), add_rows)
    assert _ok(client.get(reverse("records:record-list"))).count("详情") == 10


def test_dispute_list_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    login(client, w.leader_user)

    def one() -> None:
        volunteer = VolunteerFactory(org=w.tree.town_a, user=UserFactory())
        record = post_record(volunteer=volunteer, minutes=60, activity=w.activity)
        dispute_open(actor=volunteer.user, record=record, reason="时长不对", claimed_minutes=90)

    one()
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("records:dispute-list")),
        lambda: [one() for _ in range(9)] and None,
    )


# ---- make-ups, honour hours --------------------------------------------------------------------


def test_leader_records_a_makeup_from_the_page(w: World, client: Client) -> None:
    login(client, w.leader_user)
    assert w.activity.title in _ok(client.get(reverse("records:makeup-create")))
    response = client.post(
        reverse("records:makeup-create"),
        {
            "activity": w.activity.pk,
            "volunteer_number": w.volunteer.number,
            "minutes": 60,
            "reason": "忘记签到",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get(source=RecordSource.MAKEUP).minutes == 60


def test_a_makeup_past_the_window_shows_the_deadline_and_writes_nothing(w: World, client: Client) -> None:
    old = ended_activity(org=w.tree.town_a, team=w.team, hours_ago=24 * 40)
    response = login(client, w.leader_user).post(
        reverse("records:makeup-create"),
        {
            "activity": old.pk,
            "volunteer_number": w.volunteer.number,
            "minutes": 60,
            "reason": "忘记签到",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 409
    assert "已超过补录期限" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_a_makeup_needing_a_year_without_its_holiday_arrangement_shows_why_on_the_page(
    w: World, client: Client
) -> None:
    HolidayYear.objects.update(complete=False)
    year = (timezone.localtime(w.activity.end_at) + datetime.timedelta(days=1)).year
    response = login(client, w.leader_user).post(
        reverse("records:makeup-create"),
        {
            "activity": w.activity.pk,
            "volunteer_number": w.volunteer.number,
            "minutes": 60,
            "reason": "忘记签到",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert f"{year}年的节假日和调休安排尚未录入" in body and "工作日历" in body
    assert not ServiceRecord.objects.exists()


def test_org_admin_grants_honour_hours_from_the_page(w: World, client: Client) -> None:
    response = login(client, w.admin_user).post(
        reverse("records:honour-grant"),
        {
            "volunteer_number": w.volunteer.number,
            "minutes": 300,
            "category": ServiceCategory.EMERGENCY,
            "served_on": timezone.localdate().isoformat(),
            "reason": "防汛表彰",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get().kind == RecordKind.HONOUR


def test_honour_without_evidence_from_the_page_is_refused(w: World, client: Client) -> None:
    response = login(client, w.admin_user).post(
        reverse("records:honour-grant"),
        {
            "volunteer_number": w.volunteer.number,
            "minutes": 300,
            "category": ServiceCategory.EMERGENCY,
            "served_on": timezone.localdate().isoformat(),
            "reason": "防汛表彰",
        },
    )
    assert response.status_code == 400
    assert not ServiceRecord.objects.exists()


def test_a_leader_cannot_grant_honour_hours_from_the_page(w: World, client: Client) -> None:
    response = login(client, w.leader_user).post(
        reverse("records:honour-grant"),
        {
            "volunteer_number": w.volunteer.number,
            "minutes": 300,
            "category": ServiceCategory.EMERGENCY,
            "served_on": timezone.localdate().isoformat(),
            "reason": "表彰",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 403
    assert "只有组织管理员可以授予荣誉时数" in response.content.decode()


# ---- review queue ------------------------------------------------------------------------------


def test_review_queue_keeps_a_constant_query_count(w: World, client: Client, django_assert_num_queries: Any) -> None:
    login(client, w.leader_user)

    def one() -> Anomaly:
        record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
        return AnomalyFactory(volunteer=w.volunteer, activity=w.activity, record=record)

    one()
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("records:review-queue")),
        lambda: [one() for _ in range(9)] and None,
    )
    assert _ok(client.get(reverse("records:review-queue"))).count(">复核</a>") == 10


def test_leader_clears_an_anomaly_from_the_queue(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    anomaly = AnomalyFactory(volunteer=w.volunteer, activity=w.activity, record=record)
    login(client, w.leader_user)
    _ok(client.get(reverse("records:anomaly-resolve", args=[anomaly.pk])))
    response = client.post(
        reverse("records:anomaly-resolve", args=[anomaly.pk]), {"action": "clear", "note": "核实无误"}
    )
    assert response.status_code == 302
    anomaly.refresh_from_db()
    assert anomaly.status == AnomalyStatus.CLEARED


def test_another_town_admin_cannot_open_the_anomaly(w: World, client: Client) -> None:
    anomaly = AnomalyFactory(volunteer=w.volunteer, activity=w.activity)
    response = login(client, w.other_admin_user).get(reverse("records:anomaly-resolve", args=[anomaly.pk]))
    assert response.status_code == 404


# ---- ranking and star levels -------------------------------------------------------------------


def test_ranking_orders_by_credit_and_keeps_a_constant_query_count(
    w: World, client: Client, django_assert_num_queries: Any
) -> None:
    login(client, w.admin_user)
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    post_record(volunteer=w.volunteer, minutes=6000, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)

    others = []

    def add_rows() -> None:
        for i in range(9):
            others.append(VolunteerFactory(org=w.tree.community_a))
            post_record(volunteer=others[-1], minutes=100 + i)

    url = reverse("records:ranking") + f"?year={timezone.localdate().year}"
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add_rows)
    body = _ok(client.get(url))
    assert body.count('<td class="rank">') == 10
    positions = [body.index(v.number) for v in [*reversed(others), w.volunteer]]
    assert positions == sorted(positions)  # by credit minutes; 100 honour hours do not lift the rank


def test_ranking_of_another_town_excludes_my_volunteers(w: World, client: Client) -> None:
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    body = _ok(login(client, w.other_admin_user).get(reverse("records:ranking")))
    assert w.volunteer.number not in body


def test_org_admin_sets_star_levels_from_the_page(w: World, client: Client) -> None:
    login(client, w.admin_user)
    _ok(client.get(reverse("records:star-levels")))
    data = {"org": w.tree.town_a.pk, "star1": 10, "star2": 20, "star3": 30, "star4": 40, "star5": 50}
    assert client.post(reverse("records:star-levels"), data).status_code == 302
    assert StarLevelConfig.objects.get(org=w.tree.town_a).thresholds_hours == [10, 20, 30, 40, 50]
    bad = {**data, "star3": 5}
    response = client.post(reverse("records:star-levels"), bad)
    assert response.status_code == 400
    assert "依次递增" in response.content.decode()


def test_a_volunteer_cannot_open_star_levels(w: World, client: Client) -> None:
    assert login(client, w.volunteer_user).get(reverse("records:star-levels")).status_code == 403


# ---- certificates ------------------------------------------------------------------------------


def _certificate(w: World) -> Certificate:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    today = timezone.localdate()
    return certificate_issue(
        actor=w.volunteer_user, volunteer=w.volunteer, period_start=today - datetime.timedelta(days=7), period_end=today
    )


def test_volunteer_issues_and_downloads_a_certificate(w: World, client: Client) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    today = timezone.localdate()
    login(client, w.volunteer_user)
    response = client.post(
        reverse("records:certificate-issue"),
        {"period_start": (today - datetime.timedelta(days=7)).isoformat(), "period_end": today.isoformat()},
    )
    assert response.status_code == 302
    c = Certificate.objects.get()
    assert c.number in _ok(client.get(reverse("records:certificate-list")))
    pdf = client.get(reverse("records:certificate-pdf", args=[c.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert c.number in _ok(client.get(reverse("records:certificate-verify", args=[c.verify_token])))


def test_a_certificate_with_nothing_to_certify_shows_the_message(w: World, client: Client) -> None:
    today = timezone.localdate()
    response = login(client, w.volunteer_user).post(
        reverse("records:certificate-issue"), {"period_start": today.isoformat(), "period_end": today.isoformat()}
    )
    assert response.status_code == 409
    assert "没有服务时长" in response.content.decode()


def test_another_volunteer_cannot_download_my_certificate(w: World, client: Client) -> None:
    c = _certificate(w)
    assert login(client, w.other_volunteer_user).get(reverse("records:certificate-pdf", args=[c.pk])).status_code == 404


def test_org_admin_revokes_and_the_pdf_is_no_longer_served(w: World, client: Client) -> None:
    c = _certificate(w)
    login(client, w.admin_user)
    response = client.post(reverse("records:certificate-revoke", args=[c.pk]), {"reason": "核查有误"})
    assert response.status_code == 302
    assert client.get(reverse("records:certificate-pdf", args=[c.pk])).status_code == 409
    body = client.get(reverse("records:certificate-verify", args=[c.verify_token])).content.decode()
    assert "该证明已撤销" in body


def test_the_volunteer_cannot_revoke_their_certificate(w: World, client: Client) -> None:
    c = _certificate(w)
    response = login(client, w.volunteer_user).post(
        reverse("records:certificate-revoke", args=[c.pk]), {"reason": "不要了"}
    )
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.revoked_at is None


def test_certificate_list_keeps_a_constant_query_count(
    w: World, client: Client, django_assert_num_queries: Any
) -> None:
    login(client, w.admin_user)
    _certificate(w)

    def add_rows() -> None:
        today = timezone.localdate()
        for _ in range(9):
            certificate_issue(
                actor=w.admin_user,
                volunteer=w.volunteer,
                period_start=today - datetime.timedelta(days=7),
                period_end=today,
            )

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("records:certificate-list")), add_rows
    )


@pytest.mark.parametrize(
    "name",
    [
        "records:my-service",
        "records:record-list",
        "records:dispute-list",
        "records:makeup-create",
        "records:honour-grant",
        "records:review-queue",
        "records:ranking",
        "records:certificate-list",
        "records:certificate-issue",
    ],
)
def test_pages_require_login(client: Client, name: str, db: None) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_evidence_is_served_to_those_who_see_the_record_only(w: World, client: Client) -> None:
    from redvest.records.services import makeup_record

    record = makeup_record(
        actor=w.leader_user,
        activity=w.activity,
        volunteer=w.volunteer,
        minutes=60,
        reason="忘记签到",
        evidence=png_upload(),
    )
    url = reverse("records:record-evidence", args=[record.pk])
    for user in (w.leader_user, w.volunteer_user, w.admin_user):
        response = login(client, user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert login(client, w.other_volunteer_user).get(url).status_code == 404
    assert login(client, w.other_admin_user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_record_list_shows_the_last_30_days_unless_narrowed(w: World, client: Client) -> None:
    old_day = timezone.localdate() - datetime.timedelta(days=45)
    old = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity, served_on=old_day)
    recent = post_record(volunteer=w.other_volunteer, minutes=60, activity=w.activity)
    login(client, w.leader_user)

    def shown(query: str = "") -> set[int]:
        body = _ok(client.get(reverse("records:record-list") + query))
        return {r.pk for r in (old, recent) if reverse("records:record-detail", args=[r.pk]) in body}

    assert shown() == {recent.pk}
    assert shown(f"?number={w.volunteer.number}") == {old.pk}
    assert shown(f"?since={(old_day - datetime.timedelta(days=1)).isoformat()}") == {old.pk, recent.pk}
