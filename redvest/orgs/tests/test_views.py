from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.audit.models import AuditEntry
from redvest.orgs.models import FiveHaveEvidence, FiveHaveInspection, OrgKind, OrgNode, Station
from redvest.orgs.tests.factories import OrgTree, inspect, org_node, pass_all, role_user, station_node

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def html(response: Any) -> str:
    text = response.content.decode()
    assert "!!MISSING" not in text
    return text


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


@pytest.fixture
def station(tree: OrgTree) -> Station:
    return station_node(parent=tree.community_a)


@pytest.fixture
def keeper(station: Station) -> Any:
    return role_user(role=Role.STATION_KEEPER, org=station.node)


# ---- tree pages ----------------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client: Any, tree: OrgTree) -> None:
    response = client.get(reverse("orgs:node-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_town_admin_tree_starts_at_own_town(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    text = html(login(client, town_a_admin).get(reverse("orgs:node-list")))
    assert "雉城街道" in text and "画溪街道" not in text and "长兴县" not in text
    assert reverse("orgs:node-children", args=[tree.town_a.pk]) in text  # expandable with htmx


def test_children_partial_expands_one_level(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).get(
        reverse("orgs:node-children", args=[tree.town_a.pk]), HTTP_HX_REQUEST="true"
    )
    text = html(response)
    assert "城东社区" in text and "<html" not in text


def test_town_admin_cannot_expand_or_open_other_town(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    login(client, town_a_admin)
    response = client.get(reverse("orgs:node-children", args=[tree.town_b.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404 and "无权查看" in html(response)
    response = client.get(reverse("orgs:node-detail", args=[tree.town_b.pk]))
    assert response.status_code == 404 and "画溪街道" not in html(response)


def test_search_lists_matching_nodes(client: Any, tree: OrgTree, county_admin: Any) -> None:
    text = html(login(client, county_admin).get(reverse("orgs:node-list"), {"kind": OrgKind.TOWN}))
    assert "雉城街道" in text and "画溪街道" in text and "城东社区" not in text


def test_node_detail_shows_counts_children_and_admin_forms(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    role_user(role=Role.DISPATCHER, org=tree.town_a, name="调度员小李")
    text = html(login(client, town_a_admin).get(reverse("orgs:node-detail", args=[tree.town_a.pk])))
    for expected in ("城东社区", "调度员小李", "分配角色", "修改节点信息", "新建下级节点", "删除节点"):
        assert expected in text
    assert "移动到其他上级" in text and "画溪街道" not in text  # the picker offers only manageable nodes


def test_dispatcher_sees_detail_without_forms(client: Any, tree: OrgTree) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.town_a)
    text = html(login(client, dispatcher).get(reverse("orgs:node-detail", args=[tree.town_a.pk])))
    assert "城东社区" in text
    for hidden in ("分配角色", "修改节点信息", "新建下级节点", "删除节点", "移动到其他上级"):
        assert hidden not in text


def test_edit_node_through_the_page(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("orgs:node-update", args=[tree.community_a.pk]),
        {"name": "城东社区", "kind": OrgKind.COMMUNITY, "code": "330522001001", "team_min_size": "6"},
    )
    assert response.status_code == 302
    node = OrgNode.objects.get(pk=tree.community_a.pk)
    assert (node.code, node.team_min_size) == ("330522001001", 6)


def test_bad_edit_shows_the_message_with_400(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("orgs:node-update", args=[tree.community_a.pk]), {"name": "  ", "kind": OrgKind.COMMUNITY}
    )
    assert response.status_code == 400
    assert "请填写名称" in html(response) or "这个字段是必填项" in html(response)
    assert OrgNode.objects.get(pk=tree.community_a.pk).name == "城东社区"


def test_town_b_admin_cannot_edit_town_a(client: Any, tree: OrgTree, town_b_admin: Any) -> None:
    response = login(client, town_b_admin).post(
        reverse("orgs:node-update", args=[tree.town_a.pk]), {"name": "改名", "kind": OrgKind.TOWN}
    )
    assert response.status_code == 404
    assert OrgNode.objects.get(pk=tree.town_a.pk).name == "雉城街道"


def test_dispatcher_edit_is_refused_with_403(client: Any, tree: OrgTree) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.town_a)
    response = login(client, dispatcher).post(
        reverse("orgs:node-update", args=[tree.community_a.pk]), {"name": "改名", "kind": OrgKind.COMMUNITY}
    )
    assert response.status_code == 403 and "无权修改" in html(response)


def test_create_station_child_through_the_page(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("orgs:node-create", args=[tree.community_a.pk]), {"name": "红立方驿站", "kind": OrgKind.POST}
    )
    node = OrgNode.objects.get(name="红立方驿站")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:node-detail", args=[node.pk])
    assert Station.objects.filter(node=node).exists()


def test_move_under_own_descendant_shows_the_message(client: Any, tree: OrgTree, county_admin: Any) -> None:
    response = login(client, county_admin).post(
        reverse("orgs:node-move", args=[tree.town_a.pk]), {"target": tree.community_a.pk}
    )
    assert response.status_code == 400
    assert "不能把节点移动到它自身或它的下级节点之下" in html(response)
    assert OrgNode.objects.get(pk=tree.town_a.pk).path == tree.town_a.path


def test_move_through_the_page(client: Any, tree: OrgTree, county_admin: Any) -> None:
    response = login(client, county_admin).post(
        reverse("orgs:node-move", args=[tree.community_a.pk]), {"target": tree.town_b.pk}
    )
    assert response.status_code == 302
    assert OrgNode.objects.get(pk=tree.community_a.pk).path.startswith(tree.town_b.path)


def test_move_targets_search_returns_options(client: Any, tree: OrgTree, county_admin: Any) -> None:
    text = html(
        login(client, county_admin).get(
            reverse("orgs:node-move-targets", args=[tree.community_a.pk]), {"q": "画溪"}, HTTP_HX_REQUEST="true"
        )
    )
    assert "画溪街道" in text and "雉城街道" not in text


def test_delete_non_empty_node_shows_conflict(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    response = login(client, town_a_admin).post(reverse("orgs:node-delete", args=[tree.community_a.pk]))
    assert response.status_code == 409 and "下级节点" in html(response)
    assert OrgNode.objects.filter(pk=tree.community_a.pk).exists()


def test_delete_empty_node_returns_to_parent(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(reverse("orgs:node-delete", args=[tree.community_a.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("orgs:node-detail", args=[tree.town_a.pk])
    assert not OrgNode.objects.filter(pk=tree.community_a.pk).exists()


def test_grant_role_to_new_account_through_the_page(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("node-roles:grant", args=[tree.town_a.pk]),
        {
            "role": Role.STATION_KEEPER,
            "mode": "new",
            "new_username": "keeper-li",
            "new_name": "李站长",
            "new_phone": "13911112222",
            "new_password": "Redvest-2026-safe",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="keeper-li")
    assert RoleAssignment.objects.filter(user=user, role=Role.STATION_KEEPER, org=tree.town_a).exists()


def test_grant_role_with_unknown_account_shows_message(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("node-roles:grant", args=[tree.town_a.pk]),
        {"role": Role.DISPATCHER, "mode": "existing", "account": "ghost"},
    )
    assert response.status_code == 400 and "没有找到该用户名或手机号对应的账号" in html(response)


def test_system_admin_role_is_not_offered_to_org_admins(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(
        reverse("node-roles:grant", args=[tree.town_a.pk]),
        {"role": Role.SYSTEM_ADMIN, "mode": "existing", "account": town_a_admin.username},
    )
    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).exists()


def test_revoke_role_through_the_page(client: Any, tree: OrgTree, town_a_admin: Any) -> None:
    holder = role_user(role=Role.DISPATCHER, org=tree.town_a)
    assignment = RoleAssignment.objects.get(user=holder)
    response = login(client, town_a_admin).post(reverse("node-roles:revoke", args=[tree.town_a.pk, assignment.pk]))
    assert response.status_code == 302 and not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_system_admin_creates_a_root_from_the_tree_page(client: Any, sysadmin: Any) -> None:
    text = html(login(client, sysadmin).get(reverse("orgs:node-list")))
    assert "新建顶级节点" in text
    response = client.post(reverse("orgs:node-create-root"), {"name": "安吉县", "kind": OrgKind.ORG_DEPT})
    assert response.status_code == 302 and OrgNode.objects.get(name="安吉县").depth == 1


def test_org_admin_cannot_create_a_root(client: Any, county_admin: Any) -> None:
    assert "新建顶级节点" not in html(login(client, county_admin).get(reverse("orgs:node-list")))
    response = client.post(reverse("orgs:node-create-root"), {"name": "安吉县", "kind": OrgKind.ORG_DEPT})
    assert response.status_code == 403 and "只有系统管理员" in html(response)


# ---- station pages -------------------------------------------------------------------------------


def test_station_list_shows_fivehave_tags_and_filters_shortfall(client: Any, tree: OrgTree, county_admin: Any) -> None:
    short = station_node(parent=tree.community_a, name="城东服务点")
    good = station_node(parent=tree.town_b, name="画溪服务点")
    pass_all(good)
    login(client, county_admin)
    text = html(client.get(reverse("orgs:station-list")))
    assert "城东服务点" in text and "画溪服务点" in text and "有经费·未检查" in text
    text = html(client.get(reverse("orgs:station-list"), {"shortfall": "on"}))
    assert "城东服务点" in text and "画溪服务点" not in text
    inspect(short, "logo", "fail")
    assert "有标识·未达标" in html(client.get(reverse("orgs:station-list"), {"shortfall": "on"}))


def test_keeper_edits_own_station_through_the_page(client: Any, station: Station, keeper: Any) -> None:
    response = login(client, keeper).post(
        reverse("orgs:station-update", args=[station.pk]),
        {
            "address": "城东路9号",
            "latitude": "31.02",
            "longitude": "119.91",
            "opening_hours": "全天",
            "contact_name": "",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    assert Station.objects.get(pk=station.pk).address == "城东路9号"


def test_invalid_coordinates_show_the_message(client: Any, station: Station, keeper: Any) -> None:
    response = login(client, keeper).post(
        reverse("orgs:station-update", args=[station.pk]), {"address": "x", "latitude": "95", "longitude": "119"}
    )
    assert response.status_code == 400 and "纬度应在-90到90之间" in html(response)
    assert Station.objects.get(pk=station.pk).latitude is None


def test_keeper_cannot_open_or_change_a_station_elsewhere(client: Any, tree: OrgTree, keeper: Any) -> None:
    other = station_node(parent=tree.town_b, name="画溪服务点")
    login(client, keeper)
    assert client.get(reverse("orgs:station-detail", args=[other.pk])).status_code == 404
    response = client.post(reverse("orgs:station-update", args=[other.pk]), {"address": "别处"})
    assert response.status_code == 404 and Station.objects.get(pk=other.pk).address != "别处"


def test_dispatcher_views_station_but_cannot_change_it(client: Any, tree: OrgTree, station: Station) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.county)
    login(client, dispatcher)
    text = html(client.get(reverse("orgs:station-detail", args=[station.pk])))
    assert "城东服务点" in text and "修改站点信息" not in text and "上传佐证材料" not in text
    response = client.post(reverse("orgs:station-update", args=[station.pk]), {"address": "别处"})
    assert response.status_code == 403 and "无权修改该站点" in html(response)


def test_keeper_uploads_and_downloads_evidence(client: Any, station: Station, keeper: Any) -> None:
    login(client, keeper)
    response = client.post(
        reverse("orgs:evidence-add", args=[station.pk, "logo"]),
        {"ev-logo-file": SimpleUploadedFile("标牌.png", PNG, content_type="image/png"), "ev-logo-note": "门口"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#item-logo")
    evidence = FiveHaveEvidence.objects.get()
    text = html(client.get(reverse("orgs:station-detail", args=[station.pk])))
    assert "标牌.png" in text
    download = client.get(reverse("orgs:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"


def test_evidence_download_checks_the_policy(client: Any, station: Station, keeper: Any, town_b_admin: Any) -> None:
    login(client, keeper).post(
        reverse("orgs:evidence-add", args=[station.pk, "logo"]),
        {"ev-logo-file": SimpleUploadedFile("标牌.png", PNG, content_type="image/png")},
    )
    evidence = FiveHaveEvidence.objects.get()
    client.logout()
    assert client.get(reverse("orgs:evidence-download", args=[evidence.pk])).status_code == 302  # to login
    login(client, town_b_admin)
    assert client.get(reverse("orgs:evidence-download", args=[evidence.pk])).status_code == 404


def test_wrong_evidence_type_shows_message(client: Any, station: Station, keeper: Any) -> None:
    response = login(client, keeper).post(
        reverse("orgs:evidence-add", args=[station.pk, "rules"]),
        {"ev-rules-file": SimpleUploadedFile("run.exe", b"MZ" + b"0" * 10)},
    )
    assert response.status_code == 400 and "不支持的文件类型" in html(response)
    assert not FiveHaveEvidence.objects.exists()


def test_admin_inspects_through_the_page_and_future_date_is_refused(
    client: Any, station: Station, town_a_admin: Any
) -> None:
    login(client, town_a_admin)
    url = reverse("orgs:inspection-add", args=[station.pk, "venue"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"in-venue-inspected_on": tomorrow.isoformat(), "in-venue-result": "pass"})
    assert response.status_code == 400 and "检查日期不能晚于今天" in html(response)
    assert not FiveHaveInspection.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"in-venue-inspected_on": today, "in-venue-result": "fail", "in-venue-notes": "场地狭小"}
    )
    assert response.status_code == 302
    assert FiveHaveInspection.objects.get().inspector == town_a_admin
    assert AuditEntry.objects.filter(target_type="orgs.fivehaveinspection").exists()


def test_keeper_cannot_inspect_own_station_through_the_page(client: Any, station: Station, keeper: Any) -> None:
    login(client, keeper)
    assert "登记检查结果" not in html(client.get(reverse("orgs:station-detail", args=[station.pk])))
    response = client.post(
        reverse("orgs:inspection-add", args=[station.pk, "venue"]),
        {"in-venue-inspected_on": timezone.localdate().isoformat(), "in-venue-result": "pass"},
    )
    assert response.status_code == 403 and not FiveHaveInspection.objects.exists()


def test_unknown_checklist_item_is_404(client: Any, station: Station, town_a_admin: Any) -> None:
    response = login(client, town_a_admin).post(f"/orgs/stations/{station.pk}/items/wifi/inspections/", {})
    assert response.status_code == 404


def test_huge_ids_are_not_found_not_server_errors(client: Any, tree: OrgTree, county_admin: Any) -> None:
    login(client, county_admin)
    assert client.get(f"/orgs/{2**70}/").status_code == 404
    assert client.get(f"/orgs/stations/{2**70}/").status_code == 404
    assert client.get(f"/orgs/evidence/{2**70}/").status_code == 404
