from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from redvest.orgs.errors import InvalidMove
from redvest.orgs.models import FiveHaveItem, FiveHaveKind, OrgKind, OrgNode, Station
from redvest.orgs.selectors import subtree
from redvest.orgs.services import node_create, node_delete, node_move, node_update
from redvest.orgs.tests.factories import OrgTree, org_node, role_user, station_node
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _tree_snapshot() -> list[tuple[int, str, int]]:
    return list(OrgNode.objects.order_by("pk").values_list("pk", "path", "numchild"))


# ---- create --------------------------------------------------------------------------------------


def test_org_admin_creates_child_under_own_node_with_audit(tree: OrgTree, town_a_admin: Any) -> None:
    node = node_create(actor=town_a_admin, parent=tree.town_a, name="城西社区", kind=OrgKind.COMMUNITY, code="01")
    assert node.path.startswith(tree.town_a.path) and node.depth == tree.town_a.depth + 1
    entry = AuditEntry.objects.get(target_type="orgs.orgnode", target_id=str(node.pk), action="create")
    assert entry.actor == town_a_admin
    assert entry.after is not None and entry.after["name"] == "城西社区"


def test_creating_a_station_kind_opens_its_station_and_six_items(tree: OrgTree, town_a_admin: Any) -> None:
    node = node_create(actor=town_a_admin, parent=tree.community_a, name="红立方驿站", kind=OrgKind.POST)
    station = Station.objects.get(node=node)
    assert sorted(station.checklist.values_list("kind", flat=True)) == sorted(FiveHaveKind.values)


def test_a_village_is_created_with_its_centre(tree: OrgTree, town_a_admin: Any) -> None:
    node = node_create(
        actor=town_a_admin,
        parent=tree.town_a,
        name="城西村",
        kind=OrgKind.COMMUNITY,
        latitude="30.9312345",
        longitude=119.9,
    )
    node.refresh_from_db()
    assert (node.latitude, node.longitude) == (Decimal("30.931235"), Decimal("119.900000"))


def test_a_centre_needs_both_coordinates_within_range(tree: OrgTree, town_a_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as half:
        node_create(actor=town_a_admin, parent=tree.town_a, name="城西村", kind=OrgKind.COMMUNITY, latitude="30.9")
    assert half.value.errors == {"longitude": "经度和纬度需同时填写"}
    with pytest.raises(ValidationFailed) as out:
        node_update(actor=town_a_admin, node=tree.community_a, latitude="91", longitude="119.9")
    assert out.value.errors == {"latitude": "纬度应在-90到90之间"}
    node_update(actor=town_a_admin, node=tree.community_a, latitude="30.95", longitude="119.91")
    entry = AuditEntry.objects.get(target_id=str(tree.community_a.pk), action="update")
    assert entry.after is not None and "latitude" in entry.after


def test_org_admin_cannot_create_under_other_town(tree: OrgTree, town_a_admin: Any) -> None:
    before = _tree_snapshot()
    with pytest.raises(PermissionDenied):
        node_create(actor=town_a_admin, parent=tree.town_b, name="画溪社区", kind=OrgKind.COMMUNITY)
    assert _tree_snapshot() == before


def test_only_system_admin_creates_a_root(county_admin: Any, sysadmin: Any) -> None:
    with pytest.raises(PermissionDenied):
        node_create(actor=county_admin, parent=None, name="安吉县", kind=OrgKind.ORG_DEPT)
    root = node_create(actor=sysadmin, parent=None, name="安吉县", kind=OrgKind.ORG_DEPT)
    assert root.depth == 1


@pytest.mark.parametrize(
    ("name", "kind", "team_min_size", "field"),
    [
        ("", OrgKind.COMMUNITY, None, "name"),
        ("x" * 101, OrgKind.COMMUNITY, None, "name"),
        ("坏\x00名", OrgKind.COMMUNITY, None, "name"),
        ("新社区", "castle", None, "kind"),
        ("新社区", OrgKind.COMMUNITY, 0, "team_min_size"),
        ("新社区", OrgKind.COMMUNITY, 500, "team_min_size"),
    ],
)
def test_bad_node_input_is_refused_and_writes_nothing(
    tree: OrgTree, town_a_admin: Any, name: str, kind: str, team_min_size: int | None, field: str
) -> None:
    before = _tree_snapshot()
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        node_create(actor=town_a_admin, parent=tree.town_a, name=name, kind=kind, team_min_size=team_min_size)
    assert field in exc.value.errors
    assert _tree_snapshot() == before
    assert AuditEntry.objects.count() == audits


def test_duplicate_sibling_name_is_refused(tree: OrgTree, town_a_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        node_create(actor=town_a_admin, parent=tree.town_a, name="城东社区", kind=OrgKind.COMMUNITY)
    assert exc.value.errors["name"] == "同一上级下已有名为“城东社区”的节点"


def test_station_keeper_cannot_create_under_parent_of_own_station(tree: OrgTree) -> None:
    station = station_node(parent=tree.community_a)
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    with pytest.raises(PermissionDenied):
        node_create(actor=keeper, parent=tree.community_a, name="新驿站", kind=OrgKind.POST)


# ---- update --------------------------------------------------------------------------------------


def test_update_records_before_and_after(tree: OrgTree, town_a_admin: Any) -> None:
    node_update(actor=town_a_admin, node=tree.community_a, code="330522001", team_min_size=7)
    entry = AuditEntry.objects.get(target_id=str(tree.community_a.pk), action="update")
    assert entry.before == {"code": "", "team_min_size": None}
    assert entry.after == {"code": "330522001", "team_min_size": 7}


def test_rename_keeps_siblings_in_name_order(tree: OrgTree, county_admin: Any) -> None:
    names = lambda: list(OrgNode.objects.filter(depth=2).order_by("path").values_list("name", flat=True))  # noqa: E731
    assert names() == sorted(names())
    node_update(actor=county_admin, node=tree.town_b, name="安吉街道")
    assert names() == sorted(names())
    # the renamed node's subtree moved with it
    assert OrgNode.objects.get(pk=tree.community_a.pk).path.startswith(OrgNode.objects.get(pk=tree.town_a.pk).path)


def test_renamed_root_is_sorted_among_roots(tree: OrgTree, sysadmin: Any) -> None:
    org_node(name="安吉县", kind=OrgKind.ORG_DEPT)
    org_node(name="德清县", kind=OrgKind.ORG_DEPT)
    node_update(actor=sysadmin, node=tree.county, name="阿长兴县")
    roots = list(OrgNode.objects.filter(depth=1).order_by("path").values_list("name", flat=True))
    assert roots == sorted(roots)
    county = OrgNode.objects.get(pk=tree.county.pk)
    assert OrgNode.objects.get(pk=tree.community_a.pk).path.startswith(county.path)


def test_station_cannot_become_a_non_station_kind(tree: OrgTree, town_a_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    with pytest.raises(ValidationFailed) as exc:
        node_update(actor=town_a_admin, node=station.node, kind=OrgKind.GRID)
    assert "kind" in exc.value.errors
    assert OrgNode.objects.get(pk=station.pk).kind == OrgKind.SERVICE_POINT


def test_becoming_a_station_opens_the_checklist(tree: OrgTree, town_a_admin: Any) -> None:
    node_update(actor=town_a_admin, node=tree.community_a, kind=OrgKind.BRANCH_STATION)
    assert FiveHaveItem.objects.filter(station__node=tree.community_a).count() == 6


def test_station_keeper_updates_own_station_node_only(tree: OrgTree) -> None:
    station = station_node(parent=tree.community_a)
    keeper = role_user(role=Role.STATION_KEEPER, org=station.node)
    node_update(actor=keeper, node=station.node, code="SP01")
    with pytest.raises(PermissionDenied):
        node_update(actor=keeper, node=tree.community_a, code="X")


def test_dispatcher_cannot_update_nodes(tree: OrgTree) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.county)
    with pytest.raises(PermissionDenied):
        node_update(actor=dispatcher, node=tree.town_a, code="X")


# ---- move ----------------------------------------------------------------------------------------


def test_move_carries_the_subtree_and_is_audited(tree: OrgTree, county_admin: Any) -> None:
    grid = org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    node_move(actor=county_admin, node=tree.community_a, target=tree.town_b)
    town_b = OrgNode.objects.get(pk=tree.town_b.pk)
    community = OrgNode.objects.get(pk=tree.community_a.pk)
    assert community.path.startswith(town_b.path)
    assert OrgNode.objects.get(pk=grid.pk).path.startswith(community.path)
    assert OrgNode.objects.get(pk=tree.town_a.pk).numchild == 0
    assert town_b.numchild == 1
    entry = AuditEntry.objects.get(target_id=str(community.pk), action="update")
    assert entry.before is not None and entry.before["parent_id"] == tree.town_a.pk
    assert entry.after is not None and entry.after["parent_id"] == tree.town_b.pk


def test_move_under_own_descendant_is_refused_and_changes_nothing(tree: OrgTree, county_admin: Any) -> None:
    before = _tree_snapshot()
    with pytest.raises(InvalidMove) as exc:
        node_move(actor=county_admin, node=tree.town_a, target=tree.community_a)
    assert exc.value.message == "不能把节点移动到它自身或它的下级节点之下"
    assert exc.value.field == "target"
    assert _tree_snapshot() == before
    assert not AuditEntry.objects.filter(action="update").exists()


def test_move_under_itself_is_refused(tree: OrgTree, county_admin: Any) -> None:
    with pytest.raises(InvalidMove):
        node_move(actor=county_admin, node=tree.town_a, target=tree.town_a)


def test_move_by_admin_outside_scope_is_refused(tree: OrgTree, town_a_admin: Any, town_b_admin: Any) -> None:
    before = _tree_snapshot()
    with pytest.raises(PermissionDenied):  # the new parent is outside town A
        node_move(actor=town_a_admin, node=tree.community_a, target=tree.town_b)
    with pytest.raises(PermissionDenied):  # the node itself is outside town B
        node_move(actor=town_b_admin, node=tree.community_a, target=tree.town_b)
    assert _tree_snapshot() == before


def test_root_moves_only_for_system_admin(tree: OrgTree, sysadmin: Any) -> None:
    other_root = org_node(name="安吉县", kind=OrgKind.ORG_DEPT)
    admin_of_both = role_user(role=Role.ORG_ADMIN, org=other_root)
    RoleAssignmentFactory(user=admin_of_both, role=Role.ORG_ADMIN, org=tree.county)
    with pytest.raises(PermissionDenied) as exc:
        node_move(actor=admin_of_both, node=other_root, target=tree.county)
    assert "系统管理员" in exc.value.message
    node_move(actor=sysadmin, node=other_root, target=tree.county)
    assert OrgNode.objects.get(pk=other_root.pk).depth == 2


def test_move_to_current_parent_is_refused_with_message(tree: OrgTree, county_admin: Any) -> None:
    with pytest.raises(DomainError) as exc:
        node_move(actor=county_admin, node=tree.community_a, target=tree.town_a)
    assert "已经在" in exc.value.message


# ---- delete --------------------------------------------------------------------------------------


def test_empty_node_is_deleted_with_audit(tree: OrgTree, town_a_admin: Any) -> None:
    grid = org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    parent = node_delete(actor=town_a_admin, node=grid)
    assert parent is not None and parent.pk == tree.community_a.pk
    assert not OrgNode.objects.filter(pk=grid.pk).exists()
    assert OrgNode.objects.get(pk=tree.community_a.pk).numchild == 0
    assert AuditEntry.objects.filter(target_id=str(grid.pk), action="delete").exists()


def test_deleting_a_station_removes_its_checklist(tree: OrgTree, town_a_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    node_delete(actor=town_a_admin, node=station.node)
    assert not Station.objects.filter(pk=station.pk).exists()
    assert not FiveHaveItem.objects.filter(station_id=station.pk).exists()


@pytest.mark.parametrize("blocker", ["children", "volunteer", "team", "role"])
def test_non_empty_node_is_not_deleted(tree: OrgTree, county_admin: Any, blocker: str) -> None:
    node = tree.community_a
    label = {"children": "下级节点", "volunteer": "志愿者", "team": "服务队", "role": "角色分配"}[blocker]
    if blocker == "children":
        org_node(name="一网格", kind=OrgKind.GRID, parent=node)
    elif blocker == "volunteer":
        VolunteerFactory(org=node)
    elif blocker == "team":
        TeamFactory(org=node)
    else:
        role_user(role=Role.DISPATCHER, org=node)
    before = _tree_snapshot()
    with pytest.raises(Conflict) as exc:
        node_delete(actor=county_admin, node=node)
    assert label in exc.value.message and "不能删除" in exc.value.message
    assert _tree_snapshot() == before
    assert not AuditEntry.objects.filter(action="delete").exists()


def test_org_admin_cannot_delete_in_other_town(tree: OrgTree, town_b_admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        node_delete(actor=town_b_admin, node=tree.community_a)
    assert OrgNode.objects.filter(pk=tree.community_a.pk).exists()


def test_subtree_is_one_prefix_query(tree: OrgTree, django_assert_num_queries: Any) -> None:
    org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    with django_assert_num_queries(1):
        names = set(subtree(tree.town_a).values_list("name", flat=True))
    assert names == {"雉城街道", "城东社区", "一网格"}
