"""Intake: hotline, walk-in, web and order lines become numbered requests with absolute due times."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from redvest.accounts.models import Role
from redvest.accounts.services import user_set_phone
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.demand.errors import IdempotencyConflict, LocationRequired, UnknownServiceItem
from redvest.demand.models import (
    EventKind,
    RequestChannel,
    RequestStatus,
    Resident,
    ServiceItem,
    ServiceRequest,
)
from redvest.demand.services import RequestData, request_create
from redvest.demand.tests.factories import CITY, ResidentFactory, ServiceAttributeFactory, ServiceItemFactory, role_at

pytestmark = pytest.mark.django_db


def call(item: ServiceItem, **kw: object) -> RequestData:
    values: dict[str, object] = {
        "item_code": item.code,
        "description": "老人独居，水管爆裂",
        "address": "城东路8号",
        "caller_phone": "13800138000",
        "caller_name": "张阿姨",
    }
    values.update(kw)
    return RequestData(**values)  # type: ignore[arg-type]


def test_hotline_call_gets_a_number_and_absolute_due_times(county, now):
    item = ServiceItemFactory(arrival_minutes=30, resolution_minutes=24 * 60)
    intake = request_create(actor=county.dispatcher, channel=RequestChannel.HOTLINE, data=call(item), now=now)
    r = intake.request
    assert intake.created
    assert r.number == "202603040001"
    assert r.arrival_due_at == now + datetime.timedelta(minutes=30)
    assert r.resolution_due_at == now + datetime.timedelta(hours=24)
    assert r.status == RequestStatus.PENDING
    assert r.intake_org == county.hotline
    assert r.events.get().kind == EventKind.CREATED
    assert AuditEntry.objects.filter(target_type="demand.servicerequest", target_id=str(r.pk)).exists()


def test_numbers_count_up_within_a_day_and_restart_the_next(county, now):
    item = ServiceItemFactory()
    first = request_create(actor=county.dispatcher, channel="hotline", data=call(item), now=now).request
    second = request_create(actor=county.dispatcher, channel="hotline", data=call(item), now=now).request
    tomorrow = request_create(
        actor=county.dispatcher, channel="hotline", data=call(item), now=now + datetime.timedelta(days=1)
    ).request
    assert (first.number, second.number, tomorrow.number) == ("202603040001", "202603040002", "202603050001")


def test_known_caller_is_found_by_phone_and_updated_not_duplicated(county, now):
    resident = ResidentFactory(raw_phone="13800138000", name="张阿姨", address="旧地址")
    item = ServiceItemFactory()
    r = request_create(
        actor=county.dispatcher, channel="hotline", data=call(item, address="城东路9号"), now=now
    ).request
    assert r.resident == resident
    assert Resident.objects.count() == 1
    resident.refresh_from_db()
    assert resident.address == "城东路9号"


def test_same_idempotency_key_makes_one_request(county, now):
    item = ServiceItemFactory()
    data = call(item, idempotency_key="form-123")
    first = request_create(actor=county.dispatcher, channel="hotline", data=data, now=now)
    again = request_create(actor=county.dispatcher, channel="hotline", data=data, now=now)
    assert first.created and not again.created
    assert again.request.pk == first.request.pk
    assert ServiceRequest.objects.count() == 1


def test_same_key_through_another_channel_is_refused(county, now):
    item = ServiceItemFactory()
    admin = role_at(county.county, Role.ORG_ADMIN)
    request_create(actor=admin, channel="hotline", data=call(item, idempotency_key="k1"), now=now)
    with pytest.raises(IdempotencyConflict):
        request_create(
            actor=admin, channel="walk_in", data=call(item, idempotency_key="k1"), now=now, station=county.station_a
        )


def test_unknown_service_code_is_refused_and_writes_nothing(county, now):
    with pytest.raises(UnknownServiceItem) as exc:
        request_create(actor=county.dispatcher, channel="hotline", data=call(ServiceItem(code="NOPE")), now=now)
    assert "NOPE" in exc.value.message
    assert not ServiceRequest.objects.exists() and not Resident.objects.exists()


def test_inactive_item_cannot_be_ordered(county, now):
    item = ServiceItemFactory(is_active=False)
    with pytest.raises(UnknownServiceItem):
        request_create(actor=county.dispatcher, channel="hotline", data=call(item), now=now)


def test_missing_location_is_refused_and_writes_nothing(county, now):
    item = ServiceItemFactory()
    with pytest.raises(LocationRequired) as exc:
        request_create(actor=county.dispatcher, channel="hotline", data=call(item, address=""), now=now)
    assert exc.value.message == "请填写服务地址或经纬度坐标"
    assert not ServiceRequest.objects.exists() and not Resident.objects.exists()


def test_latitude_without_longitude_is_refused(county, now):
    item = ServiceItemFactory()
    with pytest.raises(LocationRequired):
        request_create(actor=county.dispatcher, channel="hotline", data=call(item, latitude=CITY[0]), now=now)


def test_coordinates_place_the_request_at_the_nearest_station(county, now):
    item = ServiceItemFactory()
    r = request_create(
        actor=county.dispatcher,
        channel="hotline",
        data=call(item, address="", latitude=CITY[0], longitude=CITY[1]),
        now=now,
    ).request
    assert r.area == county.post_a


def test_area_outside_the_dispatchers_reach_is_refused(county, now):
    town_dispatcher = role_at(county.town_b, Role.DISPATCHER)
    item = ServiceItemFactory()
    with pytest.raises(PermissionDenied):
        request_create(
            actor=town_dispatcher, channel="hotline", data=call(item, area_id=county.community_a.pk), now=now
        )
    assert not ServiceRequest.objects.exists()


def test_residents_cannot_use_the_hotline_console(county, now):
    resident = role_at(county.community_a, Role.RESIDENT)
    with pytest.raises(PermissionDenied):
        request_create(actor=resident, channel="hotline", data=call(ServiceItemFactory()), now=now)


def test_required_attribute_and_list_values_are_checked(county, now):
    item = ServiceItemFactory()
    ServiceAttributeFactory(item=item, code="hospital", description="就诊医院", required=True)
    ServiceAttributeFactory(
        item=item, code="wheelchair", datatype="singlevaluelist", values=[{"key": "yes", "name": "是"}]
    )
    with pytest.raises(ValidationFailed) as exc:
        request_create(
            actor=county.dispatcher, channel="hotline", data=call(item, attributes={"wheelchair": "maybe"}), now=now
        )
    assert set(exc.value.errors) == {"attribute[hospital]", "attribute[wheelchair]"}
    ok = request_create(
        actor=county.dispatcher,
        channel="hotline",
        data=call(item, attributes={"hospital": "县人民医院", "wheelchair": "yes", "unknown": "x"}),
        now=now,
    ).request
    assert ok.attributes == {"hospital": "县人民医院", "wheelchair": "yes"}


def test_invalid_caller_phone_is_a_field_error(county, now):
    with pytest.raises(ValidationFailed) as exc:
        request_create(
            actor=county.dispatcher, channel="hotline", data=call(ServiceItemFactory(), caller_phone="123"), now=now
        )
    assert "caller_phone" in exc.value.errors


def test_walk_in_is_registered_at_the_keepers_station(county, now):
    keeper = role_at(county.post_a, Role.STATION_KEEPER)
    r = request_create(
        actor=keeper, channel="walk_in", data=call(ServiceItemFactory()), now=now, station=county.station_a
    ).request
    assert r.intake_station == county.station_a
    assert r.area == county.post_a


def test_web_request_links_the_resident_to_the_user(county, now):
    user = role_at(county.community_a, Role.RESIDENT)
    user_set_phone(user=user, phone="13900001111")
    user.save()
    r = request_create(
        actor=user,
        channel="web",
        data=call(ServiceItemFactory(), area_id=county.community_a.pk, caller_phone="139 0000 1111"),
        now=now,
    ).request
    assert r.submitted_by == user
    assert r.resident is not None and r.resident.user == user


def test_web_request_for_another_number_does_not_make_that_resident_the_users(county, now):
    user = role_at(county.community_a, Role.RESIDENT)
    r = request_create(
        actor=user,
        channel="web",
        data=call(ServiceItemFactory(), area_id=county.community_a.pk, caller_phone="13900001111"),
        now=now,
    ).request
    assert r.submitted_by == user  # still the user's own request
    assert r.resident is not None and r.resident.user is None


def test_errand_request_copies_checklist_and_steps(county, now):
    item = ServiceItemFactory(is_errand=True, errand_documents=["身份证复印件", "照片"], errand_steps=["受理", "递交"])
    r = request_create(actor=county.dispatcher, channel="hotline", data=call(item), now=now).request
    assert r.is_errand
    assert list(r.errand_documents.values_list("name", flat=True)) == ["身份证复印件", "照片"]
    assert list(r.errand_steps.values_list("name", "order")) == [("受理", 1), ("递交", 2)]


def test_auto_dispatch_item_goes_to_the_nearest_station_at_intake(county, now):
    item = ServiceItemFactory(auto_dispatch=True, assignee_kind="station")
    r = request_create(
        actor=county.dispatcher,
        channel="hotline",
        data=call(item, latitude=CITY[0], longitude=CITY[1]),
        now=now,
    ).request
    part = r.dispatches.get()
    assert part.station == county.station_a and part.via_rule
    assert r.status == RequestStatus.DISPATCHED


def test_description_over_4000_characters_is_refused(county, now):
    with pytest.raises(Exception) as exc:
        request_create(
            actor=county.dispatcher,
            channel="hotline",
            data=call(ServiceItemFactory(), description="长" * 4001),
            now=now,
        )
    assert "4000" in str(exc.value)


def test_coordinates_out_of_range_are_field_errors(county, now):
    with pytest.raises(ValidationFailed) as exc:
        request_create(
            actor=county.dispatcher,
            channel="hotline",
            data=call(ServiceItemFactory(), latitude=Decimal("95"), longitude=CITY[1]),
            now=now,
        )
    assert "latitude" in exc.value.errors


@pytest.mark.parametrize("channel", ["menu", "open311", "fax"])
def test_channels_reserved_for_orders_and_clients_or_unknown_are_refused(county, now, channel):
    with pytest.raises(ValidationFailed) as exc:
        request_create(actor=county.dispatcher, channel=channel, data=call(ServiceItemFactory()), now=now)
    assert "channel" in exc.value.errors
    assert not ServiceRequest.objects.exists()
