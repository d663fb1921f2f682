"""服装装备: stock per station moved only through the ledger; issue, return (完好 back into stock, 损坏
not), lost; who holds what; per role, on pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.equipment.errors import MovementAppendOnly, NotEnoughStock, NotHeld
from redvest.equipment.models import MovementKind, StationStock, StockMovement
from redvest.equipment.selectors import holdings
from redvest.equipment.services import MovementData, item_create, stock_move
from redvest.equipment.tests.factories import EquipmentItemFactory
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import OrgTree, org_node, role_user
from redvest.teams.tests.factories import org_admin_at, volunteer_login

pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.tree = OrgTree()
        self.station = org_node(name="城东服务点", kind=OrgKind.SERVICE_POINT, parent=self.tree.community_a)
        self.far_station = org_node(name="画溪服务点", kind=OrgKind.SERVICE_POINT, parent=self.tree.town_b)
        self.keeper = role_user(role=Role.STATION_KEEPER, org=self.station)
        self.admin = org_admin_at(self.tree.town_a)
        self.county_admin = org_admin_at(self.tree.county)
        self.other_admin = org_admin_at(self.tree.town_b)
        self.volunteer_user = volunteer_login(self.tree.community_a)
        self.volunteer = self.volunteer_user.volunteer
        self.vest = EquipmentItemFactory(name="红马甲")


@pytest.fixture
def w(db: Any) -> World:
    return World()


def move(w: World, kind: str, quantity: int, *, actor: Any = None, **kw: Any) -> StockMovement:
    data = MovementData(kind=kind, item_id=w.vest.pk, quantity=quantity, **kw)
    return stock_move(actor=actor or w.keeper, station=w.station, data=data)


def on_hand(w: World) -> int:
    return StationStock.objects.get(station=w.station, item=w.vest).on_hand


def test_keeper_receives_issues_and_takes_back_through_the_ledger(w: World) -> None:
    number = w.volunteer.number
    move(w, MovementKind.RECEIVE, 10)
    issued = move(w, MovementKind.ISSUE, 3, volunteer_number=number)
    assert issued.balance_after == 7 and on_hand(w) == 7
    move(w, MovementKind.RETURN, 1, volunteer_number=number, condition="good")
    move(w, MovementKind.RETURN, 1, volunteer_number=number, condition="damaged")
    move(w, MovementKind.LOST, 1, volunteer_number=number)
    assert on_hand(w) == 8  # the damaged one is not back in stock, the lost one never was
    assert holdings(volunteer=w.volunteer) == []
    assert list(StockMovement.objects.order_by("id").values_list("stock_delta", flat=True)) == [10, -3, 1, 0, 0]
    assert AuditEntry.objects.filter(action="create", org=w.station).count() == 5


def test_no_issue_beyond_stock_and_no_return_beyond_holding(w: World) -> None:
    move(w, MovementKind.RECEIVE, 2)
    with pytest.raises(NotEnoughStock):
        move(w, MovementKind.ISSUE, 3, volunteer_number=w.volunteer.number)
    move(w, MovementKind.ISSUE, 1, volunteer_number=w.volunteer.number)
    with pytest.raises(NotHeld):
        move(w, MovementKind.RETURN, 2, volunteer_number=w.volunteer.number, condition="good")
    held = holdings(volunteer=w.volunteer)
    assert [(h.item_name, h.quantity, h.station_name) for h in held] == [("红马甲", 1, "城东服务点")]


def test_fields_are_named_together(w: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        stock_move(actor=w.keeper, station=w.station, data=MovementData(kind="return", item_id=None, quantity=0))
    assert {"item", "quantity", "volunteer", "condition"} <= set(caught.value.errors)
    assert not StockMovement.objects.exists()


def test_only_keeper_and_admins_over_the_station_move_stock(w: World) -> None:
    for user in (w.volunteer_user, w.other_admin):
        with pytest.raises(PermissionDenied):
            move(w, MovementKind.RECEIVE, 1, actor=user)
    with pytest.raises(PermissionDenied):
        stock_move(
            actor=w.keeper, station=w.far_station, data=MovementData(kind="receive", item_id=w.vest.pk, quantity=1)
        )
    move(w, MovementKind.RECEIVE, 1, actor=w.admin)


def test_ledger_rows_are_never_edited(w: World) -> None:
    row = move(w, MovementKind.RECEIVE, 1)
    row.quantity = 5
    with pytest.raises(MovementAppendOnly):
        row.save()
    with pytest.raises(MovementAppendOnly):
        StockMovement.objects.filter(pk=row.pk).delete()


def test_catalog_is_for_county_admins(w: World) -> None:
    with pytest.raises(PermissionDenied):
        item_create(actor=w.admin, name="手电筒")
    assert item_create(actor=w.county_admin, name="手电筒", unit="把").unit == "把"
    with pytest.raises(ValidationFailed) as caught:
        item_create(actor=w.county_admin, name="手电筒")
    assert caught.value.errors == {"name": "已有同名品类"}


def test_volunteer_sees_what_they_hold_from_their_home_page(client: Client, w: World) -> None:
    move(w, MovementKind.RECEIVE, 5)
    move(w, MovementKind.ISSUE, 2, volunteer_number=w.volunteer.number)
    client.force_login(w.volunteer_user)
    assert reverse("equipment:home") in client.get("/").content.decode()
    page = client.get(reverse("equipment:home")).content.decode()
    assert "红马甲" in page and "2 件" in page
    mine = client.get("/api/v1/equipment/mine").json()
    assert mine["items"][0]["quantity"] == 2
    station = client.get(reverse("equipment:station", args=[w.station.pk])).content.decode()
    assert "登记入库" not in station  # stations are public; the volunteer only reads
    assert ">发放<" in station and ">入库<" not in station  # and sees only their own ledger rows


def test_keeper_uses_the_station_page_and_sees_errors_on_fields(client: Client, w: World) -> None:
    client.force_login(w.keeper)
    url = reverse("equipment:station", args=[w.station.pk])
    assert client.post(url, {"kind": "receive", "item": w.vest.pk, "quantity": 4}).status_code == 302
    bad = client.post(url, {"kind": "issue", "item": w.vest.pk, "quantity": 9, "volunteer_number": w.volunteer.number})
    assert bad.status_code == 409 and "红马甲库存仅4件" in bad.content.decode()
    page = client.get(url).content.decode()
    assert "入库" in page and "4 件" in page


def test_api_moves_and_answers_422_naming_fields(client: Client, w: World) -> None:
    client.force_login(w.keeper)
    url = f"/api/v1/equipment/stations/{w.station.pk}/movements"
    wrong = client.post(url, {"kind": "receive", "item": w.vest.pk, "quantity": -1}, content_type="application/json")
    assert wrong.status_code == 422 and "quantity" in wrong.json()["errors"]
    missing = client.post(url, {"kind": "issue", "item": w.vest.pk, "quantity": 1}, content_type="application/json")
    assert missing.status_code == 400 and "volunteer" in missing.json()["errors"]
    ok = client.post(url, {"kind": "receive", "item": w.vest.pk, "quantity": 3}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["balance_after"] == 3
    stock = client.get(f"/api/v1/equipment/stations/{w.station.pk}/stock").json()
    assert stock["items"] == [{"item_id": w.vest.pk, "item_name": "红马甲", "unit": "件", "on_hand": 3}]
    client.force_login(w.admin)
    assert client.get(f"/api/v1/equipment/volunteers/{w.volunteer.pk}/holdings").json()["count"] == 0
    client.force_login(w.other_admin)
    assert client.get(f"/api/v1/equipment/stations/{w.station.pk}/movements").status_code == 404


def test_ledger_lists_cost_the_same_for_one_and_ten_rows(client: Client, w: World) -> None:
    client.force_login(w.keeper)
    urls = [reverse("equipment:station", args=[w.station.pk]), f"/api/v1/equipment/stations/{w.station.pk}/movements"]

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    move(w, MovementKind.RECEIVE, 20)
    move(w, MovementKind.ISSUE, 1, volunteer_number=w.volunteer.number)
    before = [count(u) for u in urls]
    for _ in range(9):
        move(w, MovementKind.ISSUE, 1, volunteer_number=w.volunteer.number)
    assert [count(u) for u in urls] == before


def test_volunteer_record_page_shows_what_they_hold(client: Client, w: World) -> None:
    move(w, MovementKind.RECEIVE, 5)
    move(w, MovementKind.ISSUE, 2, volunteer_number=w.volunteer.number)
    client.force_login(w.admin)
    page = client.get(reverse("volunteers:volunteer-detail", args=[w.volunteer.pk])).content.decode()
    assert "领用的服装装备" in page and "红马甲 2 件" in page
