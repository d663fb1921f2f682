"""安全保障 through the API and the pages: per role, statuses, messages; a refused/allowed check-in pair for
each way in (phone check-in by code or QR, organiser proxy, offline sync) and constant query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.activities.codes import code_at
from redvest.activities.models import (
    Activity,
    AgreementAcceptance,
    AgreementKind,
    Attendance,
    GuardianConsent,
    InsurancePolicy,
    SignUp,
    SignUpStatus,
)
from redvest.activities.services.safeguards import guardian_link_token
from redvest.activities.tests.conftest import World, make_user_volunteer
from redvest.activities.tests.factories import AgreementTemplateFactory, InsurancePolicyFactory, SignUpFactory
from redvest.activities.tests.test_api import activity_body
from redvest.activities.todos import todos
from redvest.core.crypto import encrypt
from redvest.volunteers.models import Volunteer

BASE = "/api/v1/activities"


@pytest.fixture
def running(world: World) -> World:
    """The activity is risky, started ten minutes ago; volunteer 0 is approved."""
    now = timezone.now()
    Activity.objects.filter(pk=world.activity.pk).update(
        start_at=now - datetime.timedelta(minutes=10),
        end_at=now + datetime.timedelta(hours=2),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(hours=1),
        has_risk=True,
        risk_description="河道清理，临水作业",
    )
    world.activity.refresh_from_db()
    SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    AgreementTemplateFactory(kind=AgreementKind.RISKY)  # seeded by a migration, which a flushed test database lacks
    return world


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def insure(world: World) -> InsurancePolicy:
    policy: InsurancePolicy = InsurancePolicyFactory(activity=world.activity, insured=[world.volunteer(0)])
    return policy


def minor_signup(world: World) -> tuple[Any, SignUp]:
    start = world.activity.start_at.date()
    user = make_user_volunteer(
        world.tree.community_a,
        birth_date=start.replace(year=start.year - 15),
        guardian_name="李红",
        guardian_phone_encrypted=encrypt("13905720003"),
    )
    signup = SignUpFactory(
        activity=world.activity, volunteer=Volunteer.objects.get(user=user), status=SignUpStatus.PENDING
    )
    return user, signup


# ---- check-in: a refused/allowed pair for each way in ------------------------------------------------


def test_api_check_in_refused_without_insurance_then_allowed(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[0])
    url = f"{BASE}/{running.activity.pk}/check-in"
    body = {"latitude": "30.9", "longitude": "119.9", "via_qr": True}
    refused = post(client, url, {**body, "code": code_at(running.activity.checkin_secret, timezone.now())})
    assert refused.status_code == 409 and refused.json()["code"] == "not_insured"
    assert "意外保险" in refused.json()["message"] and not Attendance.objects.exists()
    insure(running)
    allowed = post(client, url, {**body, "code": code_at(running.activity.checkin_secret, timezone.now())})
    assert allowed.status_code in (200, 201) and Attendance.objects.count() == 1


def test_page_check_in_refused_without_insurance_then_allowed(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[0])
    url = reverse("activities:checkin-submit", args=[running.activity.pk])

    def body() -> dict[str, str]:
        return {
            "code": code_at(running.activity.checkin_secret, timezone.now()),
            "latitude": "30.9",
            "longitude": "119.9",
        }

    refused = client.post(url, body())
    assert refused.status_code == 409 and "意外保险" in refused.content.decode()
    insure(running)
    assert client.post(url, body()).status_code == 302 and Attendance.objects.count() == 1


def test_proxy_check_in_api_and_page_refused_without_insurance_then_allowed(client: Client, running: World) -> None:
    as_user(client, running.leader_user)
    v = running.volunteer(0)
    refused = post(client, f"{BASE}/{running.activity.pk}/proxy-check-in", {"volunteer_id": v.pk, "reason": "手机没电"})
    assert refused.status_code == 409 and v.name in refused.json()["message"]
    page = client.post(
        reverse("activities:attendance-proxy-in", args=[running.activity.pk]), {"volunteer": v.pk, "reason": "手机没电"}
    )
    assert page.status_code == 409 and "意外保险" in page.content.decode()
    insure(running)
    allowed = post(client, f"{BASE}/{running.activity.pk}/proxy-check-in", {"volunteer_id": v.pk, "reason": "手机没电"})
    assert allowed.status_code in (200, 201) and Attendance.objects.get().proxy_by == running.leader_user


def test_offline_sync_api_refused_without_insurance_then_allowed(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[0])
    now = timezone.now()

    def item(cid: str) -> dict[str, Any]:
        at = now.isoformat()
        return {
            "client_id": cid,
            "activity_id": running.activity.pk,
            "kind": "check_in",
            "at": at,
            "code": code_at(running.activity.checkin_secret, now),
            "latitude": "30.9",
            "longitude": "119.9",
        }

    [refused] = post(client, f"{BASE}/sync", {"items": [item("c1")]}).json()["results"]
    assert refused["ok"] is False and refused["code"] == "not_insured"
    insure(running)
    [allowed] = post(client, f"{BASE}/sync", {"items": [item("c2")]}).json()["results"]
    assert allowed["ok"] is True


# ---- insurance API -----------------------------------------------------------------------------------


def insurance_body(world: World, **kw: Any) -> dict[str, Any]:
    a = world.activity
    body: dict[str, Any] = {
        "insurer": "中国平安财产保险股份有限公司湖州中心支公司",
        "policy_number": "PA2026-88",
        "cover_start": (a.start_at - datetime.timedelta(hours=1)).isoformat(),
        "cover_end": (a.end_at + datetime.timedelta(hours=1)).isoformat(),
        "volunteer_ids": [world.volunteer(0).pk],
    }
    body.update(kw)
    return body


def test_leader_records_insurance_and_lists_it(client: Client, running: World) -> None:
    as_user(client, running.leader_user)
    created = post(client, f"{BASE}/{running.activity.pk}/insurance", insurance_body(running))
    assert created.status_code == 201, created.content
    assert created.json()["in_force"] is True and created.json()["insured"][0]["id"] == running.volunteer(0).pk
    again = post(client, f"{BASE}/{running.activity.pk}/insurance", insurance_body(running, reason="补录保单号"))
    assert again.status_code == 201 and again.json()["supersedes_id"] == created.json()["id"]
    listed = client.get(f"{BASE}/{running.activity.pk}/insurance").json()
    assert listed["count"] == 2 and [p["in_force"] for p in listed["items"]] == [True, False]


def test_bad_insurance_is_422_naming_the_fields_and_writes_nothing(client: Client, running: World) -> None:
    as_user(client, running.leader_user)
    a = running.activity
    bad = post(
        client,
        f"{BASE}/{a.pk}/insurance",
        insurance_body(running, policy_number="", cover_end=(a.start_at - datetime.timedelta(hours=2)).isoformat()),
    )
    assert bad.status_code == 422 and {"policy_number", "cover_end"} <= set(bad.json()["errors"])
    missing = post(client, f"{BASE}/{a.pk}/insurance", {"insurer": "人保"})
    assert missing.status_code == 422 and "volunteer_ids" in missing.json()["errors"]
    assert not InsurancePolicy.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "other_leader"])
def test_insurance_is_for_organisers_only(client: Client, running: World, who: str) -> None:
    user = running.volunteer_users[0] if who == "volunteer" else running.other_leader_user
    as_user(client, user)
    assert post(client, f"{BASE}/{running.activity.pk}/insurance", insurance_body(running)).status_code in (403, 404)
    assert client.get(f"{BASE}/{running.activity.pk}/insurance").status_code in (403, 404)
    assert not InsurancePolicy.objects.exists()


def test_org_admin_sees_safeguards_and_uninsured_to_do(client: Client, running: World) -> None:
    as_user(client, running.admin_user)
    rows = client.get(f"{BASE}/{running.activity.pk}/safeguards").json()["items"]
    assert [(r["volunteer_id"], r["insured"]) for r in rows] == [(running.volunteer(0).pk, False)]
    [todo] = [t for t in todos(running.admin_user) if "未投保" in t.label]
    assert todo.count == 1
    page = client.get(todo.url)
    assert running.activity.title in page.content.decode()
    insure(running)
    assert not [t for t in todos(running.admin_user) if "未投保" in t.label]
    assert running.activity.title not in client.get(todo.url).content.decode()


# ---- agreements API ----------------------------------------------------------------------------------


def test_volunteer_reads_and_accepts_agreements_then_leader_approves(client: Client, running: World) -> None:
    signup = SignUpFactory(activity=running.activity, volunteer=running.volunteer(1), status=SignUpStatus.PENDING)
    as_user(client, running.leader_user)
    refused = post(client, f"{BASE}/signups/{signup.pk}/approve")
    assert refused.status_code == 409 and refused.json()["code"] == "agreement_not_accepted"
    assert client.get(f"{BASE}/signups/{signup.pk}/agreements").status_code == 403
    assert post(client, f"{BASE}/signups/{signup.pk}/agreements/accept").status_code == 403
    as_user(client, running.volunteer_users[1])
    shown = client.get(f"{BASE}/signups/{signup.pk}/agreements").json()
    assert [a["kind"] for a in shown["missing"]] == ["risky"] and shown["missing"][0]["text"]
    [[kind, todo_count]] = [[t.label, t.count] for t in todos(running.volunteer_users[1]) if "协议" in t.label]
    assert todo_count == 1
    accepted = client.post(
        f"{BASE}/signups/{signup.pk}/agreements/accept", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", REMOTE_ADDR="10.2.3.4"
    )
    assert accepted.status_code == 200 and accepted.json()[0]["version"]
    row = AgreementAcceptance.objects.get(signup=signup)
    assert (row.ip_address, row.user_agent) == ("10.2.3.4", "Mozilla/5.0 (iPhone)")
    as_user(client, running.leader_user)
    assert post(client, f"{BASE}/signups/{signup.pk}/approve").json()["status"] == "approved"


def test_sign_up_page_shows_the_agreement_and_records_acceptance(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[1])
    page = client.get(reverse("activities:activity-detail", args=[running.activity.pk])).content.decode()
    assert "有风险志愿服务协议" in page and 'name="accept_agreements"' in page and "河道清理" in page
    client.post(reverse("activities:signup-create", args=[running.activity.pk]), {"accept_agreements": "1"})
    signup = SignUp.objects.get(volunteer=running.volunteer(1))
    assert AgreementAcceptance.objects.filter(signup=signup).count() == 1


# ---- guardian consent --------------------------------------------------------------------------------


def test_leader_records_a_paper_consent_through_the_api(client: Client, world: World) -> None:
    _, signup = minor_signup(world)
    as_user(client, world.leader_user)
    url = f"{BASE}/signups/{signup.pk}/guardian-consent"
    missing = client.post(url, {"guardian_name": "李红"})
    assert missing.status_code == 422 and "relation" in missing.json()["errors"]
    no_file = client.post(url, {"guardian_name": "李红", "relation": "母亲"})
    assert no_file.status_code == 422 and "evidence" in no_file.json()["errors"]
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    ok = client.post(url, {"guardian_name": "李红", "relation": "母亲", "evidence": scan})
    assert ok.status_code == 201, ok.content.decode()
    assert ok.json()["method"] == "paper"
    assert GuardianConsent.objects.get().recorded_by == world.leader_user


def test_volunteer_cannot_record_their_own_paper_consent(client: Client, world: World) -> None:
    user, signup = minor_signup(world)
    as_user(client, user)
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        f"{BASE}/signups/{signup.pk}/guardian-consent", {"guardian_name": "李红", "relation": "母亲", "evidence": scan}
    )
    assert response.status_code == 403 and not GuardianConsent.objects.exists()


def test_minor_texts_the_guardian_who_confirms_on_the_public_page(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    user, signup = minor_signup(world)
    as_user(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, f"{BASE}/signups/{signup.pk}/guardian-consent/request")
    assert sent.status_code == 200 and sent.json()["sent_to"].endswith("0003")
    client.logout()
    url = reverse("activities:guardian-consent", args=[guardian_link_token(signup)])
    page = client.get(url)
    assert page.status_code == 200 and world.activity.title in page.content.decode()
    done = client.post(url, {"guardian_name": "李红", "relation": "母亲", "agree": "on"})
    assert done.status_code == 200 and 'id="guardian-done"' in done.content.decode()
    assert GuardianConsent.objects.get().method == "phone_link"
    assert client.get(url + "x").status_code == 404


def test_approval_page_shows_the_guardian_message(client: Client, world: World) -> None:
    _, signup = minor_signup(world)
    AgreementAcceptance.objects.all().delete()
    as_user(client, world.leader_user)
    response = client.post(
        reverse("activities:signup-decide", args=[signup.pk]), {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "服务协议" in response.content.decode() or "监护人" in response.content.decode()


def test_safeguards_page_for_organisers_only(client: Client, running: World) -> None:
    url = reverse("activities:safeguards", args=[running.activity.pk])
    as_user(client, running.other_leader_user)
    assert client.get(url).status_code in (403, 404)
    as_user(client, running.leader_user)
    page = client.get(url).content.decode()
    assert 'id="uninsured"' in page and running.volunteer(0).name in page
    scan = SimpleUploadedFile("policy.png", b"\x89PNG\r\n\x1a\nxx", content_type="image/png")
    a = running.activity
    fmt = "%Y-%m-%dT%H:%M"
    saved = client.post(
        url,
        {
            "insurer": "人保财险",
            "policy_number": "PICC-1",
            "cover_start": timezone.localtime(a.start_at - datetime.timedelta(hours=1)).strftime(fmt),
            "cover_end": timezone.localtime(a.end_at + datetime.timedelta(hours=1)).strftime(fmt),
            "volunteers": [running.volunteer(0).pk],
            "evidence": scan,
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert InsurancePolicy.objects.get().evidence


# ---- query counts ------------------------------------------------------------------------------------


def add_insured_signups(world: World, count: int) -> None:
    """Approved sign-ups, all named by the policy in force but the last (one uninsured row each time)."""
    signups = SignUpFactory.create_batch(count, activity=world.activity, status=SignUpStatus.APPROVED)
    policy = InsurancePolicy.objects.filter(activity=world.activity).order_by("-id").first()
    if policy is None:
        policy = InsurancePolicyFactory(activity=world.activity)
    policy.insured_volunteers.add(*[s.volunteer for s in signups[:-1]])


def add_policies(world: World, count: int) -> None:
    """Corrections: each a new policy naming two signed-up volunteers."""
    for _ in range(count):
        signups = SignUpFactory.create_batch(2, activity=world.activity, status=SignUpStatus.APPROVED)
        InsurancePolicyFactory(activity=world.activity, insured=[s.volunteer for s in signups], reason="更正")


CASES: list[Any] = [
    pytest.param(add_policies, lambda c, w: c.get(f"{BASE}/{w.activity.pk}/insurance"), "api", id="insurance-list-api"),
    pytest.param(
        add_insured_signups, lambda c, w: c.get(f"{BASE}/{w.activity.pk}/safeguards"), "api", id="safeguard-list-api"
    ),
    pytest.param(
        add_insured_signups,
        lambda c, w: c.get(reverse("activities:safeguards", args=[w.activity.pk])),
        "page",
        id="safeguards-page",
    ),
    pytest.param(
        add_policies,
        lambda c, w: c.get(reverse("activities:safeguards", args=[w.activity.pk])),
        "page",
        id="safeguards-page-history",
    ),
]


@pytest.mark.parametrize(("add_rows", "call", "kind"), CASES)
def test_same_query_count_for_one_and_ten_rows(
    world: World,
    client: Client,
    django_assert_num_queries: Any,
    add_rows: Callable[[World, int], None],
    call: Callable[[Client, World], Any],
    kind: str,
) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(has_risk=True, risk_description="高处作业")
    client.force_login(world.leader_user)
    add_rows(world, 1)
    call(client, world)
    with CaptureQueriesContext(connection) as one_row:
        assert call(client, world).status_code == 200
    add_rows(world, 9)
    with django_assert_num_queries(len(one_row)):
        response = call(client, world)
    assert response.status_code == 200
    if kind == "api":
        assert response.json()["count"] >= 10


def test_organiser_marks_an_activity_risky_with_a_description(client: Client, world: World) -> None:
    as_user(client, world.leader_user)
    missing = post(client, f"{BASE}/", activity_body(world, has_risk=True))
    assert missing.status_code == 400 and "risk_description" in missing.json()["errors"]
    created = post(client, f"{BASE}/", activity_body(world, has_risk=True, risk_description="高空悬挂横幅"))
    assert created.status_code in (200, 201), created.content
    assert created.json()["has_risk"] is True and created.json()["risk_description"] == "高空悬挂横幅"


def test_pages_for_accepting_agreements_and_recording_a_paper_consent(client: Client, running: World) -> None:
    signup = SignUpFactory(activity=running.activity, volunteer=running.volunteer(1), status=SignUpStatus.PENDING)
    as_user(client, running.volunteer_users[1])
    detail = client.get(reverse("activities:activity-detail", args=[running.activity.pk])).content.decode()
    assert 'id="agreement-form"' in detail
    url = reverse("activities:agreement-accept", args=[signup.pk])
    client.post(url, {})
    assert not AgreementAcceptance.objects.exists()
    assert client.post(url, {"accept_agreements": "1"}).status_code == 302
    assert AgreementAcceptance.objects.filter(signup=signup).count() == 1
    _, minor = minor_signup(running)
    as_user(client, running.leader_user)
    page = client.get(reverse("activities:safeguards", args=[running.activity.pk])).content.decode()
    assert f'id="safeguard-{minor.pk}"' in page and "录入纸质同意书" in page
    scan = SimpleUploadedFile("form.jpg", b"\xff\xd8\xff\xe0scan", content_type="image/jpeg")
    saved = client.post(
        reverse("activities:guardian-paper", args=[minor.pk]),
        {"guardian_name": "李红", "relation": "母亲", "evidence": scan},
    )
    assert saved.status_code == 302 and GuardianConsent.objects.get().volunteer_id == minor.volunteer_id
