"""Every list page and list endpoint runs the same number of queries for 1 row as for 10."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.orgs.models import FiveHaveKind, OrgKind, Station
from redvest.orgs.tests.factories import OrgTree, inspect, org_node, role_user, station_node

pytestmark = pytest.mark.django_db


def same_queries_for_1_and_10(
    django_assert_num_queries: Any,
    add_rows: Callable[[int], None],
    fetch: Callable[[], Any],
    rows_in: Callable[[Any], int],
) -> None:
    add_rows(1)
    fetch()  # warm caches (session, content types) so both measurements see the same state
    with CaptureQueriesContext(connection) as one:
        response = fetch()
    assert rows_in(response) == 1
    add_rows(9)
    with django_assert_num_queries(len(one.captured_queries)):
        response = fetch()
    assert rows_in(response) == 10


def _count(marker: str) -> Callable[[Any], int]:
    return lambda response: response.content.decode().count(marker)


def _api_count(response: Any) -> int:
    return len(response.json()["items"])


class Rows:
    """Adds numbered rows of one kind, continuing the numbering across calls."""

    def __init__(self, make: Callable[[int], Any]) -> None:
        self.make = make
        self.made = 0

    def __call__(self, n: int) -> None:
        for _ in range(n):
            self.made += 1
            self.make(self.made)


def _station_with_history(parent: Any, i: int) -> Station:
    station = station_node(parent=parent, name=f"服务点{i:02d}")
    inspect(station, FiveHaveKind.LOGO, "fail")
    inspect(station, FiveHaveKind.VENUE, "pass")
    return station


# ---- pages ---------------------------------------------------------------------------------------


def test_tree_page_roots(client: Any, sysadmin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(sysadmin)
    rows = Rows(lambda i: org_node(name=f"县{i:02d}", kind=OrgKind.ORG_DEPT))
    same_queries_for_1_and_10(
        django_assert_num_queries, rows, lambda: client.get(reverse("orgs:node-list")), _count('<li id="node-')
    )


def test_tree_page_search(client: Any, tree: OrgTree, county_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(county_admin)
    rows = Rows(lambda i: org_node(name=f"网格{i:02d}", kind=OrgKind.GRID, parent=tree.community_a))
    same_queries_for_1_and_10(
        django_assert_num_queries,
        rows,
        lambda: client.get(reverse("orgs:node-list"), {"kind": OrgKind.GRID}),
        _count('data-label="名称"'),
    )


def test_tree_children_partial(client: Any, tree: OrgTree, town_a_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(town_a_admin)
    rows = Rows(lambda i: org_node(name=f"网格{i:02d}", kind=OrgKind.GRID, parent=tree.community_a))
    same_queries_for_1_and_10(
        django_assert_num_queries,
        rows,
        lambda: client.get(reverse("orgs:node-children", args=[tree.community_a.pk]), HTTP_HX_REQUEST="true"),
        _count('<li id="node-'),
    )


def test_node_detail_children_and_roles(
    client: Any, tree: OrgTree, town_a_admin: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(town_a_admin)

    def add(i: int) -> None:
        org_node(name=f"网格{i:02d}", kind=OrgKind.GRID, parent=tree.community_a)
        role_user(role=Role.DISPATCHER, org=tree.community_a)

    same_queries_for_1_and_10(
        django_assert_num_queries,
        Rows(add),
        lambda: client.get(reverse("orgs:node-detail", args=[tree.community_a.pk])),
        _count('<li id="node-'),
    )


def test_station_list_page(client: Any, tree: OrgTree, county_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(county_admin)
    rows = Rows(lambda i: _station_with_history(tree.community_a, i))
    same_queries_for_1_and_10(
        django_assert_num_queries,
        rows,
        lambda: client.get(reverse("orgs:station-list"), {"shortfall": "on"}),
        _count('data-label="站点"'),
    )


def test_station_detail_history(client: Any, tree: OrgTree, town_a_admin: Any, django_assert_num_queries: Any) -> None:
    station = station_node(parent=tree.community_a)
    client.force_login(town_a_admin)
    rows = Rows(lambda i: inspect(station, FiveHaveKind.RULES, "pass" if i % 2 else "fail"))
    same_queries_for_1_and_10(
        django_assert_num_queries,
        rows,
        lambda: client.get(reverse("orgs:station-detail", args=[station.pk])),
        _count('data-label="检查人"'),
    )


# ---- API -----------------------------------------------------------------------------------------


def test_api_node_list(client: Any, tree: OrgTree, county_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(county_admin)
    rows = Rows(lambda i: org_node(name=f"网格{i:02d}", kind=OrgKind.GRID, parent=tree.community_a))
    same_queries_for_1_and_10(
        django_assert_num_queries, rows, lambda: client.get("/api/v1/orgs/nodes", {"kind": "grid"}), _api_count
    )


def test_api_station_list(client: Any, tree: OrgTree, county_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(county_admin)
    rows = Rows(lambda i: _station_with_history(tree.community_a, i))
    same_queries_for_1_and_10(
        django_assert_num_queries, rows, lambda: client.get("/api/v1/orgs/stations", {"shortfall": "true"}), _api_count
    )


def test_api_role_list(client: Any, tree: OrgTree, town_a_admin: Any, django_assert_num_queries: Any) -> None:
    client.force_login(town_a_admin)
    rows = Rows(lambda i: role_user(role=Role.MERCHANT, org=tree.community_a))
    same_queries_for_1_and_10(
        django_assert_num_queries,
        rows,
        lambda: client.get(f"/api/v1/orgs/nodes/{tree.community_a.pk}/roles"),
        _api_count,
    )
