"""Rate limits: the resident help form (per user) and Open311 POST (per address) answer 429 in Chinese."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.demand.models import ServiceRequest
from redvest.demand.tests.factories import OPEN311_KEY, Open311ClientFactory, ServiceItemFactory, role_at

pytestmark = pytest.mark.django_db

OPEN311 = "/open311/v2/requests.json"


def _help_form(area_id: int) -> dict[str, object]:
    return {
        "description": "想学用手机",
        "area": area_id,
        "address": "城东路1号",
        "phone": "13900001111",
        "urgency": "1",
    }


def test_resident_help_form_beyond_the_rate_is_a_chinese_429_page(county, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "resident-help": "2/h"}
    item = ServiceItemFactory()
    client = Client()
    client.force_login(role_at(county.community_a, Role.RESIDENT))
    url = f"{reverse('demand:resident-new')}?item={item.pk}"
    for _ in range(2):
        assert client.post(url, _help_form(county.community_a.pk)).status_code == 302
    response = client.post(url, _help_form(county.community_a.pk))
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert ServiceRequest.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the form is not counted

    neighbour = Client()  # same address, another resident: counted per user
    neighbour.force_login(role_at(county.community_a, Role.RESIDENT))
    assert neighbour.post(url, _help_form(county.community_a.pk)).status_code == 302


def test_anonymous_help_and_tracking_are_limited_per_address(county, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "resident-help": "1/h", "resident-track": "2/h"}
    item = ServiceItemFactory()
    url = f"{reverse('demand:resident-new')}?item={item.pk}"
    visitor = Client(REMOTE_ADDR="10.0.9.9")
    assert visitor.post(url, _help_form(county.community_a.pk)).status_code == 302
    assert visitor.post(url, _help_form(county.community_a.pk)).status_code == 429
    track = reverse("demand:track")
    for _ in range(2):
        assert visitor.post(track, {"phone": "13900001111", "code": "123456"}).status_code in (302, 404)
    assert visitor.post(track, {"phone": "13900001111", "code": "654321"}).status_code == 429


def test_open311_post_beyond_the_rate_is_json_429_and_writes_nothing(county, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-post": "2/h"}
    Open311ClientFactory(org=county.county)
    ServiceItemFactory(code="SH001")
    api = Client()
    body = {"api_key": OPEN311_KEY, "service_code": "SH001", "address_string": "城东路8号"}
    for _ in range(2):
        assert api.post(OPEN311, body).status_code == 200
    response = api.post(OPEN311, body)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == [{"code": 429, "description": "操作过于频繁，请稍后再试"}]
    assert ServiceRequest.objects.count() == 2
    assert api.get(OPEN311).status_code == 200  # reading is not limited
    assert Client(REMOTE_ADDR="10.0.8.1").post(OPEN311, body).status_code == 200  # per address

    cache.clear()  # the counters live in the cache
    assert api.post(OPEN311, body).status_code == 200
