"""/api/v1/publicity: commitments, the public wall (no auth), exemplars (public list without auth),
training sessions, enrolment, attendance and hours; JSON errors with field names; constant query counts."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.publicity.models import AttendanceMark, Commitment, Exemplar, ExemplarStatus
from redvest.publicity.tests.factories import (
    AttendanceMarkFactory,
    CommitmentFactory,
    EnrolmentFactory,
    ExemplarFactory,
    TrainingSessionFactory,
    admin_at,
    png_upload,
    volunteer_login,
)
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/publicity"
YEAR = timezone.localdate().year


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_volunteer_commits_over_the_api_and_a_second_is_refused(tree):
    me = volunteer_login(tree.community_a)
    client = as_user(me.user)
    body = {
        "year": YEAR,
        "setting": "community",
        "text": "每月参加两次志愿服务",
        "target_kind": "activities",
        "target_value": 24,
    }
    r = post(client, f"{BASE}/commitments", body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["volunteer"] == me.pk and data["progress"] == {
        "kind": "activities",
        "target": 24,
        "done": 0,
        "percent": 0,
    }
    again = post(client, f"{BASE}/commitments", body)
    assert again.status_code == 409
    assert again.json()["code"] == "commitment_exists"
    listed = client.get(f"{BASE}/commitments").json()
    assert listed["count"] == 1 and listed["items"][0]["text"] == "每月参加两次志愿服务"


def test_volunteer_rewords_a_commitment_over_the_api(tree):
    me = volunteer_login(tree.community_a)
    c = CommitmentFactory(volunteer=me, text="每月一次")
    client = as_user(me.user)
    url = f"/api/v1/publicity/commitments/{c.pk}"
    ok = client.patch(
        url, {"text": "每月两次", "target_kind": "activities", "target_value": 24}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["text"] == "每月两次"
    bad = client.patch(url, {"text": ""}, content_type="application/json")
    assert bad.status_code == 400 and "text" in bad.json()["errors"]
    c.refresh_from_db()
    assert (c.text, c.target_value) == ("每月两次", 24)


def test_bad_commitment_gets_field_errors_and_writes_nothing(tree):
    me = volunteer_login(tree.community_a)
    r = post(as_user(me.user), f"{BASE}/commitments", {"year": YEAR, "setting": "school", "text": ""})
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"setting", "text"}
    r = post(as_user(me.user), f"{BASE}/commitments", {"setting": "village"})
    assert r.status_code == 422 and "year" in r.json()["errors"]
    assert not Commitment.objects.exists()


def test_admin_commits_for_a_volunteer_and_follows_up(tree):
    admin = admin_at(tree.town_a)
    v = VolunteerFactory(org=tree.community_a)
    client = as_user(admin)
    r = post(client, f"{BASE}/commitments", {"volunteer": v.pk, "year": YEAR, "setting": "village", "text": "带头致富"})
    assert r.status_code == 201
    cid = r.json()["id"]
    today = timezone.localdate().isoformat()
    r = post(
        client, f"{BASE}/commitments/{cid}/follow-ups", {"status": "fulfilled", "note": "已兑现", "followed_on": today}
    )
    assert r.status_code == 201
    detail = client.get(f"{BASE}/commitments/{cid}").json()
    assert detail["status"] == "fulfilled" and [f["note"] for f in detail["follow_ups"]] == ["已兑现"]
    outsider = as_user(admin_at(tree.town_b))
    assert (
        post(
            outsider, f"{BASE}/commitments", {"volunteer": v.pk, "year": YEAR, "setting": "enterprise", "text": "x"}
        ).status_code
        == 404
    )
    assert outsider.get(f"{BASE}/commitments/{cid}").status_code == 404


def test_wall_needs_no_login_and_masks_names(tree):
    CommitmentFactory(volunteer=VolunteerFactory(org=tree.community_a, name="王小明"), setting="enterprise")
    r = Client().get(f"{BASE}/wall", {"org": tree.county.pk})
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 1 and data["items"][0]["name"] == "王*明"
    assert Client().get(f"{BASE}/wall", {"org": tree.county.pk, "setting": "village"}).json()["count"] == 0
    assert Client().get(f"{BASE}/wall", {"org": 999999}).status_code == 404
    assert Client().get(f"{BASE}/commitments").status_code == 401


@pytest.mark.parametrize("size", [1, 10])
def test_api_lists_query_counts_are_constant(tree, size, django_assert_num_queries):
    admin = admin_at(tree.town_a)
    for _ in range(size):
        v = VolunteerFactory(org=tree.community_a)
        CommitmentFactory(volunteer=v, target_kind="minutes", target_value=60)
        e = ExemplarFactory(
            org=tree.community_a, status=ExemplarStatus.PUBLISHED, published_at=timezone.now(), people=[v]
        )
        e.photos.create(image=png_upload(), caption="c")
        TrainingSessionFactory(org=tree.town_a)
    with django_assert_num_queries(5):
        assert len(Client().get(f"{BASE}/wall", {"org": tree.county.pk}).json()["items"]) == size
    with django_assert_num_queries(6):
        assert len(Client().get(f"{BASE}/public/exemplars").json()["items"]) == size
    client = as_user(admin)
    client.get(f"{BASE}/commitments")
    with django_assert_num_queries(7):
        assert len(client.get(f"{BASE}/commitments").json()["items"]) == size
    with django_assert_num_queries(8):
        assert len(client.get(f"{BASE}/exemplars").json()["items"]) == size
    with django_assert_num_queries(6):
        assert len(client.get(f"{BASE}/training/sessions").json()["items"]) == size


def test_exemplar_flow_over_the_api_with_photos(tree):
    admin = admin_at(tree.town_a)
    v = VolunteerFactory(org=tree.community_a, name="滕伯印")
    client = as_user(admin)
    r = post(
        client,
        f"{BASE}/exemplars",
        {"org": tree.community_a.pk, "title": "攻坚克难", "body": "带头技术攻关", "volunteers": [v.pk]},
    )
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    r = client.post(f"{BASE}/exemplars/{eid}/photos", {"photos": [png_upload("a.png")], "captions": ["车间"]})
    assert r.status_code == 201, r.content
    assert r.json()[0]["caption"] == "车间"
    bad = client.post(f"{BASE}/exemplars/{eid}/photos", {"photos": [png_upload("a.gif")]})
    assert bad.status_code == 400 and "photos" in bad.json()["errors"]
    assert post(client, f"{BASE}/exemplars/{eid}/publish", {}).status_code == 409
    assert Client().get(f"{BASE}/public/exemplars/{eid}").status_code == 404
    assert post(client, f"{BASE}/exemplars/{eid}/submit", {}).status_code == 200
    assert post(client, f"{BASE}/exemplars/{eid}/publish", {}).json()["status"] == "published"
    public = Client().get(f"{BASE}/public/exemplars/{eid}").json()
    assert public["names"] == ["滕*印"] and len(public["photos"]) == 1
    r = post(client, f"{BASE}/exemplars/{eid}/unpublish", {"reason": ""})
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    assert post(client, f"{BASE}/exemplars/{eid}/unpublish", {"reason": "核实"}).json()["status"] == "unpublished"
    assert Client().get(f"{BASE}/public/exemplars").json()["count"] == 0


def test_volunteer_cannot_create_or_publish_exemplars(tree):
    me = volunteer_login(tree.community_a)
    r = post(
        as_user(me.user),
        f"{BASE}/exemplars",
        {"org": tree.community_a.pk, "title": "t", "body": "b", "volunteers": [me.pk]},
    )
    assert r.status_code == 403
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.SUBMITTED)
    assert post(as_user(me.user), f"{BASE}/exemplars/{e.pk}/publish", {}).status_code == 404
    assert Exemplar.objects.filter(status=ExemplarStatus.PUBLISHED).count() == 0


def test_training_over_the_api(tree):
    admin = admin_at(tree.town_a)
    client = as_user(admin)
    start = timezone.now() - datetime.timedelta(hours=3)
    body = {
        "org": tree.town_a.pk,
        "title": "政策理论学习",
        "category": "theory",
        "trainer": "党校老师",
        "place": "会议室",
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "minutes": 120,
        "capacity": 10,
    }
    r = post(client, f"{BASE}/training/sessions", body)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    bad = post(client, f"{BASE}/training/sessions", {**body, "minutes": 500})
    assert bad.status_code == 400 and "minutes" in bad.json()["errors"]
    me = volunteer_login(tree.community_a)
    r = post(client, f"{BASE}/training/sessions/{sid}/enrol", {"volunteer": me.pk})
    assert r.status_code == 201
    eid = r.json()["id"]
    assert post(client, f"{BASE}/training/sessions/{sid}/enrol", {"volunteer": me.pk}).status_code == 409
    r = post(client, f"{BASE}/training/sessions/{sid}/attendance", {"marks": [{"enrolment": eid, "attended": False}]})
    assert r.json() == {"marked": 1, "corrected": 0, "unchanged": 0}
    r = post(client, f"{BASE}/training/sessions/{sid}/attendance", {"marks": [{"enrolment": eid, "attended": True}]})
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = post(
        client,
        f"{BASE}/training/sessions/{sid}/attendance",
        {"marks": [{"enrolment": eid, "attended": True}], "reason": "签到表补录"},
    )
    assert r.json()["corrected"] == 1
    assert AttendanceMark.objects.count() == 2
    hours = client.get(f"{BASE}/training/hours", {"org": tree.town_a.pk}).json()
    assert hours["count"] == 1 and hours["items"][0]["minutes"] == 120 and hours["items"][0]["volunteer"] == me.pk
    mine = as_user(me.user).get(f"{BASE}/training/mine").json()
    assert mine["minutes"] == 120 and mine["items"][0]["attended"] is True
    assert as_user(me.user).get(f"{BASE}/training/hours", {"org": tree.town_a.pk}).status_code == 403


def test_volunteer_enrols_self_and_sees_sessions_everywhere(tree):
    s = TrainingSessionFactory(org=tree.town_b, starts_at=timezone.now() + datetime.timedelta(days=2))
    me = volunteer_login(tree.community_a)
    client = as_user(me.user)
    assert client.get(f"{BASE}/training/sessions").json()["count"] == 1
    assert post(client, f"{BASE}/training/sessions/{s.pk}/enrol", {}).status_code == 201
    other = VolunteerFactory(org=tree.community_a)
    assert post(client, f"{BASE}/training/sessions/{s.pk}/enrol", {"volunteer": other.pk}).status_code == 404


def test_training_hours_by_period_over_the_api(tree):
    tz = timezone.get_current_timezone()
    v = VolunteerFactory(org=tree.community_a)
    for month, minutes in ((3, 60), (5, 30)):
        s = TrainingSessionFactory(
            org=tree.town_a, starts_at=datetime.datetime(2026, month, 10, 9, tzinfo=tz), minutes=minutes
        )
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s, volunteer=v))
    client = as_user(admin_at(tree.county))
    r = client.get(f"{BASE}/training/hours", {"org": tree.county.pk, "start": "2026-04-01", "end": "2026-06-30"})
    assert r.json()["items"][0]["minutes"] == 30
    r = client.get(f"{BASE}/training/hours", {"org": tree.county.pk, "start": "2026-06-30", "end": "2026-04-01"})
    assert r.status_code == 400 and "end" in r.json()["errors"]
