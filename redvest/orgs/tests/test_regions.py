"""Province and city nodes above the counties: where they may sit, their GB/T 2260 codes, who creates them."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import UserFactory
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.demand.tests.factories import ServiceItemFactory
from redvest.orgs.forms import label_with_county
from redvest.orgs.models import OrgKind, OrgNode, placement_errors
from redvest.orgs.selectors import county_roots
from redvest.orgs.services import node_create, node_move, node_update
from redvest.orgs.tests.factories import ProvinceTree, org_node, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ptree(db: Any) -> ProvinceTree:
    return ProvinceTree()


@pytest.fixture
def province_admin(ptree: ProvinceTree) -> Any:
    return role_user(role=Role.ORG_ADMIN, org=ptree.province)


# ---- the pure rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "parent_kind", "parent_code", "field"),
    [
        (OrgKind.PROVINCE, "330000", None, "", None),
        (OrgKind.PROVINCE, "330000", OrgKind.CITY, "330500", "kind"),
        (OrgKind.PROVINCE, "330500", None, "", "code"),
        (OrgKind.CITY, "330500", OrgKind.PROVINCE, "330000", None),
        (OrgKind.CITY, "330500", None, "", None),
        (OrgKind.CITY, "330500", OrgKind.ORG_DEPT, "330522", "kind"),
        (OrgKind.CITY, "320500", OrgKind.PROVINCE, "330000", "code"),
        (OrgKind.CITY, "330000", OrgKind.PROVINCE, "330000", "code"),
        (OrgKind.ORG_DEPT, "330522", OrgKind.CITY, "330500", None),
        (OrgKind.ORG_DEPT, "330622", OrgKind.CITY, "330500", "code"),
        (OrgKind.ORG_DEPT, "", OrgKind.CITY, "330500", "code"),
        (OrgKind.ORG_DEPT, "33052２", OrgKind.CITY, "330500", "code"),
        (OrgKind.ORG_DEPT, "330181", OrgKind.PROVINCE, "330000", None),
        (OrgKind.HOTLINE, "", OrgKind.CITY, "330500", None),
        (OrgKind.TOWN, "", OrgKind.CITY, "330500", "kind"),
        (OrgKind.TOWN, "", OrgKind.ORG_DEPT, "330522", None),
        (OrgKind.ORG_DEPT, "", OrgKind.ORG_DEPT, "330522", None),  # 县直机关工委 under its county, no code needed
        (OrgKind.ORG_DEPT, "", None, "", None),  # a single-county deployment as before
    ],
)
def test_placement_rules(kind: str, code: str, parent_kind: str | None, parent_code: str, field: str | None) -> None:
    errors = placement_errors(kind=kind, code=code, parent_kind=parent_kind, parent_code=parent_code)
    assert list(errors) == ([field] if field else [])
    assert all(not message.isascii() for message in errors.values())


# ---- services ------------------------------------------------------------------------------------


def test_system_admin_creates_a_province_and_province_admin_a_city_and_county(db: Any) -> None:
    sysadmin = UserFactory(is_superuser=True)
    province = node_create(actor=sysadmin, parent=None, name="浙江省委组织部", kind=OrgKind.PROVINCE, code="330000")
    admin = role_user(role=Role.ORG_ADMIN, org=province)
    city = node_create(actor=admin, parent=province, name="湖州市委组织部", kind=OrgKind.CITY, code="330500")
    county = node_create(actor=admin, parent=city, name="德清县委组织部", kind=OrgKind.ORG_DEPT, code="330521")
    assert county.path.startswith(city.path) and city.path.startswith(province.path)
    assert county.get_kind_display() == "县委组织部/机关工委" and city.get_kind_display() == "市委组织部"


def test_a_county_admin_cannot_create_a_sibling_county(ptree: ProvinceTree) -> None:
    county_admin = role_user(role=Role.ORG_ADMIN, org=ptree.county_a)
    with pytest.raises(PermissionDenied):
        node_create(actor=county_admin, parent=ptree.city, name="德清县委组织部", kind=OrgKind.ORG_DEPT, code="330521")


def test_a_town_cannot_hang_off_a_city_and_a_county_needs_its_code(ptree: ProvinceTree, province_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as town:
        node_create(actor=province_admin, parent=ptree.city, name="某街道", kind=OrgKind.TOWN)
    assert town.value.errors == {"kind": "市委组织部之下只能设县委组织部/机关工委、热线中心"}
    with pytest.raises(ValidationFailed) as county:
        node_create(actor=province_admin, parent=ptree.city, name="德清县委组织部", kind=OrgKind.ORG_DEPT)
    assert "code" in county.value.errors
    assert not OrgNode.objects.filter(name__in=["某街道", "德清县委组织部"]).exists()


def test_a_county_cannot_take_a_code_from_another_city(ptree: ProvinceTree, province_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        node_update(actor=province_admin, node=ptree.county_b, code="330681")
    assert exc.value.errors == {"code": "行政区划代码应与上级市（330500）的前四位一致"}
    ptree.county_b.refresh_from_db()
    assert ptree.county_b.code == "330523"


def test_a_node_with_towns_below_cannot_become_a_city(ptree: ProvinceTree, province_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        node_update(actor=province_admin, node=ptree.county_a, kind=OrgKind.CITY, code="330600")
    assert "kind" in exc.value.errors


def test_a_town_cannot_move_under_a_city(ptree: ProvinceTree, province_admin: Any) -> None:
    with pytest.raises(DomainError) as exc:
        node_move(actor=province_admin, node=ptree.town_a, target=ptree.city)
    assert exc.value.field == "target" and "市委组织部之下只能设" in exc.value.message
    moved = node_move(actor=province_admin, node=ptree.town_a, target=ptree.county_b)
    assert moved.path.startswith(ptree.county_b.path)


def test_an_existing_county_root_moves_under_a_new_city(db: Any) -> None:
    sysadmin = UserFactory(is_superuser=True)
    county = org_node(name="长兴县委组织部", kind=OrgKind.ORG_DEPT, code="330522")
    city = node_create(actor=sysadmin, parent=None, name="湖州市委组织部", kind=OrgKind.CITY, code="330500")
    moved = node_move(actor=sysadmin, node=county, target=city)
    assert moved.depth == 2 and moved.path.startswith(city.path)


def test_api_creates_a_city_and_refuses_a_bad_code_naming_the_field(
    client: Any, ptree: ProvinceTree, province_admin: Any
) -> None:
    client.force_login(province_admin)
    url = "/api/v1/orgs/nodes"
    bad = client.post(
        url,
        {"parent_id": ptree.province.pk, "name": "嘉兴市委组织部", "kind": "city", "code": "33040"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "code" in bad.json()["errors"]
    assert not OrgNode.objects.filter(name="嘉兴市委组织部").exists()
    good = client.post(
        url,
        {"parent_id": ptree.province.pk, "name": "嘉兴市委组织部", "kind": "city", "code": "330400"},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["kind"] in ("city", "市委组织部")


# ---- residents pick their county ---------------------------------------------------------------


def test_county_roots_are_the_county_depts_under_a_city_or_province(ptree: ProvinceTree) -> None:
    org_node(name="县直机关工委", kind=OrgKind.ORG_DEPT, parent=ptree.county_a)
    assert [n.name for n in county_roots()] == ["安吉县委组织部", "长兴县委组织部"]  # siblings in name order


def test_public_pickers_name_the_county_when_there_are_several(ptree: ProvinceTree, client: Any) -> None:
    item = ServiceItemFactory()
    page = client.get(f"/demand/help/?item={item.pk}").content.decode()
    assert "长兴县 · 城东社区" in page and "安吉县 · 古城社区" in page


def test_a_single_county_keeps_plain_labels(tree: Any) -> None:
    field = forms.ModelChoiceField(queryset=OrgNode.objects.filter(kind=OrgKind.COMMUNITY))
    label_with_county(field)
    assert [label for _value, label in field.choices][1:] == ["城东社区"]
