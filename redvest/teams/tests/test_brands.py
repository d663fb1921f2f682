"""Brand projects (品牌项目): owner unit within the actor's subtree, teams within their scope; pages."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import BrandProject
from redvest.teams.services import BrandData, brand_create, brand_update
from redvest.teams.tests.factories import (
    BrandProjectFactory,
    TeamFactory,
    leader_login,
    org_admin_at,
    volunteer_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def test_org_admin_creates_brand_with_teams_of_the_subtree(tree: OrgTree) -> None:
    team = TeamFactory(org=tree.community_a)
    brand = brand_create(
        actor=org_admin_at(tree.town_a),
        data=BrandData(name="爱心接力", owner_id=tree.town_a.pk, description="助老服务", team_ids=[team.pk]),
    )
    assert list(brand.teams.all()) == [team]
    entry = AuditEntry.objects.get(target_type="teams.brandproject")
    assert entry.after is not None and entry.after["team_ids"] == [team.pk]


def test_brand_owner_outside_subtree_is_refused(tree: OrgTree) -> None:
    with pytest.raises(PermissionDenied):
        brand_create(actor=org_admin_at(tree.town_a), data=BrandData(name="合之队", owner_id=tree.town_b.pk))
    assert not BrandProject.objects.exists()


def test_brand_with_team_outside_scope_or_dissolved_is_refused(tree: OrgTree) -> None:
    admin = org_admin_at(tree.town_a)
    for team in (TeamFactory(org=tree.town_b), TeamFactory(org=tree.town_a, is_active=False)):
        with pytest.raises(ValidationFailed) as exc:
            brand_create(actor=admin, data=BrandData(name="合之队", owner_id=tree.town_a.pk, team_ids=[team.pk]))
        assert "teams" in exc.value.errors
    assert not BrandProject.objects.exists()


def test_duplicate_brand_name_for_the_same_owner_is_refused(tree: OrgTree) -> None:
    BrandProjectFactory(owner=tree.town_a, name="合之队")
    with pytest.raises(ValidationFailed) as exc:
        brand_create(actor=org_admin_at(tree.town_a), data=BrandData(name="合之队", owner_id=tree.town_a.pk))
    assert "name" in exc.value.errors


def test_update_keeps_teams_already_in_the_brand(tree: OrgTree) -> None:
    outside = TeamFactory(org=tree.town_b)
    brand = BrandProjectFactory(owner=tree.town_a)
    brand.teams.add(outside)
    inside = TeamFactory(org=tree.town_a)
    data = dataclasses.replace(BrandData.of(brand), description="新简介", team_ids=[outside.pk, inside.pk])
    brand_update(actor=org_admin_at(tree.town_a), brand=brand, data=data)
    assert set(brand.teams.all()) == {outside, inside}


def test_team_leader_cannot_change_a_brand(tree: OrgTree) -> None:
    brand = BrandProjectFactory(owner=tree.town_a)
    with pytest.raises(PermissionDenied):
        brand_update(actor=leader_login(TeamFactory(org=tree.town_a)), brand=brand, data=BrandData.of(brand))


# ---- pages -----------------------------------------------------------------------------------


def test_brand_pages_create_detail_edit(client: Client, tree: OrgTree) -> None:
    team = TeamFactory(org=tree.town_a, name="城东支队")
    client.force_login(org_admin_at(tree.town_a))
    assert client.get(reverse("teams:brand-create")).status_code == 200
    response = client.post(
        reverse("teams:brand-create"),
        {"name": "合之队", "owner": tree.town_a.pk, "description": "组团服务", "teams": [team.pk]},
    )
    brand = BrandProject.objects.get()
    assert response.status_code == 302
    html = client.get(reverse("teams:brand-detail", args=[brand.pk])).content.decode()
    assert "合之队" in html and "城东支队" in html and "编辑" in html and "!!MISSING" not in html
    response = client.post(
        reverse("teams:brand-edit", args=[brand.pk]), {"name": "合之队", "owner": tree.town_a.pk, "description": "新"}
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert brand.description == "新" and not brand.teams.exists()


def test_brand_form_shows_the_duplicate_name_message(client: Client, tree: OrgTree) -> None:
    BrandProjectFactory(owner=tree.town_a, name="合之队")
    client.force_login(org_admin_at(tree.town_a))
    response = client.post(reverse("teams:brand-create"), {"name": "合之队", "owner": tree.town_a.pk})
    assert response.status_code == 400
    assert "该单位已有同名品牌项目" in response.content.decode()


def test_volunteer_sees_brands_but_cannot_edit(client: Client, tree: OrgTree) -> None:
    brand = BrandProjectFactory(owner=tree.town_b, name="爱心接力")
    client.force_login(volunteer_login(tree.town_a))
    assert "爱心接力" in client.get(reverse("teams:brand-list")).content.decode()
    html = client.get(reverse("teams:brand-detail", args=[brand.pk])).content.decode()
    assert "编辑</a>" not in html
    assert client.get(reverse("teams:brand-edit", args=[brand.pk])).status_code == 404


def test_brand_list_page_query_count_is_the_same_for_1_and_10_brands(
    client: Client,
    tree: OrgTree,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    BrandProjectFactory(owner=tree.town_a).teams.add(TeamFactory(org=tree.town_a))
    client.force_login(org_admin_at(tree.county))
    url = reverse("teams:brand-list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for brand in BrandProjectFactory.create_batch(9, owner=tree.town_b):
        brand.teams.add(TeamFactory(org=tree.town_b))
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert "!!MISSING" not in html
