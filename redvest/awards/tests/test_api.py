"""/api/v1/awards: JSON errors with field names, the vote rules over HTTP, public results, constant
query counts on the lists."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redvest.awards import services
from redvest.awards.models import AwardCampaign, Nomination, Objection, Stage, Vote
from redvest.awards.tests.factories import DAY, AwardCampaignFactory, Contest, JudgeFactory, VoteFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/awards"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def contest() -> Contest:
    return Contest()


def test_campaign_create_and_get(contest: Contest) -> None:
    client = as_user(contest.admin)
    now = timezone.now()
    body = {
        "org": contest.county.pk,
        "name": "2026年度优秀品牌项目",
        "kind": "brand",
        "year": 2026,
        "nomination_opens": now.isoformat(),
        "nomination_closes": (now + DAY).isoformat(),
        "voting_opens": (now + 2 * DAY).isoformat(),
        "voting_closes": (now + 3 * DAY).isoformat(),
        "rules": [{"code": "min_brand_activities", "param": 2}],
        "finalists": 10,
        "tiers": [["一等奖", 2], ["二等奖", 3]],
    }
    response = post(client, f"{BASE}/campaigns", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["entry_type"], data["stage"], data["tiers"]) == ("brand", "draft", [["一等奖", 2], ["二等奖", 3]])
    assert client.get(f"{BASE}/campaigns/{data['id']}").json()["name"] == "2026年度优秀品牌项目"


def test_campaign_create_errors_name_the_fields(contest: Contest) -> None:
    now = timezone.now()
    response = post(
        as_user(contest.admin),
        f"{BASE}/campaigns",
        {
            "org": contest.county.pk,
            "name": "",
            "kind": "custom",
            "year": 2026,
            "nomination_opens": now.isoformat(),
            "nomination_closes": now.isoformat(),
            "voting_opens": now.isoformat(),
            "voting_closes": now.isoformat(),
        },
    )
    assert response.status_code == 400
    assert {"name", "entry_type", "nomination_closes", "voting_closes"} <= set(response.json()["errors"])
    assert not AwardCampaign.objects.filter(name="").exists()


def test_campaign_list_is_scoped_and_query_count_constant(contest: Contest, django_assert_max_num_queries: Any) -> None:
    client = as_user(contest.admin)
    client.get(f"{BASE}/campaigns")
    with django_assert_max_num_queries(8) as one:
        assert client.get(f"{BASE}/campaigns").json()["count"] == 1
    for _ in range(9):
        AwardCampaignFactory(org=contest.county)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{BASE}/campaigns").json()["count"] == 10
    stranger = as_user(JudgeFactory().user)
    assert stranger.get(f"{BASE}/campaigns").json()["count"] == 1  # only the campaign they judge


def test_nomination_list_query_count_constant(contest: Contest, django_assert_max_num_queries: Any) -> None:
    client = as_user(contest.admin)
    url = f"{BASE}/campaigns/{contest.campaign.pk}/nominations"
    contest.entry()
    client.get(url)
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).json()["count"] == 1
    for _ in range(9):
        VoteFactory(judge=contest.judge_a, nomination=contest.entry())
    with django_assert_max_num_queries(len(one.captured_queries)):
        items = client.get(url).json()["items"]
    assert len(items) == 10 and items[-1]["vote_count"] == 1


def test_nomination_over_quota_is_409_and_writes_nothing(contest: Contest) -> None:
    c = contest.campaign
    c.stage, c.default_quota = Stage.NOMINATION, 1
    c.nomination_opens, c.nomination_closes = timezone.now() - DAY, timezone.now() + DAY
    c.voting_opens, c.voting_closes = timezone.now() + 2 * DAY, timezone.now() + 3 * DAY
    c.save()
    client = as_user(contest.town_a_admin)
    url = f"{BASE}/campaigns/{c.pk}/nominations"
    first = post(
        client, url, {"org": contest.town_a.pk, "target": VolunteerFactory(org=contest.town_a).pk, "materials": "事迹"}
    )
    assert first.status_code == 201
    second = post(
        client, url, {"org": contest.town_a.pk, "target": VolunteerFactory(org=contest.town_a).pk, "materials": "事迹"}
    )
    assert second.status_code == 409 and second.json()["code"] == "quota_exceeded"
    assert Nomination.objects.count() == 1
    missing = post(client, url, {"org": contest.town_a.pk, "target": VolunteerFactory(org=contest.town_a).pk})
    assert missing.status_code == 422 and "materials" in missing.json()["errors"]


def test_vote_rules_over_http(contest: Contest) -> None:
    contest.campaign.votes_per_judge = 5
    contest.campaign.save()
    other, own = contest.entry(contest.town_b), contest.entry(contest.town_a)
    client = as_user(contest.judge_a.user)
    first = post(client, f"{BASE}/votes", {"nomination": other.pk})
    assert first.status_code == 201 and first.json()["votes_left"] == 4
    second = post(client, f"{BASE}/votes", {"nomination": other.pk})
    assert second.status_code == 409
    assert second.json() == {"code": "already_voted", "message": "已对该参评对象投过票"}
    mine = post(client, f"{BASE}/votes", {"nomination": own.pk})
    assert mine.status_code == 403 and mine.json()["code"] == "own_organisation" and "回避" in mine.json()["message"]
    assert Vote.objects.count() == 1
    nobody = post(as_user(contest.admin), f"{BASE}/votes", {"nomination": other.pk})
    assert nobody.status_code == 404


def test_cut_scores_publish_results_and_objections(contest: Contest) -> None:
    entries = [
        contest.entry(contest.town_b, volunteer=VolunteerFactory(org=contest.town_b, name=f"王小{i}号"))
        for i in range(3)
    ]
    admin = as_user(contest.admin)
    cut = post(admin, f"{BASE}/campaigns/{contest.campaign.pk}/cut", {})
    assert cut.status_code == 201 and cut.json()["count"] == 3 and "入围3名" in cut.json()["rule"]
    assert admin.get(f"{BASE}/campaigns/{contest.campaign.pk}/cut").json()["id"] == cut.json()["id"]
    expert = as_user(JudgeFactory(campaign=contest.campaign, org=contest.town_a, is_expert=True).user)
    for entry, value in zip(entries, [90, 80, 70], strict=True):
        assert post(expert, f"{BASE}/scores", {"nomination": entry.pk, "score": value}).status_code == 201
    again = post(expert, f"{BASE}/scores", {"nomination": entries[0].pk, "score": 10})
    assert again.status_code == 409 and again.json()["code"] == "already_scored"
    assert post(admin, f"{BASE}/campaigns/{contest.campaign.pk}/publish", {}).status_code == 201
    public = Client().get(f"{BASE}/campaigns/{contest.campaign.pk}/results").json()
    assert [r["name"] for r in public["items"]] == ["王**号"] * 3
    assert [r["tier"] for r in public["items"]] == ["一等奖", "二等奖", "三等奖"]
    filed = post(
        Client(),
        f"{BASE}/nominations/{entries[0].pk}/objections",
        {"reason": "事迹材料不实", "contact_name": "刘", "phone": "13900139000"},
    )
    assert filed.status_code == 201 and filed.json()["phone_masked"] == "139****9000"
    bad = post(Client(), f"{BASE}/nominations/{entries[0].pk}/objections", {"reason": "x"})
    assert bad.status_code == 400 and {"reason", "phone", "contact_name"} <= set(bad.json()["errors"])
    listing = admin.get(f"{BASE}/campaigns/{contest.campaign.pk}/objections").json()
    assert listing["count"] == 1
    resolved = post(
        admin, f"{BASE}/objections/{listing['items'][0]['id']}/resolve", {"uphold": True, "resolution": "属实"}
    )
    assert resolved.json()["status"] == "upheld"
    after = Client().get(f"{BASE}/campaigns/{contest.campaign.pk}/results").json()
    assert after["count"] == 2 and after["removed"][0]["nomination"] == entries[0].pk
    assert Objection.objects.count() == 1


def test_results_not_public_before_publicity(contest: Contest) -> None:
    assert Client().get(f"{BASE}/campaigns/{contest.campaign.pk}/results").status_code == 404


def test_town_admin_cannot_cut_a_county_campaign(contest: Contest) -> None:
    response = post(as_user(contest.town_a_admin), f"{BASE}/campaigns/{contest.campaign.pk}/cut", {})
    assert response.status_code == 404
    services.current_decision(contest.campaign, "cut")
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.VOTING
