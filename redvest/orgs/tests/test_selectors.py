from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.selectors import node_roles
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.core.errors import NotFound, PermissionDenied
from redvest.orgs.models import FiveHaveKind, InspectionResult, OrgKind, Station
from redvest.orgs.selectors import (
    node_children,
    node_counts,
    node_detail,
    node_get,
    node_move_targets,
    node_roots,
    node_search,
    station_detail,
    station_list,
    subtree_ids,
    team_min_size_for,
)
from redvest.orgs.tests.factories import OrgTree, inspect, org_node, pass_all, role_user, station_node
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import VolunteerStatus
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

PASS, FAIL = InspectionResult.PASS, InspectionResult.FAIL


def _today() -> datetime.date:
    return timezone.localdate()


def _by_path(*nodes: Any) -> list[Any]:
    return sorted(nodes, key=lambda n: n.path)


def _days_ago(n: int) -> datetime.date:
    return _today() - datetime.timedelta(days=n)


# ---- tree ----------------------------------------------------------------------------------------


def test_roots_of_town_admin_are_their_town(tree: OrgTree, town_a_admin: Any) -> None:
    assert list(node_roots(user=town_a_admin)) == [tree.town_a]


def test_roots_are_only_the_highest_of_nested_grants(tree: OrgTree, town_a_admin: Any) -> None:
    RoleAssignmentFactory(user=town_a_admin, role=Role.DISPATCHER, org=tree.community_a)
    RoleAssignmentFactory(user=town_a_admin, role=Role.DISPATCHER, org=tree.town_b)
    assert list(node_roots(user=town_a_admin)) == _by_path(tree.town_a, tree.town_b)


def test_roots_of_system_admin_are_the_tree_roots(tree: OrgTree, sysadmin: Any) -> None:
    other = org_node(name="安吉县", kind=OrgKind.ORG_DEPT)
    assert set(node_roots(user=sysadmin)) == {tree.county, other}


def test_children_are_one_level_and_scoped(tree: OrgTree, town_a_admin: Any, county_admin: Any) -> None:
    org_node(name="一网格", kind=OrgKind.GRID, parent=tree.community_a)
    assert list(node_children(user=county_admin, node=tree.county)) == _by_path(tree.town_a, tree.town_b)
    assert list(node_children(user=town_a_admin, node=tree.county)) == [tree.town_a]  # not town B
    assert list(node_children(user=town_a_admin, node=tree.town_a)) == [tree.community_a]


def test_town_admin_cannot_get_other_town(tree: OrgTree, town_a_admin: Any) -> None:
    with pytest.raises(NotFound):
        node_get(user=town_a_admin, node_id=tree.town_b.pk)
    with pytest.raises(NotFound):
        node_get(user=town_a_admin, node_id=2**70)


def test_node_get_carries_parent_id(tree: OrgTree, town_a_admin: Any) -> None:
    assert node_get(user=town_a_admin, node_id=tree.community_a.pk).parent_id == tree.town_a.pk  # type: ignore[attr-defined]


def test_search_filters_by_kind_name_and_parent(tree: OrgTree, county_admin: Any) -> None:
    assert list(node_search(user=county_admin, kind=OrgKind.TOWN)) == _by_path(tree.town_a, tree.town_b)
    assert list(node_search(user=county_admin, q="城东")) == [tree.community_a]
    assert list(node_search(user=county_admin, parent=tree.town_a)) == [tree.community_a]


def test_counts_cover_the_whole_subtree(tree: OrgTree) -> None:
    station_node(parent=tree.community_a)
    station_node(parent=tree.town_b, name="画溪服务点")
    TeamFactory(org=tree.community_a)
    TeamFactory(org=tree.town_a, is_active=False)
    VolunteerFactory(org=tree.community_a)
    VolunteerFactory(org=tree.town_a)
    VolunteerFactory(org=tree.town_a, status=VolunteerStatus.DEREGISTERED)
    VolunteerFactory(org=tree.town_b)
    counts = node_counts(tree.town_a)
    assert (counts.children, counts.stations, counts.teams, counts.volunteers) == (1, 1, 1, 2)


def test_detail_hides_roles_from_non_administrators(tree: OrgTree) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.town_a)
    detail = node_detail(user=dispatcher, node_id=tree.town_a.pk)
    assert not detail.can_change and not detail.can_administer
    with pytest.raises(PermissionDenied):
        node_roles(user=dispatcher, node=tree.town_a)


def test_detail_ancestors_are_the_visible_path(tree: OrgTree, county_admin: Any, town_a_admin: Any) -> None:
    assert node_detail(user=county_admin, node_id=tree.community_a.pk).ancestors == [tree.county, tree.town_a]
    assert node_detail(user=town_a_admin, node_id=tree.community_a.pk).ancestors == [tree.town_a]


def test_move_targets_are_manageable_nodes_outside_own_subtree(tree: OrgTree, county_admin: Any) -> None:
    targets = node_move_targets(user=county_admin, node=tree.town_a)
    assert tree.town_a not in targets and tree.community_a not in targets
    assert tree.county in targets and tree.town_b in targets


def test_team_min_size_comes_from_the_nearest_setting(tree: OrgTree) -> None:
    assert team_min_size_for(tree.community_a) == 5
    tree.county.team_min_size = 7
    tree.county.save()
    assert team_min_size_for(tree.community_a) == 7
    tree.town_a.team_min_size = 6
    tree.town_a.save()
    assert team_min_size_for(tree.community_a) == 6


def test_subtree_ids_is_a_subquery(tree: OrgTree) -> None:
    from redvest.orgs.models import OrgNode

    assert set(OrgNode.objects.filter(pk__in=subtree_ids(tree.town_a)).values_list("name", flat=True)) == {
        "雉城街道",
        "城东社区",
    }


# ---- shortfall -----------------------------------------------------------------------------------


def _shortfall_ids(user: Any) -> set[int]:
    return set(station_list(user=user, shortfall_only=True).values_list("pk", flat=True))


def test_station_without_inspections_falls_short(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    assert _shortfall_ids(county_admin) == {station.pk}
    row = station_list(user=county_admin).get()
    assert row.falls_short and [s.result for s in row.fivehave_status] == [None] * 6


def test_station_with_one_item_uninspected_falls_short(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    for kind in FiveHaveKind:
        if kind != FiveHaveKind.FUNDS:
            inspect(station, kind, PASS)
    assert _shortfall_ids(county_admin) == {station.pk}
    row = station_list(user=county_admin).get()
    assert [s.kind for s in row.fivehave_status if not s.passed] == [FiveHaveKind.FUNDS]


def test_latest_fail_falls_short(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    pass_all(station, on=_days_ago(30))
    inspect(station, FiveHaveKind.RECORDS, FAIL, on=_days_ago(1))
    assert _shortfall_ids(county_admin) == {station.pk}


def test_latest_pass_after_earlier_fail_meets_the_standard(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    for kind in FiveHaveKind:
        inspect(station, kind, FAIL, on=_days_ago(10))
    pass_all(station, on=_days_ago(2))
    assert _shortfall_ids(county_admin) == set()
    assert not station_list(user=county_admin).get().falls_short


def test_latest_is_by_inspection_date_not_entry_order(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    pass_all(station, on=_days_ago(1))
    inspect(station, FiveHaveKind.LOGO, FAIL, on=_days_ago(20))  # a late-entered old finding
    assert _shortfall_ids(county_admin) == set()


def test_same_day_inspections_take_the_last_entered(tree: OrgTree, county_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    pass_all(station)
    inspect(station, FiveHaveKind.TEAM, FAIL)
    assert _shortfall_ids(county_admin) == {station.pk}


def test_station_list_filters_by_org_and_kind(tree: OrgTree, county_admin: Any) -> None:
    point = station_node(parent=tree.community_a)
    post = station_node(parent=tree.town_b, name="画溪驿站", kind=OrgKind.POST)
    assert [s.pk for s in station_list(user=county_admin, org_id=tree.town_a.pk)] == [point.pk]
    assert [s.pk for s in station_list(user=county_admin, kind=OrgKind.POST)] == [post.pk]
    assert list(station_list(user=county_admin, org_id=2**70)) == []


def test_station_list_is_scoped(tree: OrgTree, town_b_admin: Any) -> None:
    station_node(parent=tree.community_a)
    mine = station_node(parent=tree.town_b, name="画溪服务点")
    assert [s.pk for s in station_list(user=town_b_admin)] == [mine.pk]


def test_station_detail_lists_six_items_in_checklist_order_with_history(tree: OrgTree, town_a_admin: Any) -> None:
    station = station_node(parent=tree.community_a)
    inspect(station, FiveHaveKind.VENUE, FAIL, on=_days_ago(5))
    inspect(station, FiveHaveKind.VENUE, PASS, on=_days_ago(1))
    detail = station_detail(user=town_a_admin, station_id=station.pk)
    assert [e.kind for e in detail.checklist] == FiveHaveKind.values
    venue = detail.checklist[1]
    assert [i.result for i in venue.inspections] == [PASS, FAIL] and venue.passed
    assert detail.falls_short and detail.can_change and detail.can_inspect


def test_station_detail_of_a_station_without_items_shows_six_empty_items(tree: OrgTree, county_admin: Any) -> None:
    bare = Station.objects.create(node=tree.community_a)
    detail = station_detail(user=county_admin, station_id=bare.pk)
    assert len(detail.checklist) == 6 and all(e.latest is None for e in detail.checklist)
