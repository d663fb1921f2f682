"""/api/v1/evaluation: the round cycle over HTTP, JSON errors with field names that write nothing,
permissions, the public ranking, {"items","count"} lists with constant query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from redvest.evaluation.models import EvaluationRound, EvaluationScheme, ScoreAdjustment
from redvest.evaluation.tests.factories import BonusRuleFactory
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.tests.factories import org_admin_at, volunteer_login

pytestmark = pytest.mark.django_db
BASE = "/api/v1/evaluation"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_scheme_with_bad_weights_is_refused_with_field_names(tree, county_admin):
    client = as_user(county_admin)
    response = send(
        client,
        "post",
        f"{BASE}/schemes",
        {"org": tree.county.pk, "name": "县级方案", "criteria": [{"metric": "activities", "weight": 70}]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"weights": "各项指标权重合计须为100%，当前合计70%"}
    assert not EvaluationScheme.objects.exists()


def test_scheme_create_list_and_change_criteria(tree, county_admin):
    client = as_user(county_admin)
    created = send(
        client,
        "post",
        f"{BASE}/schemes",
        {
            "org": tree.county.pk,
            "name": "县级方案",
            "criteria": [
                {"metric": "activities", "weight": 60},
                {"metric": "satisfaction", "weight": 40, "normalisation": "threshold", "target": "90"},
            ],
        },
    )
    assert created.status_code == 201
    scheme_id = created.json()["id"]
    changed = send(
        client,
        "put",
        f"{BASE}/schemes/{scheme_id}/criteria",
        {"criteria": [{"metric": "requests_on_time", "weight": 100}]},
    )
    assert [c["metric"] for c in changed.json()["criteria"]] == ["requests_on_time"]
    listed = client.get(f"{BASE}/schemes").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "县级方案"


def test_round_cycle_over_the_api(scored):
    client = as_user(scored.admin)
    created = send(
        client,
        "post",
        f"{BASE}/rounds",
        {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"},
    )
    assert created.status_code == 201
    round_id = created.json()["id"]
    assert created.json()["unreviewed"] == 2
    detail = client.get(f"{BASE}/rounds/{round_id}").json()
    assert detail["round"]["id"] == round_id
    scores = {s["org_name"]: s for s in client.get(f"{BASE}/rounds/{round_id}/scores").json()["items"]}
    assert scores["雉城街道"]["computed"] == "71.67" or float(scores["雉城街道"]["computed"]) == 71.67
    a = scores["雉城街道"]["id"]
    no_reason = send(client, "post", f"{BASE}/rounds/{round_id}/adjustments", {"score": a, "delta": "2"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    ok = send(client, "post", f"{BASE}/rounds/{round_id}/adjustments", {"score": a, "delta": "2", "reason": "创新"})
    assert ok.status_code == 201
    refused = client.post(f"{BASE}/rounds/{round_id}/publish")
    assert refused.status_code == 409
    assert refused.json() == {"code": "unreviewed_scores", "message": "还有2个组织的得分未审核，全部审核后才能晾晒"}
    review = send(client, "post", f"{BASE}/rounds/{round_id}/review", {"scores": [a]})
    assert review.json() == {"reviewed": 1, "unreviewed": 1}
    send(client, "post", f"{BASE}/rounds/{round_id}/review", {"all": True})
    assert client.post(f"{BASE}/rounds/{round_id}/publish").json()["status"] == "published"
    ranking = Client().get(f"{BASE}/ranking", {"org": scored.tree.county.pk, "year": 2026, "quarter": 1})
    assert ranking.status_code == 200
    assert [(r["org_name"], r["rank"]) for r in ranking.json()["items"]] == [("雉城街道", 1), ("画溪街道", 2)]
    assert client.post(f"{BASE}/rounds/{round_id}/recompute").status_code == 409


def test_unpublished_ranking_is_not_found_for_anyone(scored):
    response = Client().get(f"{BASE}/ranking", {"org": scored.tree.county.pk, "year": 2026, "quarter": 1})
    assert response.status_code == 404


def test_other_towns_admin_cannot_see_or_adjust_the_round(scored):
    client = as_user(scored.admin)
    round_id = send(
        client,
        "post",
        f"{BASE}/rounds",
        {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"},
    ).json()["id"]
    other = as_user(org_admin_at(scored.tree.town_b))
    assert other.get(f"{BASE}/rounds/{round_id}").status_code == 404
    assert (
        send(
            other, "post", f"{BASE}/rounds/{round_id}/adjustments", {"score": 1, "delta": 1, "reason": "x"}
        ).status_code
        == 404
    )
    assert other.get(f"{BASE}/rounds").json()["count"] == 0
    assert not ScoreAdjustment.objects.exists()


def test_volunteer_cannot_create_rounds(scored):
    client = as_user(volunteer_login(scored.tree.town_a))
    response = send(
        client,
        "post",
        f"{BASE}/rounds",
        {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"},
    )
    assert response.status_code == 403
    assert not EvaluationRound.objects.exists()


def test_round_list_queries_do_not_grow(scored, django_assert_max_num_queries):
    client = as_user(scored.admin)
    body = {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"}
    send(client, "post", f"{BASE}/rounds", body)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/rounds").json()["count"] == 1
    for q in (2, 3, 4):
        send(client, "post", f"{BASE}/rounds", body | {"quarter": q})
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/rounds").json()["count"] == 4


def test_round_detail_queries_do_not_grow(scored, django_assert_max_num_queries):
    client = as_user(scored.admin)
    body = {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"}
    first = send(client, "post", f"{BASE}/rounds", body).json()["id"]
    with django_assert_max_num_queries(10):
        client.get(f"{BASE}/rounds/{first}")
    for i in range(9):
        org_node(name=f"新街道{i}", kind=OrgKind.TOWN, parent=scored.tree.county)
    second = send(client, "post", f"{BASE}/rounds", body | {"quarter": 2}).json()["id"]
    with django_assert_max_num_queries(10):
        client.get(f"{BASE}/rounds/{second}")
    with django_assert_max_num_queries(10):
        client.get(f"{BASE}/rounds/{first}/scores")
    with django_assert_max_num_queries(10):
        assert client.get(f"{BASE}/rounds/{second}/scores").json()["count"] == 11


def test_bonus_table_and_rule_over_the_api(tree, county_admin, django_assert_max_num_queries):
    client = as_user(county_admin)
    bad = send(client, "put", f"{BASE}/bonus-rules", {"org": tree.county.pk, "organise_points": -1, "join_points": 2})
    assert bad.status_code == 422 and "organise_points" in bad.json()["errors"]  # bounded by the schema
    ok = send(client, "put", f"{BASE}/bonus-rules", {"org": tree.county.pk, "organise_points": 5, "join_points": 2})
    assert ok.json()["organise_points"] == 5
    with django_assert_max_num_queries(10):
        table = client.get(f"{BASE}/bonus", {"org": tree.county.pk, "year": 2026, "quarter": 1})
    assert table.json() == {"items": [], "count": 0, "count_capped": False}
    export = client.get(f"{BASE}/bonus.xlsx", {"org": tree.county.pk, "year": 2026, "quarter": 1})
    assert export.status_code == 200
    town_b_admin = as_user(org_admin_at(tree.town_b))
    assert town_b_admin.get(f"{BASE}/bonus", {"org": tree.county.pk}).status_code == 403


def test_volunteer_evaluations_and_consent_over_the_api(tree, county_admin):
    BonusRuleFactory(org=tree.county)
    listed = as_user(county_admin).get(f"{BASE}/volunteer-evaluations", {"year": 2026, "quarter": 1})
    assert listed.json() == {"items": [], "count": 0, "count_capped": False}
    volunteer = as_user(volunteer_login(tree.town_a))
    assert volunteer.get(f"{BASE}/volunteer-evaluations/me").json()["count"] == 0
    assert volunteer.get(f"{BASE}/volunteer-evaluations").status_code == 403
    consent = send(volunteer, "post", f"{BASE}/consent", {"granted": True})
    assert consent.status_code == 201 and consent.json()["granted"] is True
