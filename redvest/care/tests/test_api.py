from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import User
from redvest.care.models import CareConsent, CareHealthRecord, CarePairing, CareRecipient, CareVisit
from redvest.care.tests.factories import CareConsentFactory, CarePairingFactory, CareRecipientFactory, CareWorld
from redvest.care.tests.test_views import queries
from redvest.demand.models import ServiceRequest
from redvest.demand.tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/care"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body, default=str), content_type="application/json")


def test_recipient_create_list_and_detail(world: CareWorld) -> None:
    client = as_user(world.admin)
    created = send(
        client,
        "post",
        f"{BASE}/recipients",
        {
            "org": world.community_a.pk,
            "name": "孙大爷",
            "gender": "M",
            "category": "military_family",
            "phone": "13911112222",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone_masked"] == "139****2222" and "phone" not in body
    listed = client.get(f"{BASE}/recipients").json()
    assert listed["count"] == 2 and {r["name"] for r in listed["items"]} == {"孙大爷", world.recipient.name}
    assert client.get(f"{BASE}/recipients/{body['id']}").json()["category_label"] == "烈军属"
    assert client.get(f"{BASE}/recipients/{world.far_recipient.pk}").status_code == 404


def test_recipient_bad_input_is_a_json_error_with_field_names(world: CareWorld) -> None:
    response = send(
        as_user(world.admin),
        "post",
        f"{BASE}/recipients",
        {"org": world.community_b.pk, "name": "", "gender": "?", "category": "x"},
    )
    assert response.status_code == 400
    assert {"org", "name", "gender", "category"} <= set(response.json()["errors"])
    assert not CareRecipient.objects.filter(org=world.community_b).exclude(pk=world.far_recipient.pk).exists()


def test_schema_errors_name_the_field(world: CareWorld) -> None:
    response = send(as_user(world.admin), "post", f"{BASE}/recipients", {"name": "x"})
    assert response.status_code == 422 and "org" in response.json()["errors"]


def test_health_put_without_consent_is_422_and_writes_nothing(world: CareWorld) -> None:
    response = send(as_user(world.admin), "put", f"{BASE}/recipients/{world.recipient.pk}/health", {"conditions": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "consent_required"
    assert response.json()["message"].startswith("未取得本人或监护人对健康信息的单独同意")
    assert not CareHealthRecord.objects.exists()


def test_consent_health_and_withdrawal_over_the_api(world: CareWorld) -> None:
    client = as_user(world.admin)
    url = f"{BASE}/recipients/{world.recipient.pk}"
    consent = send(
        client,
        "post",
        f"{url}/consents",
        {
            "given_by": "self",
            "giver_name": world.recipient.name,
            "method": "electronic",
            "given_on": timezone.localdate(),
        },
    )
    assert consent.status_code == 201, consent.content
    put = send(
        client, "put", f"{url}/health", {"conditions": "高血压", "disability_type": "vision", "disability_grade": 3}
    )
    assert put.status_code == 200, put.content
    got = client.get(f"{url}/health").json()
    assert got["recorded"] and got["conditions"] == "高血压" and got["disability_grade"] == 3
    withdrawn = send(client, "post", f"{BASE}/consents/{consent.json()['id']}/withdraw", {"reason": "本人要求"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert client.get(f"{url}/health").json() == {
        "conditions": "",
        "disability_type": "",
        "disability_grade": None,
        "medication": "",
        "care_notes": "",
        "recorded": False,
    }
    assert send(client, "put", f"{url}/health", {"conditions": "高血压"}).status_code == 422


def test_health_is_403_for_roles_that_do_not_need_it(world: CareWorld) -> None:
    CareConsentFactory(recipient=world.recipient)
    url = f"{BASE}/recipients/{world.recipient.pk}/health"
    assert as_user(world.dispatcher).get(url).status_code == 403
    assert send(as_user(world.volunteer_user), "put", url, {"conditions": "x"}).status_code == 403
    assert as_user(world.volunteer_user).get(url).status_code == 200
    assert as_user(world.stranger).get(url).status_code == 404
    assert not CareConsent.objects.filter(withdrawn_at__isnull=False).exists()


def test_pairings_create_list_and_end(world: CareWorld) -> None:
    client = as_user(world.admin)
    recipient = CareRecipientFactory(org=world.community_a, category="laid_off")
    created = send(client, "post", f"{BASE}/pairings", {"recipient": recipient.pk, "volunteer": world.volunteer.pk})
    assert created.status_code == 201, created.content
    assert created.json()["next_visit_due"] == str(timezone.localdate() + datetime.timedelta(days=90))
    both = send(
        client,
        "post",
        f"{BASE}/pairings",
        {"recipient": recipient.pk, "volunteer": world.volunteer.pk, "team": world.team.pk},
    )
    assert both.status_code == 400 and "volunteer" in both.json()["errors"]
    listed = client.get(f"{BASE}/pairings", {"recipient": recipient.pk}).json()
    assert listed["count"] == 1
    ended = send(client, "post", f"{BASE}/pairings/{created.json()['id']}/end", {"reason": "志愿者调离"})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    again = send(client, "post", f"{BASE}/pairings/{created.json()['id']}/end", {"reason": "志愿者调离"})
    assert again.status_code == 409


def test_volunteer_sees_only_own_pairings(world: CareWorld) -> None:
    listed = as_user(world.volunteer_user).get(f"{BASE}/pairings").json()
    assert [p["id"] for p in listed["items"]] == [world.pairing.pk]
    assert (
        send(
            as_user(world.volunteer_user),
            "post",
            f"{BASE}/pairings",
            {"recipient": world.recipient.pk, "team": world.team.pk},
        ).status_code
        == 404
    )


def test_visit_with_request_over_the_api(world: CareWorld) -> None:
    ServiceItemFactory(code="L301")
    client = as_user(world.volunteer_user)
    response = send(
        client,
        "post",
        f"{BASE}/visits",
        {
            "recipient": world.recipient.pk,
            "visited_on": timezone.localdate(),
            "form": "phone",
            "duration_minutes": 15,
            "need_found": "需要代购药品",
            "need_item_code": "L301",
            "create_request": True,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_number"] == ServiceRequest.objects.get().number and body["pairing"] == world.pairing.pk
    assert client.get(f"{BASE}/visits", {"recipient": world.recipient.pk}).json()["count"] == 1


def test_visit_with_an_unknown_item_writes_nothing(world: CareWorld) -> None:
    response = send(
        as_user(world.volunteer_user),
        "post",
        f"{BASE}/visits",
        {
            "recipient": world.recipient.pk,
            "visited_on": timezone.localdate(),
            "need_found": "需要助浴",
            "need_item_code": "ZZZ",
            "create_request": True,
        },
    )
    assert response.status_code == 400 and "need_item_code" in response.json()["errors"]
    assert not CareVisit.objects.exists() and not ServiceRequest.objects.exists()


def test_visit_for_someone_not_paired_is_refused(world: CareWorld) -> None:
    body = {"recipient": world.recipient.pk, "visited_on": timezone.localdate()}
    assert send(as_user(world.stranger), "post", f"{BASE}/visits", body).status_code == 404
    assert send(as_user(world.dispatcher), "post", f"{BASE}/visits", body).status_code == 403
    assert not CareVisit.objects.exists()


def test_overdue_list_is_sorted_and_counts_days(world: CareWorld) -> None:
    today = timezone.localdate()
    CarePairing.objects.filter(pk=world.pairing.pk).update(next_visit_due=today - datetime.timedelta(days=2))
    CarePairing.objects.filter(pk=world.team_pairing.pk).update(next_visit_due=today - datetime.timedelta(days=9))
    items = as_user(world.admin).get(f"{BASE}/overdue").json()["items"]
    assert [i["days_overdue"] for i in items] == [9, 2]
    items = as_user(world.admin).get(f"{BASE}/overdue", {"sort": "least"}).json()["items"]
    assert [i["days_overdue"] for i in items] == [2, 9]


@pytest.mark.parametrize("url", ["/recipients", "/pairings", "/overdue", "/visits"])
def test_list_endpoints_have_constant_queries(world: CareWorld, url: str) -> None:
    from redvest.care.tests.factories import CareVisitFactory

    client = as_user(world.admin)
    late = timezone.localdate() - datetime.timedelta(days=3)

    def grow() -> None:
        recipient = CareRecipientFactory(org=world.community_a)
        pairing = CarePairingFactory(recipient=recipient, volunteer=world.volunteer, next_visit_due=late)
        CareVisitFactory(recipient=recipient, pairing=pairing)

    grow()
    client.get(f"{BASE}{url}")
    one = queries(lambda: client.get(f"{BASE}{url}"))
    for _ in range(9):
        grow()
    response = client.get(f"{BASE}{url}")
    assert response.json()["count"] >= 10
    assert queries(lambda: client.get(f"{BASE}{url}")) == one
