"""The activities API: statuses, messages and permissions; the rules themselves are tested in the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.activities.codes import code_at
from redvest.activities.models import Activity, ActivityStatus, Attendance, SignUp, SignUpStatus
from redvest.activities.tests.conftest import World
from redvest.activities.tests.factories import ActivityFactory, SignUpFactory, TallyCategoryFactory
from redvest.audit.models import AuditEntry

BASE = "/api/v1/activities"


@pytest.fixture
def running(world: World) -> World:
    """The world's activity started ten minutes ago and runs two more hours; recruitment still open."""
    now = timezone.now()
    Activity.objects.filter(pk=world.activity.pk).update(
        start_at=now - datetime.timedelta(minutes=10),
        end_at=now + datetime.timedelta(hours=2),
        recruit_start=now - datetime.timedelta(days=1),
        recruit_end=now + datetime.timedelta(hours=1),
    )
    world.activity.refresh_from_db()
    return world


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def activity_body(world: World, **overrides: Any) -> dict[str, Any]:
    start = timezone.localtime() + datetime.timedelta(days=3)
    body: dict[str, Any] = {
        "title": "河道保洁",
        "org_id": world.tree.town_a.pk,
        "team_ids": [world.team.pk],
        "category": "environment",
        "place": "城东河道",
        "latitude": "30.900000",
        "longitude": "119.900000",
        "start_at": start.isoformat(),
        "end_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "recruit_start": (start - datetime.timedelta(days=2)).isoformat(),
        "recruit_end": (start - datetime.timedelta(hours=2)).isoformat(),
        "quota": 8,
    }
    body.update(overrides)
    return body


def test_anonymous_requests_are_refused(client: Client, world: World) -> None:
    assert client.get(f"{BASE}/").status_code == 401


def test_leader_creates_publishes_and_cancels_through_the_api(client: Client, world: World) -> None:
    as_user(client, world.leader_user)
    created = post(client, f"{BASE}/", activity_body(world))
    assert created.status_code == 201, created.content
    activity_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["teams"] == [
        {"id": world.team.pk, "name": world.team.name}
    ]
    published = post(client, f"{BASE}/{activity_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = post(client, f"{BASE}/{activity_id}/publish")
    assert again.status_code == 409 and again.json()["message"] == "活动已发布"
    cancelled = post(client, f"{BASE}/{activity_id}/cancel", {"reason": "暴雨"})
    assert cancelled.json()["status"] == "cancelled"


def test_invalid_activity_gets_field_messages_and_writes_nothing(client: Client, world: World) -> None:
    as_user(client, world.leader_user)
    body = activity_body(world)
    body["end_at"] = body["start_at"]
    response = post(client, f"{BASE}/", body)
    assert response.status_code == 400
    assert response.json()["errors"]["end_at"] == "结束时间必须晚于开始时间"
    unknown = post(client, f"{BASE}/", activity_body(world, team_ids=[999999]))
    assert unknown.status_code == 400 and "team_ids" in unknown.json()["errors"]
    assert not Activity.objects.filter(title="河道保洁").exists()


def test_time_without_offset_is_read_as_shanghai_time(client: Client, world: World) -> None:
    as_user(client, world.leader_user)
    body = activity_body(
        world,
        start_at="2031-03-01T09:00:00",
        end_at="2031-03-01T11:00:00",
        recruit_start="2031-02-20T09:00:00",
        recruit_end="2031-02-28T09:00:00",
    )
    response = post(client, f"{BASE}/", body)
    assert response.status_code == 201
    activity = Activity.objects.get(pk=response.json()["id"])
    assert timezone.localtime(activity.start_at).hour == 9


def test_leader_of_another_team_cannot_update_or_publish(client: Client, world: World) -> None:
    as_user(client, world.other_leader_user)
    url = f"{BASE}/{world.activity.pk}"
    assert client.put(url, activity_body(world), content_type="application/json").status_code == 404
    assert post(client, f"{url}/publish").status_code == 404
    assert post(client, f"{url}/cancel", {"reason": "x"}).status_code == 404
    world.activity.refresh_from_db()
    assert world.activity.status == ActivityStatus.PUBLISHED


def test_browse_filters_by_distance_and_orders_nearest_first(client: Client, world: World) -> None:
    near = ActivityFactory(org=world.tree.town_a, title="近处活动", latitude="30.905000", longitude="119.900000")
    ActivityFactory(org=world.tree.town_a, title="远处活动", latitude="31.500000", longitude="119.900000")
    as_user(client, world.volunteer_users[0])
    response = client.get(f"{BASE}/", {"lat": "30.900000", "lng": "119.900000", "radius_km": 5})
    data = response.json()
    assert [i["title"] for i in data["items"]] == [world.activity.title, "近处活动"]
    assert data["count"] == 2
    assert data["items"][1]["id"] == near.pk and data["items"][1]["distance_m"] == 556


def test_browse_filters_by_category_and_date(client: Client, world: World) -> None:
    other = ActivityFactory(
        org=world.tree.town_a, category="legal", start_at=world.activity.start_at + datetime.timedelta(days=1)
    )
    other.end_at = other.start_at + datetime.timedelta(hours=1)
    other.save()
    as_user(client, world.volunteer_users[0])
    by_category = client.get(f"{BASE}/", {"category": "legal"}).json()
    assert [i["id"] for i in by_category["items"]] == [other.pk]
    day = timezone.localtime(world.activity.start_at).date().isoformat()
    by_date = client.get(f"{BASE}/", {"date": day}).json()
    assert [i["id"] for i in by_date["items"]] == [world.activity.pk]


def test_drafts_are_hidden_from_volunteers(client: Client, world: World) -> None:
    draft = ActivityFactory(org=world.tree.town_a, status=ActivityStatus.DRAFT)
    as_user(client, world.volunteer_users[0])
    assert client.get(f"{BASE}/{draft.pk}").status_code == 404


def test_sign_up_then_leader_approves(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[0])
    created = post(client, f"{BASE}/{running.activity.pk}/signups")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    signup_id = created.json()["id"]
    assert post(client, f"{BASE}/signups/{signup_id}/approve").status_code == 403
    as_user(client, running.leader_user)
    listed = client.get(f"{BASE}/{running.activity.pk}/signups").json()
    assert listed["count"] == 1 and listed["items"][0]["volunteer_name"] == running.volunteer(0).name
    approved = post(client, f"{BASE}/signups/{signup_id}/approve", {"note": "欢迎"})
    assert approved.json()["status"] == "approved"


def test_overlapping_sign_up_message_reaches_the_client(client: Client, running: World) -> None:
    a = running.activity
    other = ActivityFactory(
        org=a.org,
        title="另一场活动",
        start_at=a.start_at,
        end_at=a.end_at,
        recruit_start=a.recruit_start,
        recruit_end=a.recruit_end,
    )
    SignUpFactory(activity=other, volunteer=running.volunteer(0), status=SignUpStatus.PENDING)
    as_user(client, running.volunteer_users[0])
    response = post(client, f"{BASE}/{a.pk}/signups")
    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_signup" and "另一场活动" in response.json()["message"]


def test_only_organisers_see_the_code(client: Client, running: World) -> None:
    as_user(client, running.volunteer_users[0])
    assert client.get(f"{BASE}/{running.activity.pk}/code").status_code == 404
    as_user(client, running.leader_user)
    data = client.get(f"{BASE}/{running.activity.pk}/code").json()
    assert (
        len(data["code"]) == 6 and data["qr_svg"].startswith("<svg") and f"code={data['code']}" in data["checkin_url"]
    )


def test_check_in_and_out_through_the_api(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    as_user(client, running.volunteer_users[0])
    url = f"{BASE}/{running.activity.pk}"
    body = {
        "code": code_at(running.activity.checkin_secret, timezone.now()),
        "latitude": "30.900100",
        "longitude": "119.900000",
    }
    checked_in = post(client, f"{url}/check-in", body)
    assert checked_in.status_code == 200, checked_in.content
    assert checked_in.json()["status"] == "open" and checked_in.json()["check_in_distance_m"] == 11
    second = post(client, f"{url}/check-in", body)
    assert second.status_code == 409 and second.json()["message"] == "已签到，请勿重复操作"
    body["code"] = code_at(running.activity.checkin_secret, timezone.now())
    checked_out = post(client, f"{url}/check-out", body)
    assert checked_out.json()["status"] == "closed"
    assert client.get(f"{BASE}/attendances/mine").json()["items"][0]["credit_minutes"] == 0


def test_refused_check_in_says_why(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    as_user(client, running.volunteer_users[0])
    url = f"{BASE}/{running.activity.pk}/check-in"
    far = post(
        client,
        url,
        {"code": code_at(running.activity.checkin_secret, timezone.now()), "latitude": "30.95", "longitude": "119.9"},
    )
    assert far.status_code == 400 and far.json()["code"] == "outside_geofence" and "米" in far.json()["message"]
    no_checkin = post(
        client, f"{BASE}/{running.activity.pk}/check-out", {"code": "123456", "latitude": "30.9", "longitude": "119.9"}
    )
    assert no_checkin.status_code == 409 and no_checkin.json()["code"] == "not_checked_in"
    assert not Attendance.objects.exists()


def test_offline_sync_through_the_api_is_idempotent(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    as_user(client, running.volunteer_users[0])
    at = timezone.now() - datetime.timedelta(minutes=3)
    item = {
        "client_id": "5b7e0c1a-offline",
        "activity_id": running.activity.pk,
        "kind": "check_in",
        "at": at.isoformat(),
        "code": code_at(running.activity.checkin_secret, at),
        "latitude": "30.900000",
        "longitude": "119.900000",
    }
    first = post(client, f"{BASE}/sync", {"items": [item]}).json()["results"][0]
    second = post(client, f"{BASE}/sync", {"items": [item]}).json()["results"][0]
    assert first["ok"] and second["ok"] and first["attendance"]["id"] == second["attendance"]["id"]
    assert Attendance.objects.get().check_in_method == "offline"


def test_proxy_check_in_needs_a_reason_and_is_audited(client: Client, running: World) -> None:
    SignUpFactory(activity=running.activity, volunteer=running.volunteer(0), status=SignUpStatus.APPROVED)
    as_user(client, running.leader_user)
    url = f"{BASE}/{running.activity.pk}/proxy-check-in"
    missing = post(client, url, {"volunteer_id": running.volunteer(0).pk, "reason": ""})
    assert missing.status_code == 400 and missing.json()["message"] == "请填写代签到原因"
    done = post(client, url, {"volunteer_id": running.volunteer(0).pk, "reason": "老人不会用手机"})
    assert done.status_code == 200 and done.json()["check_in_method"] == "proxy"
    assert AuditEntry.objects.filter(target_type="activities.attendance", reason="老人不会用手机").exists()


def test_outcome_with_tallies_is_shown_on_the_detail(client: Client, world: World) -> None:
    rubbish = TallyCategoryFactory(org=world.tree.county, name="清理垃圾", unit="千克")
    as_user(client, world.leader_user)
    body = {
        "sessions": 2,
        "beneficiaries": 40,
        "problems_found": 3,
        "problems_solved": 2,
        "tallies": [{"category_id": rubbish.pk, "value": 35}],
    }
    saved = client.put(f"{BASE}/{world.activity.pk}/outcome", body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    outcome = client.get(f"{BASE}/{world.activity.pk}").json()["outcome"]
    assert outcome["sessions"] == 2 and outcome["tallies"] == [
        {"category_id": rubbish.pk, "name": "清理垃圾", "unit": "千克", "value": 35}
    ]
    bad = dict(body, problems_solved=5)
    refused = client.put(f"{BASE}/{world.activity.pk}/outcome", bad, content_type="application/json")
    assert refused.status_code == 400 and "problems_solved" in refused.json()["errors"]


def test_outcome_figure_beyond_the_column_is_refused_naming_the_field(client: Client, world: World) -> None:
    as_user(client, world.leader_user)
    body = {"sessions": 1, "beneficiaries": 2**31}
    response = client.put(f"{BASE}/{world.activity.pk}/outcome", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"beneficiaries": "不能大于2147483647"}
    largest = dict(body, beneficiaries=2**31 - 1)
    assert (
        client.put(f"{BASE}/{world.activity.pk}/outcome", largest, content_type="application/json").status_code == 200
    )


def test_calendar_year_outside_its_bounds_is_refused_naming_the_field(client: Client, world: World) -> None:
    as_user(client, world.admin_user)
    response = client.get(f"{BASE}/calendar", {"org_id": world.tree.town_a.pk, "year": 1, "month": 1})
    assert response.status_code == 422 and "year" in response.json()["errors"]


def test_themes_and_calendar(client: Client, world: World) -> None:
    as_user(client, world.admin_user)
    start = timezone.localtime(world.activity.start_at)
    quarter = (start.month - 1) // 3 + 1
    created = post(
        client,
        f"{BASE}/themes",
        {"org_id": world.tree.town_a.pk, "year": start.year, "quarter": quarter, "title": "美丽乡村"},
    )
    assert created.status_code == 200 and created.json()["org_name"] == world.tree.town_a.name
    cal = client.get(
        f"{BASE}/calendar", {"org_id": world.tree.town_a.pk, "year": start.year, "month": start.month}
    ).json()
    assert cal["theme"]["title"] == "美丽乡村" and cal["activity_count"] == 1
    day = next(d for d in cal["days"] if d["date"] == start.date().isoformat())
    assert day["activities"][0]["id"] == world.activity.pk
    as_user(client, world.volunteer_users[0])
    refused = post(client, f"{BASE}/themes", {"org_id": world.tree.town_a.pk, "year": 2026, "quarter": 1, "title": "x"})
    assert refused.status_code == 403


def test_signup_count_matches_list(client: Client, world: World) -> None:
    SignUpFactory.create_batch(3, activity=world.activity, status=SignUpStatus.PENDING)
    as_user(client, world.leader_user)
    assert client.get(f"{BASE}/{world.activity.pk}/signups", {"status": "pending"}).json()["count"] == 3
    assert SignUp.objects.count() == 3
