"""我要求助 without an account: category and item by buttons, the item's own response time, a tracking
code on submitting, progress by phone + code in plain words, the rating once done."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.demand.models import DemandCategory, Feedback, RequestStatus, ServiceRequest
from redvest.demand.services import Target, dispatch_complete, dispatch_create
from redvest.demand.tests.factories import ServiceItemFactory
from redvest.teams.tests.factories import TeamFactory, leader_login, member_of

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:800]
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def submit(client: Client, item, county, **extra) -> object:
    data = {
        "description": "厨房水管漏水，需要人帮忙关阀门",
        "area": county.community_a.pk,
        "address": "城东路8号2单元301",
        "name": "王阿姨",
        "phone": PHONE,
        "urgency": "1",
        **extra,
    }
    return client.post(f"{reverse('demand:resident-new')}?item={item.pk}", data)


def test_anonymous_visitor_picks_a_category_then_an_item_without_internal_codes(county):
    item = ServiceItemFactory(name="水管维修", code="SH003", category=DemandCategory.LIFE, arrival_minutes=60)
    client = Client()
    html = page(client.get(reverse("demand:resident-new")))
    assert "生活求助" in html and "居家养老" in html and 'href="?category=life"' in html
    html = page(client.get(reverse("demand:resident-new"), {"category": "life"}))
    assert "水管维修" in html and "60分钟内响应" in html and "SH003" not in html
    html = page(client.get(reverse("demand:resident-new"), {"q": "水管"}))
    assert f'href="?item={item.pk}"' in html
    html = page(client.get(reverse("demand:resident-new"), {"item": item.pk}))
    assert "该项目60分钟内响应" in html and "30分钟内响应" not in html and "SH003" not in html


def test_anonymous_request_shows_a_tracking_code_and_the_resident_follows_it(county):
    item = ServiceItemFactory(category=DemandCategory.LIFE)
    client = Client()
    response = submit(client, item, county)
    assert response.status_code == 302, response.content.decode()[:800]
    created = ServiceRequest.objects.get()
    assert created.submitted_by is None and created.resident is not None and created.resident.name == "王阿姨"
    html = page(client.get(response["Location"]))
    assert created.number in html and created.tracking_code in html

    stranger = Client()
    html = page(stranger.post(reverse("demand:track"), {"phone": PHONE, "code": "000000"}), status=404)
    assert "未找到该诉求" in html
    response = stranger.post(reverse("demand:track"), {"phone": PHONE, "code": created.tracking_code})
    assert response.status_code == 302
    html = page(stranger.get(response["Location"]))
    assert "已受理" in html and "退回待派" not in html and "待派单" not in html


def test_request_detail_needs_the_code_first(county):
    item = ServiceItemFactory()
    submit(Client(), item, county)
    created = ServiceRequest.objects.get()
    page(Client().get(reverse("demand:track-detail", args=[created.number])), status=404)


def test_anonymous_help_refuses_a_missing_phone_and_place_and_writes_nothing(county):
    item = ServiceItemFactory()
    html = page(submit(Client(), item, county, phone="", area=""), status=400)
    assert "所在村社区" in html
    assert not ServiceRequest.objects.exists()


def test_resident_rates_a_resolved_request_by_phone_and_code_once(county):
    item = ServiceItemFactory()
    client = Client()
    submit(client, item, county)
    created = ServiceRequest.objects.get()
    client.post(reverse("demand:track"), {"phone": PHONE, "code": created.tracking_code})
    url = reverse("demand:track-detail", args=[created.number])
    assert "评价这次服务" not in page(client.get(url))

    team = TeamFactory(org=county.community_a)
    member_of(team)
    [part] = dispatch_create(
        actor=county.dispatcher, request=created, targets=[Target("team", team.pk)], now=timezone.now()
    )
    dispatch_complete(actor=leader_login(team), dispatch=part, result="已上门关阀并更换水管", now=timezone.now())
    created.refresh_from_db()
    assert created.status == RequestStatus.RESOLVED
    html = page(client.get(url))
    assert "已办结" in html and "评价这次服务" in html
    assert client.post(url, {"rating": "satisfied", "comment": "来得很快"}).status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.submitted_by is None and feedback.rating == "satisfied"
    assert "评价这次服务" not in page(client.get(url))


def test_tracking_code_is_six_digits_and_stable(county):
    item = ServiceItemFactory()
    submit(Client(), item, county)
    created = ServiceRequest.objects.get()
    code = created.tracking_code
    assert len(code) == 6 and code.isdigit()
    created.refresh_from_db()
    assert created.tracking_code == code
