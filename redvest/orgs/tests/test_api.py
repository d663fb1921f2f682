from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.models import FiveHaveEvidence, FiveHaveInspection, OrgKind, OrgNode, Station
from redvest.orgs.tests.factories import OrgTree, inspect, org_node, pass_all, role_user, station_node

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Api:
    """A Django test client speaking JSON as a signed-in user (session auth, as the pages do)."""

    def __init__(self, client: Any, user: Any) -> None:
        client.force_login(user)
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params)

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(API + path, data, content_type="application/json")

    def patch(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.patch(API + path, data, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path)


@pytest.fixture
def station(tree: OrgTree) -> Station:
    return station_node(parent=tree.community_a)


# ---- nodes -------------------------------------------------------------------------------------


def test_node_list_is_scoped_paginated_and_filtered(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    api = Api(client, town_a_admin)
    body = api.get("/nodes").json()
    assert body["count"] == 2 and {n["name"] for n in body["items"]} == {"雉城街道", "城东社区"}
    community = next(n for n in body["items"] if n["name"] == "城东社区")
    assert community["parent_id"] == tree.town_a.pk and community["kind_label"] == "村社区"
    assert api.get("/nodes", parent_id=tree.town_a.pk).json()["count"] == 1
    assert api.get("/nodes", kind="town").json()["count"] == 1
    assert api.get("/nodes", q="城东").json()["items"][0]["id"] == tree.community_a.pk
    assert api.get("/nodes", page_size=1, page=2).json()["items"][0]["name"] == "城东社区"
    assert api.get("/nodes", parent_id=tree.town_b.pk).status_code == 404


def test_bearer_token_works_for_the_api(client: Any, tree: OrgTree) -> None:
    from redvest.accounts.services import user_create

    user = user_create(username="api-admin", password="redvest-test-pw", phone="13700000001")
    RoleAssignment.objects.create(user=user, role=Role.ORG_ADMIN, org=tree.town_b)
    token = client.post(
        "/api/v1/auth/token", {"username": "api-admin", "password": "redvest-test-pw"}, content_type="application/json"
    ).json()["token"]
    response = client.get(f"{API}/nodes", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [n["name"] for n in response.json()["items"]] == ["画溪街道"]


def test_node_detail_has_counts_and_permissions(
    client: Any, tree: OrgTree, town_a_admin: Any, station: Station
) -> None:
    body = Api(client, town_a_admin).get(f"/nodes/{tree.town_a.pk}").json()
    assert body["counts"] == {"children": 1, "stations": 1, "teams": 0, "volunteers": 0}
    assert body["permissions"] == {"change": True, "manage": True, "administer": True, "move": True}
    assert body["ancestors"] == [] and body["parent_id"] == tree.county.pk


def test_town_a_admin_cannot_see_or_change_town_b(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    api = Api(client, town_a_admin)
    assert api.get(f"/nodes/{tree.town_b.pk}").status_code == 404
    response = api.patch(f"/nodes/{tree.town_b.pk}", {"name": "改名"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.delete(f"/nodes/{tree.town_b.pk}").status_code == 404
    assert OrgNode.objects.get(pk=tree.town_b.pk).name == "画溪街道"


def test_create_update_and_delete_a_node(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    api = Api(client, town_a_admin)
    response = api.post("/nodes", {"parent_id": tree.community_a.pk, "name": "红立方驿站", "kind": "post"})
    assert response.status_code == 201
    node_id = response.json()["id"]
    assert response.json()["is_station"] and Station.objects.filter(pk=node_id).exists()
    response = api.patch(f"/nodes/{node_id}", {"code": "HLF-01"})
    assert response.status_code == 200 and response.json()["code"] == "HLF-01"
    assert response.json()["name"] == "红立方驿站"  # fields not sent are left alone
    assert api.delete(f"/nodes/{node_id}").status_code == 204
    assert not OrgNode.objects.filter(pk=node_id).exists()


def test_bad_node_input_names_the_field(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    api = Api(client, town_a_admin)
    response = api.post("/nodes", {"parent_id": tree.town_a.pk, "name": "", "kind": "castle"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error" and set(body["errors"]) == {"name", "kind"}
    response = api.post("/nodes", {"parent_id": tree.town_a.pk, "kind": "grid"})
    assert response.status_code == 422 and "name" in response.json()["errors"]
    response = api.patch(f"/nodes/{tree.community_a.pk}", {"team_min_size": 0})
    assert response.status_code == 400 and "team_min_size" in response.json()["errors"]
    assert OrgNode.objects.count() == 4


def test_move_endpoint_and_refusals(client: Any, tree: OrgTree, county_admin: Any, town_a_admin: Any) -> None:
    api = Api(client, county_admin)
    response = api.post(f"/nodes/{tree.town_a.pk}/move", {"target_id": tree.community_a.pk})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_move",
        "message": "不能把节点移动到它自身或它的下级节点之下",
        "field": "target",
    }
    response = api.post(f"/nodes/{tree.community_a.pk}/move", {"target_id": tree.town_b.pk})
    assert response.status_code == 200 and response.json()["parent_id"] == tree.town_b.pk
    # an admin of the old town cannot pull it back: the node is no longer theirs
    town_admin_api = Api(client, town_a_admin)
    response = town_admin_api.post(f"/nodes/{tree.community_a.pk}/move", {"target_id": tree.town_a.pk})
    assert response.status_code == 404


def test_delete_non_empty_node_is_a_conflict(client: Any, tree: OrgTree, county_admin: Any) -> None:
    org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    response = Api(client, county_admin).delete(f"/nodes/{tree.community_a.pk}")
    assert response.status_code == 409 and response.json()["code"] == "node_not_empty"
    assert "下级节点" in response.json()["message"]


def test_dispatcher_can_read_but_not_write(client: Any, tree: OrgTree) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.town_a)
    api = Api(client, dispatcher)
    assert api.get(f"/nodes/{tree.community_a.pk}").status_code == 200
    response = api.patch(f"/nodes/{tree.community_a.pk}", {"code": "X"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api.post("/nodes", {"parent_id": tree.town_a.pk, "name": "新", "kind": "grid"}).status_code == 403
    assert api.get(f"/nodes/{tree.town_a.pk}/roles").status_code == 403


# ---- roles -------------------------------------------------------------------------------------


def test_role_endpoints(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    UserFactory(username="liwei", name="李伟")
    api = Api(client, town_a_admin)
    response = api.post(f"/nodes/{tree.community_a.pk}/roles", {"role": "dispatcher", "account": "liwei"})
    assert response.status_code == 201 and response.json()["username"] == "liwei"
    assignment_id = response.json()["id"]
    response = api.post(
        f"/nodes/{tree.community_a.pk}/roles",
        {
            "role": "station_keeper",
            "new_username": "keeper-z",
            "new_name": "赵",
            "new_phone": "13922223333",
            "new_password": "Redvest-2026-safe",
        },
    )
    assert response.status_code == 201 and User.objects.filter(username="keeper-z").exists()
    listing = api.get(f"/nodes/{tree.community_a.pk}/roles").json()
    assert listing["count"] == 2 and {r["role_label"] for r in listing["items"]} == {"热线调度员", "站点管理员"}
    assert api.delete(f"/nodes/{tree.community_a.pk}/roles/{assignment_id}").status_code == 204
    assert api.get(f"/nodes/{tree.community_a.pk}/roles").json()["count"] == 1


def test_role_grant_errors_name_the_field(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    api = Api(client, town_a_admin)
    response = api.post(f"/nodes/{tree.town_a.pk}/roles", {"role": "dispatcher", "account": "ghost"})
    assert response.status_code == 400 and "account" in response.json()["errors"]
    response = api.post(
        f"/nodes/{tree.town_a.pk}/roles",
        {
            "role": "dispatcher",
            "new_username": "n1",
            "new_name": "某",
            "new_phone": "1",
            "new_password": "Redvest-2026-safe",
        },
    )
    assert response.status_code == 400 and "new_phone" in response.json()["errors"]
    assert not User.objects.filter(username="n1").exists()


def test_town_b_admin_cannot_grant_in_town_a(client: Any, tree: OrgTree, town_b_admin: Any) -> None:
    UserFactory(username="liwei")
    response = Api(client, town_b_admin).post(
        f"/nodes/{tree.town_a.pk}/roles", {"role": "dispatcher", "account": "liwei"}
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user__username="liwei").exists()


# ---- stations ----------------------------------------------------------------------------------


def test_station_list_reports_shortfall_and_missing_items(client: Any, tree: OrgTree, county_admin: Any) -> None:
    short = station_node(parent=tree.community_a, name="城东服务点")
    good = station_node(parent=tree.town_b, name="画溪服务点")
    pass_all(good)
    pass_all(short)
    inspect(short, "funds", "fail")
    api = Api(client, county_admin)
    body = api.get("/stations").json()
    assert body["count"] == 2
    rows = {s["name"]: s for s in body["items"]}
    assert rows["城东服务点"]["shortfall"] and rows["城东服务点"]["missing"] == ["funds"]
    assert not rows["画溪服务点"]["shortfall"] and rows["画溪服务点"]["missing"] == []
    assert [s["name"] for s in api.get("/stations", shortfall="true").json()["items"]] == ["城东服务点"]
    assert api.get("/stations", org_id=tree.town_b.pk).json()["count"] == 1


def test_station_detail_has_checklist_and_latest_inspections(
    client: Any, tree: OrgTree, town_a_admin: Any, station: Station
) -> None:
    inspect(station, "logo", "fail", on=timezone.localdate() - datetime.timedelta(days=3))
    inspect(station, "logo", "pass")
    body = Api(client, town_a_admin).get(f"/stations/{station.pk}").json()
    assert [e["kind"] for e in body["checklist"]] == ["logo", "venue", "team", "rules", "records", "funds"]
    logo = body["checklist"][0]
    assert logo["passed"] and logo["latest_inspection"]["result"] == "pass" and len(logo["inspections"]) == 2
    assert body["station"]["shortfall"] and body["permissions"] == {"change": True, "inspect": True}


def test_station_patch_validates_coordinates(client: Any, station: Station) -> None:
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    api = Api(client, keeper)
    response = api.patch(f"/stations/{station.pk}", {"latitude": 120, "longitude": 119})
    assert response.status_code == 400 and response.json()["errors"] == {"latitude": "纬度应在-90到90之间"}
    response = api.patch(f"/stations/{station.pk}", {"latitude": "30.9", "longitude": 119.9, "opening_hours": "全天"})
    assert response.status_code == 200
    assert response.json()["station"]["latitude"] == 30.9 and response.json()["station"]["opening_hours"] == "全天"


def test_keeper_changes_own_station_only(client: Any, tree: OrgTree, station: Station) -> None:
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    other = station_node(parent=tree.town_b, name="画溪服务点")
    api = Api(client, keeper)
    assert api.patch(f"/stations/{other.pk}", {"address": "别处"}).status_code == 404
    assert Station.objects.get(pk=other.pk).address != "别处"


def test_inspection_endpoint(client: Any, town_a_admin: Any, station: Station) -> None:
    api = Api(client, town_a_admin)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api.post(f"/stations/{station.pk}/items/team/inspections", {"inspected_on": tomorrow, "result": "pass"})
    assert response.status_code == 400 and response.json()["errors"] == {"inspected_on": "检查日期不能晚于今天"}
    response = api.post(
        f"/stations/{station.pk}/items/team/inspections", {"inspected_on": "not-a-date", "result": "pass"}
    )
    assert response.status_code == 422 and "inspected_on" in response.json()["errors"]
    assert not FiveHaveInspection.objects.exists()
    today = timezone.localdate().isoformat()
    response = api.post(
        f"/stations/{station.pk}/items/team/inspections", {"inspected_on": today, "result": "fail", "notes": "人手不足"}
    )
    assert response.status_code == 201 and response.json()["inspector"] == town_a_admin.username
    assert (
        api.post(
            f"/stations/{station.pk}/items/wifi/inspections", {"inspected_on": today, "result": "pass"}
        ).status_code
        == 404
    )


def test_keeper_cannot_inspect_through_the_api(client: Any, station: Station) -> None:
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    response = Api(client, keeper).post(
        f"/stations/{station.pk}/items/team/inspections",
        {"inspected_on": timezone.localdate().isoformat(), "result": "pass"},
    )
    assert response.status_code == 403


def test_evidence_upload_endpoint(client: Any, station: Station) -> None:
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    client.force_login(keeper)
    url = f"{API}/stations/{station.pk}/items/records/evidence"
    response = client.post(
        url, {"file": SimpleUploadedFile("台账.png", PNG, content_type="image/png"), "note": "台账封面"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["original_name"] == "台账.png" and body["note"] == "台账封面"
    assert client.get(body["download_url"]).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("x.svg", b"<svg/>", content_type="image/svg+xml")})
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = client.post(url, {"note": "没有文件"})
    assert response.status_code == 422 and any(k.startswith("file") for k in response.json()["errors"])
    assert FiveHaveEvidence.objects.count() == 1


def test_nul_characters_in_filters_are_refused_naming_the_field(client: Any, tree: OrgTree, county_admin: Any) -> None:
    api = Api(client, county_admin)
    response = api.get("/nodes", q="城\x00东")
    assert response.status_code == 422 and "q" in response.json()["errors"]
    assert api.get("/stations", q="\x00", kind="post\x00").status_code == 422


def test_huge_ids_answer_404(client: Any, county_admin: Any) -> None:
    api = Api(client, county_admin)
    assert api.get(f"/nodes/{2**70}").status_code == 404
    assert api.get(f"/stations/{2**70}").status_code == 404
    # A filter id beyond the column is a schema error naming the filter, as for any bounded integer.
    beyond = api.get("/stations", org_id=2**70)
    assert beyond.status_code == 422 and set(beyond.json()["errors"]) == {"org_id"}
