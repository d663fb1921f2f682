"""Open311 GeoReport v2: field names and both formats as in the specification's examples
(http://wiki.open311.org/GeoReport_v2, Service_Discovery), the error format, api_key, filters."""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from redvest.demand.models import RequestChannel, ServiceRequest
from redvest.demand.tests.factories import (
    CITY,
    OPEN311_KEY,
    DispatchFactory,
    Open311ClientFactory,
    ServiceAttributeFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
)
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
BASE = "/open311/v2"


@pytest.fixture
def api(county) -> Client:
    Open311ClientFactory(org=county.county)
    return Client()


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def data(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def post(api: Client, fmt: str = "json", **fields: object):
    return api.post(f"{BASE}/requests.{fmt}", {"api_key": OPEN311_KEY, **fields})


def test_discovery_in_both_formats(api):
    found = data(api.get(f"{BASE}/discovery.json"))
    assert list(found) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = found["endpoints"]
    assert list(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(api.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/type") == "production"


def test_services_list_matches_the_spec_example(api):
    item = ServiceItemFactory(code="SH001", name="水电维修", keywords="漏水,跳闸")
    ServiceItemFactory(code="OFF01", is_active=False)
    [service] = data(api.get(f"{BASE}/services.json"))
    assert list(service) == SERVICE_FIELDS
    assert service == {
        "service_code": "SH001",
        "service_name": "水电维修",
        "description": item.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "漏水, 跳闸",
        "group": "生活求助",
    }
    root = xml(api.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    [element] = root.findall("service")
    assert [child.tag for child in element] == SERVICE_FIELDS
    assert element.findtext("metadata") == "false" and element.findtext("service_code") == "SH001"


def test_service_definition_matches_the_spec_example(api):
    item = ServiceItemFactory(code="BF004")
    ServiceAttributeFactory(
        item=item,
        code="grade",
        description="就读学段",
        datatype="singlevaluelist",
        required=True,
        order=1,
        values=[{"key": "primary", "name": "小学"}, {"key": "junior", "name": "初中"}],
    )
    found = data(api.get(f"{BASE}/services/BF004.json"))
    assert list(found) == ["service_code", "attributes"]
    [attribute] = found["attributes"]
    assert list(attribute) == ATTRIBUTE_FIELDS
    assert attribute["values"] == [{"key": "primary", "name": "小学"}, {"key": "junior", "name": "初中"}]
    assert attribute["datatype_description"] is None and attribute["required"] is True
    root = xml(api.get(f"{BASE}/services/BF004.xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root.find("attributes/attribute")] == ATTRIBUTE_FIELDS
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == ["primary", "junior"]
    assert data(api.get(f"{BASE}/services.json"))[0]["metadata"] is True


def test_unknown_service_definition_is_a_404_in_the_error_format(api):
    response = api.get(f"{BASE}/services/NOPE.json")
    assert response.status_code == 404
    [error] = data(response)
    assert list(error) == ["code", "description"] and error["code"] == 404 and "NOPE" in error["description"]
    response = api.get(f"{BASE}/services/NOPE.xml")
    root = xml(response)
    assert response.status_code == 404 and root.tag == "errors" and root.findtext("error/code") == "404"


def test_post_with_lat_long_returns_the_request_id(api, county):
    ServiceItemFactory(code="SH001")
    response = post(
        api,
        service_code="SH001",
        lat=str(CITY[0]),
        long=str(CITY[1]),
        description="楼道灯坏了",
        phone="13900001234",
        first_name="伟",
        last_name="李",
        email="li@example.com",
        account_id="A-1",
    )
    assert response.status_code == 200
    [answer] = data(response)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    created = ServiceRequest.objects.get(number=answer["service_request_id"])
    assert created.channel == RequestChannel.OPEN311 and created.area == county.post_a
    assert created.resident.name == "李伟" and created.reporter["email"] == "li@example.com"
    assert answer["account_id"] == "A-1"


def test_post_with_address_string_and_attributes_in_xml(api):
    item = ServiceItemFactory(code="BF004")
    ServiceAttributeFactory(
        item=item, code="grade", datatype="singlevaluelist", required=True, values=[{"key": "primary", "name": "小学"}]
    )
    ServiceAttributeFactory(
        item=item,
        code="subjects",
        datatype="multivaluelist",
        values=[{"key": "math", "name": "数学"}, {"key": "english", "name": "英语"}],
    )
    response = api.post(
        f"{BASE}/requests.xml",
        {
            "api_key": OPEN311_KEY,
            "service_code": "BF004",
            "address_string": "城东路8号",
            "attribute[grade]": "primary",
            "attribute[subjects][]": ["math", "english"],
        },
    )
    root = xml(response)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert ServiceRequest.objects.get(number=number).attributes == {"grade": "primary", "subjects": ["math", "english"]}
    assert root.find("request/account_id").text is None  # <account_id/>, as in the spec example


def test_errand_services_are_batch_and_return_a_token(api):
    ServiceItemFactory(code="ZC020", is_errand=True, errand_steps=["受理登记"])
    assert data(api.get(f"{BASE}/services.json"))[0]["type"] == "batch"
    [answer] = data(post(api, service_code="ZC020", address_string="城东路8号"))
    assert list(answer) == ["token", "service_notice", "account_id"]
    [resolved] = data(api.get(f"{BASE}/tokens/{answer['token']}.json"))
    assert list(resolved) == ["service_request_id", "token"] and resolved["token"] == answer["token"]
    root = xml(api.get(f"{BASE}/tokens/{answer['token']}.xml"))
    assert root.findtext("request/service_request_id") == resolved["service_request_id"]
    assert api.get(f"{BASE}/tokens/nope.json").status_code == 404


def test_post_without_or_with_a_wrong_api_key_is_403(api):
    ServiceItemFactory(code="SH001")
    for key in ("", "wrong"):
        response = api.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "SH001", "address_string": "x"})
        assert response.status_code == 403 and data(response)[0]["code"] == 403
    response = api.post(f"{BASE}/requests.xml", {"service_code": "SH001", "address_string": "x"})
    assert response.status_code == 403 and xml(response).findtext("error/code") == "403"
    assert not ServiceRequest.objects.exists()


def test_post_with_an_unknown_service_code_is_400_and_writes_nothing(api):
    response = post(api, service_code="NOPE", address_string="城东路8号")
    assert response.status_code == 400
    [error] = data(response)
    assert list(error) == ["code", "description"] and error["code"] == 400 and "NOPE" in error["description"]
    root = xml(post(api, "xml", service_code="NOPE", address_string="城东路8号"))
    assert (
        root.tag == "errors" and root.findtext("error/code") == "400" and "NOPE" in root.findtext("error/description")
    )
    assert not ServiceRequest.objects.exists()


def test_post_with_an_inactive_service_code_is_400(api):
    ServiceItemFactory(code="OLD1", is_active=False)
    response = post(api, service_code="OLD1", address_string="城东路8号")
    assert response.status_code == 400 and data(response)[0]["code"] == 400
    assert not ServiceRequest.objects.exists()


def test_requests_filtered_by_an_unknown_service_code_is_400_in_both_formats(api, county):
    ServiceRequestFactory(area=county.community_a, item=ServiceItemFactory(code="AA1"))
    response = api.get(f"{BASE}/requests.json", {"service_code": "AA1,NOPE"})
    assert response.status_code == 400
    [error] = data(response)
    assert error["code"] == 400 and "NOPE" in error["description"] and "AA1" not in error["description"]
    response = api.get(f"{BASE}/requests.xml", {"service_code": "NOPE"})
    assert response.status_code == 400 and xml(response).findtext("error/code") == "400"


def test_post_without_a_location_is_400_and_writes_nothing(api):
    ServiceItemFactory(code="SH001")
    response = post(api, service_code="SH001", description="没有地址")
    assert response.status_code == 400 and "lat" in data(response)[0]["description"]
    response = post(api, service_code="SH001", lat="30.9")
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_post_missing_a_required_attribute_is_400(api):
    item = ServiceItemFactory(code="SH007")
    ServiceAttributeFactory(item=item, code="hospital", description="就诊医院", required=True)
    response = post(api, service_code="SH007", address_string="城东路8号")
    assert response.status_code == 400
    assert data(response)[0]["description"].startswith("attribute[hospital]")


PUBLIC_VALUES = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
]


def _private_request(county):
    """A request full of what only its organisation may read: words, street, point, photo, handler, notes."""
    request = ServiceRequestFactory(
        area=county.community_a,
        description="独居老人王阿姨，电话13800138000，腿脚不便",
        address="长兴县雉城街道城东路8号3单元",
        address_id="ADDR-77",
        media_url="http://example.com/a.jpg",
        status_notes="王阿姨家中无人，改约明天",
    )
    volunteer = VolunteerFactory(org=county.community_a, name="李志愿")
    DispatchFactory(request=request, volunteer=volunteer)
    return request


def test_get_requests_fields_and_both_formats(api, county):
    request = _private_request(county)
    [row] = data(api.get(f"{BASE}/requests.json"))
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == request.number and row["status"] == "open"
    assert row["service_code"] == request.item.code and row["service_name"] == request.item.name
    assert row["requested_datetime"] == timezone.localtime(request.created_at).isoformat(timespec="seconds")
    assert row["requested_datetime"].endswith("+08:00") and row["updated_datetime"].endswith("+08:00")
    assert row["address"] == "城东社区, 雉城街道, 长兴县" and row["status_notes"] == request.get_status_display()
    root = xml(api.get(f"{BASE}/requests.xml"))
    assert [c.tag for c in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/address") == "城东社区, 雉城街道, 长兴县"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_public_requests_show_category_status_area_and_times_only(api, county, fmt):
    request = _private_request(county)
    for url in (f"{BASE}/requests.{fmt}", f"{BASE}/requests/{request.number}.{fmt}"):
        response = api.get(url)
        body = response.content.decode("utf-8")
        for secret in ("王阿姨", "13800138000", "城东路8号", "ADDR-77", "example.com", "李志愿", "30.97", "119.91"):
            assert secret not in body, (url, secret)
        if fmt == "json":
            [row] = data(response)
            shown = {key for key, value in row.items() if value is not None}
        else:
            shown = {child.tag for child in xml(response).find("request") if child.text}
        assert shown == set(PUBLIC_VALUES)


def test_a_key_of_another_organisation_sees_the_public_fields_only(api, county):
    request = _private_request(county)
    Open311ClientFactory(org=county.town_b, key="town-b-key-0123456789")
    [row] = data(api.get(f"{BASE}/requests.json", {"api_key": "town-b-key-0123456789"}))
    assert row["service_request_id"] == request.number
    assert row["description"] is None and row["lat"] is None and row["media_url"] is None
    assert row["address"] == "城东社区, 雉城街道, 长兴县" and row["agency_responsible"] is None


@pytest.mark.parametrize("owner", ["community_a", "town_a", "county"])
def test_a_key_of_the_owning_organisation_or_above_shows_the_full_record(api, county, owner):
    request = _private_request(county)
    key = f"{owner}-key-0123456789"
    Open311ClientFactory(org=getattr(county, owner), key=key)
    for url in (f"{BASE}/requests.json", f"{BASE}/requests/{request.number}.json"):
        [row] = data(api.get(url, {"api_key": key}))
        assert row["description"] == request.description and row["address"] == request.address
        assert row["address_id"] == "ADDR-77" and row["media_url"] == "http://example.com/a.jpg"
        assert row["lat"] == float(request.latitude) and row["long"] == float(request.longitude)
        assert "李志愿" in row["agency_responsible"] and "改约明天" in row["status_notes"]


def test_get_requests_filters(api, county):
    now = timezone.now()
    old = ServiceRequestFactory(area=county.community_a, created_at=now - datetime.timedelta(days=120))
    a = ServiceRequestFactory(area=county.community_a, item=ServiceItemFactory(code="AA1"))
    b = ServiceRequestFactory(
        area=county.community_a, item=ServiceItemFactory(code="BB1"), status="resolved", resolved_at=now
    )

    def ids(**params: str) -> set[str]:
        return {r["service_request_id"] for r in data(api.get(f"{BASE}/requests.json", params))}

    assert ids() == {a.number, b.number}  # the last 90 days by default
    assert ids(service_code="BB1") == {b.number}
    assert ids(service_code="AA1,BB1") == {a.number, b.number}
    assert ids(status="closed") == {b.number}
    assert ids(status="open") == {a.number}
    assert ids(service_request_id=f"{old.number},{a.number}") == {old.number, a.number}
    start = (now - datetime.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == {old.number}
    [closed] = data(api.get(f"{BASE}/requests.json", {"status": "closed"}))
    assert closed["updated_datetime"] == timezone.localtime(now).isoformat(timespec="seconds")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "90"),
    ],
)
def test_bad_filters_are_400_in_the_error_format(api, params, words):
    response = api.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400 and words in data(response)[0]["description"]


def test_single_request_in_both_formats_and_404(api, county):
    request = ServiceRequestFactory(area=county.community_a)
    [row] = data(api.get(f"{BASE}/requests/{request.number}.json"))
    assert list(row) == REQUEST_FIELDS
    root = xml(api.get(f"{BASE}/requests/{request.number}.xml"))
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == request.number
    missing = api.get(f"{BASE}/requests/000.json")
    assert missing.status_code == 404 and data(missing)[0]["code"] == 404


def test_unsupported_format_is_a_400_error(api):
    response = api.get(f"{BASE}/services.html")
    assert response.status_code == 400 and xml(response).tag == "errors"


def test_same_idempotency_key_from_a_client_makes_one_request(api):
    ServiceItemFactory(code="SH001")
    for _ in range(2):
        api.post(
            f"{BASE}/requests.json",
            {"api_key": OPEN311_KEY, "service_code": "SH001", "address_string": "x"},
            headers={"Idempotency-Key": "abc"},
        )
    assert ServiceRequest.objects.count() == 1


def test_requests_xml_parses_when_a_stored_description_holds_control_characters(api, county):
    # A row stored before input was checked: XML 1.0 cannot carry \x0b or \x1f, so they are dropped.
    ServiceRequestFactory(area=county.community_a, description="楼道\x0b灯坏了\x1f\n请尽快")
    root = xml(api.get(f"{BASE}/requests.xml", {"api_key": OPEN311_KEY}))  # the owner's key sees descriptions
    assert root.find("request/description").text == "楼道灯坏了\n请尽快"


def test_post_with_a_control_character_is_400_naming_the_field_and_writes_nothing(api):
    ServiceItemFactory(code="SH001")
    response = post(api, "xml", service_code="SH001", address_string="城东路1号", description="灯坏了\x1b[0m")
    assert response.status_code == 400
    [error] = xml(response).findall("error")
    assert error.find("description").text == "description: 含有不可见的控制字符，请删除后重新填写"
    assert not ServiceRequest.objects.exists()
