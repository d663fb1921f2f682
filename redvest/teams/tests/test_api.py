"""/api/v1/teams: lists as {"items","count"}, field-named JSON errors that write nothing, permissions,
constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from redvest.accounts.models import User
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Backbone, BrandProject, JoinRequest, Membership, Team, TeamKind
from redvest.teams.tests.factories import (
    BrandProjectFactory,
    JoinRequestFactory,
    TeamFactory,
    leader_login,
    member_of,
    org_admin_at,
    team_with_members,
    volunteer_login,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/teams"


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def _as(client: Client, user: User | None) -> Client:
    assert user is not None
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def _patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, body, content_type="application/json")


# ---- list ------------------------------------------------------------------------------------


def test_list_returns_items_and_count_with_min_size_flag(client: Client, tree: OrgTree) -> None:
    team_with_members(2, org=tree.town_a, name="两人队")
    response = _as(client, org_admin_at(tree.county)).get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["name"], item["member_count"], item["min_size"], item["below_min_size"]) == ("两人队", 2, 5, True)


def test_list_filters_below_min_size_and_org(client: Client, tree: OrgTree) -> None:
    team_with_members(1, org=tree.town_a, name="小队")
    team_with_members(5, org=tree.town_b, name="满员队")
    _as(client, org_admin_at(tree.county))
    assert [i["name"] for i in client.get(f"{BASE}/?below_min_size=true").json()["items"]] == ["小队"]
    assert [i["name"] for i in client.get(f"{BASE}/?org_id={tree.town_b.pk}").json()["items"]] == ["满员队"]


def test_list_is_paginated(client: Client, tree: OrgTree) -> None:
    for _ in range(5):
        TeamFactory(org=tree.town_a)
    body = _as(client, org_admin_at(tree.county)).get(f"{BASE}/?page=2&page_size=2").json()
    assert body["count"] == 5 and len(body["items"]) == 2


def test_list_query_count_is_the_same_for_1_and_10_teams(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    def team() -> None:
        leader_login(team_with_members(2, org=tree.community_a, parent=TeamFactory(org=tree.county)))

    team()
    _as(client, org_admin_at(tree.county))
    client.get(f"{BASE}/")
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{BASE}/").status_code == 200
    for _ in range(9):
        team()
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(f"{BASE}/").json()["count"] == 20


def test_members_query_count_is_the_same_for_1_and_10_members(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    team = team_with_members(1, org=tree.town_a)
    _as(client, org_admin_at(tree.town_a))
    client.get(f"{BASE}/{team.pk}/members")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/{team.pk}/members")
    for _ in range(9):
        member_of(team)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(f"{BASE}/{team.pk}/members").json()["count"] == 10


def test_bearer_token_works_for_the_list(client: Client, tree: OrgTree) -> None:
    admin = org_admin_at(tree.county)
    token = _post(client, "/api/v1/auth/token", {"username": admin.username, "password": "redvest-test-pw"}).json()[
        "token"
    ]
    response = client.get(f"{BASE}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json() == {"items": [], "count": 0, "count_capped": False}


def test_anonymous_gets_401(client: Client) -> None:
    assert client.get(f"{BASE}/").status_code == 401


# ---- create / update -------------------------------------------------------------------------


def _team_body(tree: OrgTree, **kw: Any) -> dict[str, Any]:
    return {"name": "城东急救队", "kind": TeamKind.SPECIALIST, "specialty": "first_aid", "org": tree.town_a.pk, **kw}


def test_create_returns_201_with_the_team(client: Client, tree: OrgTree) -> None:
    response = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/", _team_body(tree))
    assert response.status_code == 201
    assert response.json()["specialty"] == "first_aid"
    assert Team.objects.get().name == "城东急救队"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": TeamKind.GRID}, "specialty"),
        ({"specialty": ""}, "specialty"),
        ({"kind": "army"}, "kind"),
        ({"name": ""}, "name"),
        ({"org": 987654}, "org"),
        ({"parent": 987654}, "parent"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client: Client, tree: OrgTree, change: dict, field: str) -> None:
    response = _post(_as(client, org_admin_at(tree.county)), f"{BASE}/", _team_body(tree, **change))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error" and field in body["errors"]
    assert not Team.objects.exists()


def test_id_beyond_the_column_is_422_naming_the_field(client: Client, tree: OrgTree) -> None:
    response = _post(_as(client, org_admin_at(tree.county)), f"{BASE}/", _team_body(tree, org=10**30))
    assert response.status_code == 422
    assert response.json()["errors"] == {"org": "不能大于9223372036854775807"}
    assert not Team.objects.exists()


def test_missing_required_field_is_422_naming_it(client: Client, tree: OrgTree) -> None:
    response = _post(_as(client, org_admin_at(tree.county)), f"{BASE}/", {"name": "x", "kind": "grid"})
    assert response.status_code == 422
    assert "org" in response.json()["errors"]


def test_duplicate_name_is_refused(client: Client, tree: OrgTree) -> None:
    TeamFactory(org=tree.town_a, name="城东急救队")
    response = _post(_as(client, org_admin_at(tree.county)), f"{BASE}/", _team_body(tree))
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert Team.objects.count() == 1


def test_create_outside_subtree_is_403(client: Client, tree: OrgTree) -> None:
    response = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/", _team_body(tree, org=tree.town_b.pk))
    assert response.status_code == 403
    assert response.json()["field"] == "org"


def test_patch_changes_only_the_given_fields(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a, name="旧名", rules="旧制度")
    response = _patch(_as(client, leader_login(team)), f"{BASE}/{team.pk}", {"rules": "新制度"})
    assert response.status_code == 200
    team.refresh_from_db()
    assert (team.name, team.rules) == ("旧名", "新制度")


def test_patch_parent_cycle_is_refused(client: Client, tree: OrgTree) -> None:
    top = TeamFactory(org=tree.county)
    child = TeamFactory(org=tree.county, parent=top)
    response = _patch(_as(client, org_admin_at(tree.county)), f"{BASE}/{top.pk}", {"parent": child.pk})
    assert response.status_code == 400 and "parent" in response.json()["errors"]
    top.refresh_from_db()
    assert top.parent is None


def test_volunteer_may_view_but_not_patch(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    _as(client, volunteer_login(tree.town_b))
    assert client.get(f"{BASE}/{team.pk}").status_code == 200
    assert _patch(client, f"{BASE}/{team.pk}", {"rules": "x"}).status_code == 403


def test_org_admin_cannot_see_other_towns_team(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_b)
    response = _as(client, org_admin_at(tree.town_a)).get(f"{BASE}/{team.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# ---- leader, liaison, backbone ---------------------------------------------------------------


def test_leader_not_a_member_is_refused_with_the_field(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    outsider = member_of(TeamFactory(org=tree.town_a))
    response = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/{team.pk}/leader", {"volunteer": outsider.pk})
    assert response.status_code == 400
    assert response.json()["field"] == "leader"
    team.refresh_from_db()
    assert team.leader is None


def test_leader_liaison_and_backbone_are_set(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    a, b, c = member_of(team), member_of(team), member_of(team)
    _as(client, org_admin_at(tree.town_a))
    assert _post(client, f"{BASE}/{team.pk}/leader", {"volunteer": a.pk}).json()["leader"]["id"] == a.pk
    assert _post(client, f"{BASE}/{team.pk}/liaison", {"volunteer": b.pk}).json()["liaison"]["id"] == b.pk
    body = _post(client, f"{BASE}/{team.pk}/backbone", {"volunteers": [c.pk, b.pk]}).json()
    assert [p["id"] for p in body["backbone"]] == [c.pk, b.pk]


def test_backbone_with_a_stranger_is_refused(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    response = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/{team.pk}/backbone", {"volunteers": [10**6]})
    assert response.status_code == 400 and "volunteers" in response.json()["errors"]
    beyond = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/{team.pk}/backbone", {"volunteers": [10**20]})
    assert beyond.status_code == 422 and "volunteers.0" in beyond.json()["errors"]
    assert not Backbone.objects.exists()


def test_team_leader_cannot_change_another_team_via_api(client: Client, tree: OrgTree) -> None:
    own, other = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a)
    member = member_of(other)
    response = _post(_as(client, leader_login(own)), f"{BASE}/{other.pk}/leader", {"volunteer": member.pk})
    assert response.status_code == 403


# ---- join requests ---------------------------------------------------------------------------


def test_join_request_flow_over_the_api(client: Client, tree: OrgTree) -> None:
    old, team = TeamFactory(org=tree.town_a), TeamFactory(org=tree.town_a)
    volunteer = member_of(old, with_user=True)
    response = _post(_as(client, volunteer.user), f"{BASE}/{team.pk}/join-requests", {"kind": "org", "message": "申请"})
    assert response.status_code == 201
    request_id = response.json()["id"]
    leader = leader_login(team)
    _as(client, leader)
    inbox = client.get(f"{BASE}/join-requests").json()
    assert inbox["count"] == 1 and inbox["items"][0]["id"] == request_id
    approved = _post(client, f"{BASE}/join-requests/{request_id}/approve", {"note": "欢迎"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Membership.objects.get(volunteer=volunteer, kind="org", left_at__isnull=True).team == team


def test_reject_without_note_names_the_field(client: Client, tree: OrgTree) -> None:
    request = JoinRequestFactory(team=TeamFactory(org=tree.town_a))
    response = _post(_as(client, org_admin_at(tree.town_a)), f"{BASE}/join-requests/{request.pk}/reject", {})
    assert response.status_code == 400 and "note" in response.json()["errors"]
    request.refresh_from_db()
    assert request.status == "pending"


def test_join_request_for_someone_else_needs_rights_over_them(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    other = member_of(TeamFactory(org=tree.town_b))
    response = _post(
        _as(client, volunteer_login(tree.town_a)),
        f"{BASE}/{team.pk}/join-requests",
        {"kind": "org", "volunteer": other.pk},
    )
    assert response.status_code == 404 and response.json()["field"] == "volunteer"
    assert not JoinRequest.objects.exists()


def test_join_request_with_bad_kind_names_the_field(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a)
    response = _post(_as(client, volunteer_login(tree.town_a)), f"{BASE}/{team.pk}/join-requests", {"kind": "x"})
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_withdraw_by_the_applicant(client: Client, tree: OrgTree) -> None:
    applicant = volunteer_login(tree.town_a)
    team = TeamFactory(org=tree.town_a)
    _as(client, applicant)
    request_id = _post(client, f"{BASE}/{team.pk}/join-requests", {"kind": "activity"}).json()["id"]
    assert _post(client, f"{BASE}/join-requests/{request_id}/withdraw", {}).json()["status"] == "withdrawn"


# ---- brands ----------------------------------------------------------------------------------


def test_brand_create_list_and_patch(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.community_a)
    _as(client, org_admin_at(tree.town_a))
    created = _post(client, f"{BASE}/brands", {"name": "合之队", "owner": tree.town_a.pk, "teams": [team.pk]})
    assert created.status_code == 201
    brand_id = created.json()["id"]
    assert [t["id"] for t in created.json()["teams"]] == [team.pk]
    listing = client.get(f"{BASE}/brands").json()
    assert listing["count"] == 1 and listing["items"][0]["team_count"] == 1
    patched = _patch(client, f"{BASE}/brands/{brand_id}", {"description": "爱心接力", "teams": []})
    assert patched.status_code == 200 and patched.json()["teams"] == []


def test_brand_with_a_team_outside_scope_is_refused(client: Client, tree: OrgTree) -> None:
    outside = TeamFactory(org=tree.town_b)
    response = _post(
        _as(client, org_admin_at(tree.town_a)),
        f"{BASE}/brands",
        {"name": "合之队", "owner": tree.town_a.pk, "teams": [outside.pk]},
    )
    assert response.status_code == 400 and "teams" in response.json()["errors"]
    assert not BrandProject.objects.exists()


def test_brand_list_query_count_is_the_same_for_1_and_10_brands(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    BrandProjectFactory(owner=tree.town_a)
    _as(client, org_admin_at(tree.county))
    client.get(f"{BASE}/brands")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/brands")
    BrandProjectFactory.create_batch(9, owner=tree.town_b)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(f"{BASE}/brands").json()["count"] == 10


def test_brand_patch_with_null_teams_is_refused_naming_the_field(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.community_a)
    _as(client, org_admin_at(tree.town_a))
    brand_id = _post(client, f"{BASE}/brands", {"name": "合之队", "owner": tree.town_a.pk, "teams": [team.pk]}).json()[
        "id"
    ]
    response = _patch(client, f"{BASE}/brands/{brand_id}", {"teams": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"teams": "不能为空"}
    assert [t["id"] for t in client.get(f"{BASE}/brands/{brand_id}").json()["teams"]] == [team.pk]
