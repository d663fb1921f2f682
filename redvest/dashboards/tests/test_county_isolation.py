"""Several counties in one deployment (issue 14.6): what each administrator sees of each county.

Roles: province admin, city admin, county A admin, county B admin, town admin in county A. Each county's
rows carry its own marker (甲县… / 乙县…) in the names the pages and lists show; every page and API list
is read as each role and the markers found must be exactly the counties that role looks after. The other
county's node names must not show either (pickers and filters leak them first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from redvest.dashboards.tests.factories import admin_at, county_rows
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import ProvinceTree

pytestmark = pytest.mark.django_db

A, B = "甲县", "乙县"


@dataclass
class World:
    tree: ProvinceTree
    users: dict[str, Any]

    def nodes_of(self, county: str) -> list[OrgNode]:
        t = self.tree
        return [t.county_a, t.town_a, t.community_a] if county == A else [t.county_b, t.town_b, t.community_b]


@pytest.fixture
def world(db: Any) -> World:
    tree = ProvinceTree()
    county_rows(A, tree.town_a, tree.community_a)
    county_rows(B, tree.town_b, tree.community_b)
    users = {
        "province": admin_at(tree.province),
        "city": admin_at(tree.city),
        "county_a": admin_at(tree.county_a),
        "county_b": admin_at(tree.county_b),
        "town_a": admin_at(tree.town_a),
    }
    return World(tree=tree, users=users)


SEES = {"province": {A, B}, "city": {A, B}, "county_a": {A}, "county_b": {B}, "town_a": {A}}

PAGES = [
    "/",
    "/orgs/",
    "/dashboards/",
    "/demand/console/",
    "/demand/walk-in/",
    "/care/",
    "/points/funds/",
    "/volunteers/",
    "/teams/",
    "/activities/manage/",
    "/records/manage/",
    "/records/ranking/",
    "/demand/",
    "/awards/",
    "/dashboards/exports/",
]
API_LISTS = [
    "/api/v1/volunteers/",
    "/api/v1/teams/",
    "/api/v1/activities/manage",
    "/api/v1/records/ranking",
    "/api/v1/demand/requests",
    "/api/v1/awards/campaigns",
    "/api/v1/orgs/nodes",
    "/api/v1/care/recipients",
    "/api/v1/publicity/commitments",
    "/api/v1/dashboards/exports",
]


def _markers(text: str) -> set[str]:
    return {
        m for m in (A, B) if f"{m}志愿者" in text or f"{m}服务队" in text or f"{m}活动" in text or f"{m}求助" in text
    }


def _read(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("role", list(SEES))
def test_each_admin_sees_exactly_their_counties_on_pages_and_api_lists(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    hidden = {A, B} - SEES[role]
    found: dict[str, set[str]] = {}
    for url in PAGES + API_LISTS:
        text = _read(client, url)
        found[url] = _markers(text)
        for county in hidden:
            leaked = [n.name for n in world.nodes_of(county) if n.name in text]
            assert not leaked, (role, url, leaked)
    assert all(markers <= SEES[role] for markers in found.values()), found
    seen_anywhere = set().union(*found.values())
    assert seen_anywhere == SEES[role], found
