"""/api/v1/demand: the loop end to end over HTTP, JSON errors that write nothing, permissions,
{"items","count"} lists with constant query counts."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.demand.models import Callback, Dispatch, RequestStatus, ServiceRequest
from redvest.demand.tests.factories import (
    CITY,
    PNG_BYTES,
    CallbackFactory,
    ResidentFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    role_at,
)
from redvest.records.models import ServiceRecord
from redvest.teams.tests.factories import TeamFactory, leader_login, member_of

pytestmark = pytest.mark.django_db
BASE = "/api/v1/demand"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def operator(county) -> Client:
    return as_user(county.dispatcher)


def new_request(operator: Client, service_item, **kw: Any) -> Any:
    body = {
        "item": service_item.code,
        "description": "老人摔倒需要帮助",
        "address": "城东路8号",
        "caller_phone": "13800138000",
    }
    body.update(kw)
    return post(operator, f"{BASE}/requests", body)


def test_call_to_resolution_over_the_api(operator, county):
    item = ServiceItemFactory()
    team = TeamFactory(org=county.community_a)
    leader = as_user(leader_login(team))
    member = member_of(team)
    created = new_request(operator, item, latitude=str(CITY[0]), longitude=str(CITY[1]), urgency=3)
    assert created.status_code == 201
    request_id = created.json()["id"]
    assert created.json()["arrival_overdue"] is False and created.json()["urgency"] == 3
    ranked = operator.get(f"{BASE}/requests/{request_id}/recommendations").json()
    assert {c["kind"] for c in ranked} >= {"station", "team"} and all(c["reasons"] for c in ranked)
    parts = post(operator, f"{BASE}/requests/{request_id}/dispatch", {"targets": [{"kind": "team", "id": team.pk}]})
    assert parts.status_code == 201
    part_id = parts.json()[0]["id"]
    mine = leader.get(f"{BASE}/dispatches").json()
    assert mine["count"] == 1 and mine["items"][0]["request_number"] == created.json()["number"]
    assert leader.post(f"{BASE}/dispatches/{part_id}/accept").status_code == 200
    assert leader.post(f"{BASE}/dispatches/{part_id}/arrive").json()["arrived_at"]
    Dispatch.objects.filter(pk=part_id).update(
        dispatched_at=Dispatch.objects.get(pk=part_id).dispatched_at - datetime.timedelta(hours=1)
    )
    done = leader.post(
        f"{BASE}/dispatches/{part_id}/complete",
        {
            "result": "已送医",
            "time_spent": json.dumps([{"volunteer": member.pk, "minutes": 40}]),
            "photos": [SimpleUploadedFile("a.png", PNG_BYTES, content_type="image/png")],
        },
    )
    assert done.status_code == 200, done.content
    assert ServiceRecord.objects.get(volunteer=member).minutes == 40
    detail = operator.get(f"{BASE}/requests/{request_id}").json()
    assert detail["status"] == RequestStatus.RESOLVED
    assert [e["kind"] for e in detail["events"]][:2] == ["created", "dispatched"]
    callback = operator.get(f"{BASE}/callbacks").json()["items"][0]
    closed = post(operator, f"{BASE}/callbacks/{callback['id']}", {"rating": "satisfied"})
    assert closed.status_code == 200 and closed.json()["rating"] == "satisfied"
    assert ServiceRequest.objects.get(pk=request_id).status == RequestStatus.CLOSED


def test_repeated_idempotency_key_returns_the_same_request_with_200(operator):
    item = ServiceItemFactory()
    first = new_request(operator, item, idempotency_key="abc")
    second = new_request(operator, item, idempotency_key="abc")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and ServiceRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"item": "NOPE"}, 404, "unknown_service_code"),
        ({"address": ""}, 400, "location_required"),
        ({"caller_phone": "12"}, 400, "validation_error"),
        ({"urgency": 9}, 400, "validation_error"),
    ],
)
def test_bad_input_is_a_clear_json_error_and_writes_nothing(operator, change, status, code):
    response = new_request(operator, ServiceItemFactory(), **change)
    assert response.status_code == status and response.json()["code"] == code and response.json()["message"]
    assert not ServiceRequest.objects.exists()


def test_dispatch_outside_the_subtree_is_403_and_writes_nothing(county):
    town = as_user(role_at(county.town_a, Role.DISPATCHER))
    request = ServiceRequestFactory(area=county.community_a)
    far = TeamFactory(org=county.community_c)
    response = post(town, f"{BASE}/requests/{request.pk}/dispatch", {"targets": [{"kind": "team", "id": far.pk}]})
    assert response.status_code == 403 and response.json()["code"] == "outside_dispatch_area"
    assert not Dispatch.objects.exists()


def test_closing_twice_is_409(county, operator):
    team = TeamFactory(org=county.community_a)
    leader = as_user(leader_login(team))
    request = ServiceRequestFactory(area=county.community_a)
    part_id = post(
        operator, f"{BASE}/requests/{request.pk}/dispatch", {"targets": [{"kind": "team", "id": team.pk}]}
    ).json()[0]["id"]
    assert leader.post(f"{BASE}/dispatches/{part_id}/complete", {"result": "好了"}).status_code == 200
    again = leader.post(f"{BASE}/dispatches/{part_id}/complete", {"result": "好了"})
    assert again.status_code == 409 and again.json()["code"] == "already_done"
    bad = leader.post(f"{BASE}/dispatches/{part_id}/complete", {"result": "好了", "time_spent": "not json"})
    assert bad.status_code == 400 and "time_spent" in bad.json()["errors"]


def test_residents_see_only_their_own_requests(county):
    user = role_at(county.community_a, Role.RESIDENT)
    mine = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory(user=user))
    other = ServiceRequestFactory(area=county.community_a)
    client = as_user(user)
    body = client.get(f"{BASE}/requests").json()
    assert [r["id"] for r in body["items"]] == [mine.pk]
    assert client.get(f"{BASE}/requests/{other.pk}").status_code == 404
    assert (
        client.post(
            f"{BASE}/requests/{mine.pk}/cancel", json.dumps({"reason": "x"}), content_type="application/json"
        ).status_code
        == 403
    )


def test_unsatisfied_callback_reopens_over_the_api(operator, county):
    callback = CallbackFactory(request=ServiceRequestFactory(area=county.community_a, status=RequestStatus.RESOLVED))
    response = post(operator, f"{BASE}/callbacks/{callback.pk}", {"rating": "unsatisfied", "comment": "没人来"})
    assert response.status_code == 200
    assert ServiceRequest.objects.get(pk=callback.request_id).status == RequestStatus.RETURNED
    assert post(operator, f"{BASE}/callbacks/{callback.pk}", {"rating": "satisfied"}).status_code == 409


def test_menu_order_and_group_dispatch_over_the_api(county, operator):
    admin = as_user(role_at(county.community_a, Role.ORG_ADMIN))
    a, b = ServiceItemFactory(), ServiceItemFactory()
    start = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    order = post(
        admin,
        f"{BASE}/orders",
        {
            "title": "先锋服务日",
            "community": county.community_a.pk,
            "place": "文化礼堂",
            "scheduled_start": start.isoformat(),
            "scheduled_end": (start + datetime.timedelta(hours=2)).isoformat(),
            "contact_name": "王主任",
            "contact_phone": "13812345678",
            "lines": [{"item": a.code}, {"item": b.code, "note": "需要两名律师"}],
        },
    )
    assert order.status_code == 201, order.content
    lines = order.json()["lines"]
    team_a, team_b = TeamFactory(org=county.community_a), TeamFactory(org=county.community_b)
    dispatched = post(
        operator,
        f"{BASE}/orders/{order.json()['id']}/dispatch",
        {
            "assignments": [
                {"request": lines[0]["id"], "targets": [{"kind": "team", "id": team_a.pk}]},
                {"request": lines[1]["id"], "targets": [{"kind": "team", "id": team_b.pk}]},
            ]
        },
    )
    assert dispatched.status_code == 200
    assert [line["active_parts"][0]["assignee_id"] for line in dispatched.json()["lines"]] == [team_a.pk, team_b.pk]


def test_stats_and_satisfaction_endpoints(operator, county):
    ServiceRequestFactory(area=county.community_a)
    stats = operator.get(f"{BASE}/stats").json()
    assert stats["total"] == 1 and stats["root"] == county.county.pk
    assert {row["label"] for row in stats["by_category"]} == {
        "生活求助",
        "政策咨询",
        "纠纷调解",
        "居家养老",
        "困难帮扶",
    }
    assert operator.get(f"{BASE}/satisfaction", {"by": "station"}).status_code == 200
    resident = as_user(role_at(county.community_a, Role.RESIDENT))
    assert resident.get(f"{BASE}/stats").status_code == 403


def test_menu_items_are_listed_with_attributes(operator, menu):
    body = operator.get(f"{BASE}/items", {"category": "policy", "page_size": 50}).json()
    assert body["count"] >= 20
    errand = operator.get(f"{BASE}/items/ZC020").json()
    assert errand["is_errand"] and errand["errand_documents"] and errand["attributes"][0]["code"] == "id_ready"


def test_caller_lookup_endpoint(operator, county):
    resident = ResidentFactory(raw_phone="13800138000", name="张阿姨")
    ServiceRequestFactory(area=county.community_a, resident=resident)
    body = operator.get(f"{BASE}/callers", {"phone": "13800138000"}).json()
    assert body["known"] and body["name"] == "张阿姨" and len(body["past"]) == 1


@pytest.mark.parametrize("size", [1, 10])
def test_request_list_and_board_query_counts_are_constant(operator, county, size, django_assert_num_queries):
    team = TeamFactory(org=county.community_a)
    for _ in range(size):
        request = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory())
        post_part = Dispatch.objects.create(
            request=request, team=team, dispatched_at=request.created_at, accept_due_at=request.created_at
        )
        assert post_part.pk
    with django_assert_num_queries(7):
        assert operator.get(f"{BASE}/requests").json()["count"] == size
    with django_assert_num_queries(7):
        assert operator.get(f"{BASE}/board").json()["count"] == size


@pytest.mark.parametrize("size", [1, 10])
def test_callbacks_and_dispatches_query_counts_are_constant(county, size, django_assert_num_queries):
    team = TeamFactory(org=county.community_a)
    leader = as_user(leader_login(team))
    operator = as_user(county.dispatcher)
    for _ in range(size):
        CallbackFactory(request=ServiceRequestFactory(area=county.community_a, status="resolved"))
        Dispatch.objects.create(
            request=ServiceRequestFactory(area=county.community_a),
            team=team,
            dispatched_at=timezone.now(),
            accept_due_at=timezone.now(),
        )
    with django_assert_num_queries(6):
        assert operator.get(f"{BASE}/callbacks").json()["count"] == size
    with django_assert_num_queries(7):
        assert leader.get(f"{BASE}/dispatches").json()["count"] == size
    assert Callback.objects.count() == size


def test_walk_in_over_the_api_only_at_ones_own_station(county):
    keeper = as_user(role_at(county.post_a, Role.STATION_KEEPER))
    item = ServiceItemFactory()
    body = {
        "channel": "walk_in",
        "item": item.code,
        "description": "来站点求助",
        "address": "站点",
        "caller_phone": "13800138000",
    }
    ok = post(keeper, f"{BASE}/requests", {**body, "station": county.station_a.pk})
    assert ok.status_code == 201 and ok.json()["area"] == county.post_a.pk
    elsewhere = post(
        keeper, f"{BASE}/requests", {**body, "station": county.station_c.pk, "caller_phone": "13800138001"}
    )
    assert elsewhere.status_code == 403
    assert post(keeper, f"{BASE}/requests", body).status_code == 403
