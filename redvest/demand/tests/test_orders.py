"""点菜 orders: a community orders from the menu; each line is a part served by its own team (组团);
the order closes when every line does."""

from __future__ import annotations

import datetime

import pytest

from redvest.accounts.models import Role
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.demand.errors import UnknownServiceItem
from redvest.demand.models import MenuOrder, OrderStatus, RequestChannel, RequestStatus, ServiceRequest
from redvest.demand.services import (
    OrderData,
    OrderLine,
    Target,
    callback_record,
    dispatch_complete,
    order_cancel,
    order_create,
    order_dispatch,
)
from redvest.demand.tests.factories import ServiceItemFactory, role_at
from redvest.teams.tests.factories import TeamFactory, leader_login

pytestmark = pytest.mark.django_db


def order_data(county, now, *codes: str, **kw: object) -> OrderData:
    start = now + datetime.timedelta(days=3)
    values: dict[str, object] = {
        "title": "3月25日党员先锋服务日进社区",
        "community_id": county.community_a.pk,
        "place": "城东社区文化礼堂",
        "scheduled_start": start,
        "scheduled_end": start + datetime.timedelta(hours=3),
        "contact_name": "王主任",
        "contact_phone": "13812345678",
        "lines": [OrderLine(c) for c in codes],
    }
    values.update(kw)
    return OrderData(**values)  # type: ignore[arg-type]


@pytest.fixture
def admin(county):
    return role_at(county.community_a, Role.ORG_ADMIN)


def test_each_picked_item_becomes_a_request_due_at_the_booked_time(county, now, admin):
    a, b = ServiceItemFactory(), ServiceItemFactory()
    order = order_create(actor=admin, data=order_data(county, now, a.code, b.code), now=now)
    lines = list(order.requests.order_by("id"))
    assert [r.item for r in lines] == [a, b]
    assert {r.channel for r in lines} == {RequestChannel.MENU}
    assert all(r.area == county.community_a and r.arrival_due_at == order.scheduled_start for r in lines)
    assert all(r.resolution_due_at == order.scheduled_end + datetime.timedelta(hours=24) for r in lines)


def test_bad_order_writes_nothing(county, now, admin):
    item = ServiceItemFactory()
    with pytest.raises(ValidationFailed) as exc:
        order_create(
            actor=admin,
            data=order_data(county, now, item.code, item.code, scheduled_start=now - datetime.timedelta(hours=1)),
            now=now,
        )
    assert {"lines", "scheduled_start"} <= set(exc.value.errors)
    with pytest.raises(UnknownServiceItem):
        order_create(actor=admin, data=order_data(county, now, item.code, "NOPE"), now=now)
    assert not MenuOrder.objects.exists() and not ServiceRequest.objects.exists()


def test_a_community_outside_ones_reach_cannot_be_ordered_for(county, now):
    other = role_at(county.community_c, Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied):
        order_create(actor=other, data=order_data(county, now, ServiceItemFactory().code), now=now)


def test_group_dispatch_and_the_order_closes_when_every_line_does(county, now, admin):
    medical, legal = TeamFactory(org=county.community_a), TeamFactory(org=county.community_b)
    leaders = {medical.pk: leader_login(medical), legal.pk: leader_login(legal)}
    order = order_create(
        actor=admin, data=order_data(county, now, ServiceItemFactory().code, ServiceItemFactory().code), now=now
    )
    first, second = order.requests.order_by("id")
    parts = order_dispatch(
        actor=county.dispatcher,
        order=order,
        assignments={first.pk: [Target("team", medical.pk)], second.pk: [Target("team", legal.pk)]},
        now=now,
    )
    assert {p.team_id for p in parts} == {medical.pk, legal.pk}
    done_at = now + datetime.timedelta(days=3, hours=3)
    dispatch_complete(actor=leaders[medical.pk], dispatch=parts[0], result="义诊50人", now=done_at)
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN
    dispatch_complete(actor=leaders[legal.pk], dispatch=parts[1], result="法律宣传", now=done_at)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_at == done_at
    callback_record(
        actor=county.dispatcher, callback=first.callbacks.get(), rating="unsatisfied", comment="人太少", now=done_at
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_group_dispatch_with_a_foreign_line_writes_nothing(county, now, admin):
    order = order_create(actor=admin, data=order_data(county, now, ServiceItemFactory().code), now=now)
    team = TeamFactory(org=county.community_a)
    with pytest.raises(ValidationFailed):
        order_dispatch(actor=county.dispatcher, order=order, assignments={999999: [Target("team", team.pk)]}, now=now)
    assert not order.requests.get().dispatches.exists()


def test_cancelling_an_order_withdraws_every_open_line(county, now, admin):
    order = order_create(
        actor=admin, data=order_data(county, now, ServiceItemFactory().code, ServiceItemFactory().code), now=now
    )
    order_cancel(actor=county.dispatcher, order=order, reason="天气原因取消", now=now)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert set(order.requests.values_list("status", flat=True)) == {RequestStatus.CANCELLED}
