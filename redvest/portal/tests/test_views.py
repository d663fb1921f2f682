"""`/`: the public portal without login, each role's workbench with its own to-dos after it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.activities.tests.factories import ActivityFactory, SignUpFactory
from redvest.demand.tests.factories import ServiceRequestFactory
from redvest.orgs.models import OrgKind, Station
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.points.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

CITY = (Decimal("31.026000"), Decimal("119.910000"))


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:800]
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def station(tree: OrgTree, name: str, *, north_m: int, amenities: list[str]) -> Station:
    node = org_node(name=name, kind=OrgKind.POST, parent=tree.community_a)
    return Station.objects.create(
        node=node,
        address=f"{name}门口",
        latitude=CITY[0] + Decimal(north_m) / Decimal(111_000),
        longitude=CITY[1],
        opening_hours="每天 08:00-20:00",
        amenities=amenities,
    )


def test_anonymous_visitor_gets_the_public_portal_not_the_login_page():
    tree = OrgTree()
    station(tree, "城东红立方驿站", north_m=300, amenities=["charging", "water"])
    html = page(Client().get("/"))
    assert "96345" in html and "我要求助" in html and "查询进度" in html
    assert "城东红立方驿站" in html and "充电" in html and "饮水" in html and "每天 08:00-20:00" in html
    assert "geo:" in html
    assert 'href="/accounts/login/' in html


def test_stations_near_me_are_ordered_by_distance_with_a_label():
    tree = OrgTree()
    station(tree, "远处驿站", north_m=5000, amenities=[])
    station(tree, "近处驿站", north_m=200, amenities=["rest"])
    station(tree, "外县驿站", north_m=40_000, amenities=[])
    html = page(Client().get(reverse("portal:stations"), {"lat": str(CITY[0]), "lng": str(CITY[1])}))
    assert html.index("近处驿站") < html.index("远处驿站")
    assert "外县驿站" not in html
    assert "距您约200米" in html and "距您约5.0公里" in html


def test_stations_page_ignores_bad_coordinates_and_pages():
    tree = OrgTree()
    station(tree, "城东驿站", north_m=100, amenities=[])
    html = page(Client().get(reverse("portal:stations"), {"lat": "abc", "lng": "1e999"}))
    assert "城东驿站" in html and "距您约" not in html


def test_portal_shows_only_activities_still_recruiting():
    tree = OrgTree()
    now = timezone.now()
    ActivityFactory(org=tree.community_a, title="周末河道清洁")
    ActivityFactory(
        org=tree.community_a,
        title="上月的义诊",
        start_at=now - datetime.timedelta(days=30),
        end_at=now - datetime.timedelta(days=30) + datetime.timedelta(hours=2),
        recruit_start=now - datetime.timedelta(days=40),
        recruit_end=now - datetime.timedelta(days=31),
    )
    html = page(Client().get("/"))
    assert "周末河道清洁" in html and "上月的义诊" not in html


def test_portal_query_count_does_not_grow_with_the_data():
    tree = OrgTree()
    station(tree, "驿站", north_m=100, amenities=["rest"])
    ActivityFactory(org=tree.community_a)
    url = f"/?lat={CITY[0]}&lng={CITY[1]}"
    before = queries(Client(), url)
    for i in range(10):
        station(tree, f"驿站{i}", north_m=100 * (i + 2), amenities=["rest"])
        ActivityFactory(org=tree.community_a)
    assert queries(Client(), url) == before


def test_dispatcher_workbench_lists_requests_to_dispatch():
    tree = OrgTree()
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    dispatcher = RoleAssignmentFactory(role=Role.DISPATCHER, org=hotline).user
    ServiceRequestFactory(area=tree.community_a)
    html = page(login(dispatcher).get("/"))
    assert "热线受理" in html and "待派单" in html and "组织节点" not in html


def test_merchant_workbench_offers_the_counter_and_the_settlement():
    tree = OrgTree()
    merchant = MerchantFactory(org=tree.community_a)
    html = page(login(merchant.operator).get("/"))
    assert "柜台核销" in html and "月度结算" in html
    assert "待派单" not in html and "组织节点" not in html


def test_org_admin_workbench_lists_stations_short_of_the_checklist():
    tree = OrgTree()
    admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=tree.town_a).user
    station(tree, "未达标驿站", north_m=100, amenities=[])
    html = page(login(admin).get("/"))
    assert "五有未达标的站点" in html and "待办" in html


def volunteer_with_next_activity(tree: OrgTree):
    from redvest.accounts.tests.factories import UserFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    user = UserFactory()
    volunteer = VolunteerFactory(org=tree.community_a, user=user)
    activity = ActivityFactory(org=tree.community_a, title="敬老院陪护")
    SignUpFactory(activity=activity, volunteer=volunteer)
    return user


def test_volunteer_workbench_shows_the_next_activity_hours_and_points():
    tree = OrgTree()
    user = volunteer_with_next_activity(tree)
    html = page(login(user).get("/"))
    assert "下一场活动：敬老院陪护" in html
    year = timezone.localdate().year
    assert f"{year}年服务时长" in html and "0小时0分" in html and "积分余额" in html and "星级" in html


def queries(client: Client, url: str = "/") -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page(client.get(url))
    return len(ctx.captured_queries)


def test_workbench_query_count_does_not_grow_with_the_data():
    tree = OrgTree()
    user = volunteer_with_next_activity(tree)
    admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=tree.county).user
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    dispatcher = RoleAssignmentFactory(role=Role.DISPATCHER, org=hotline).user
    clients = [login(user), login(admin), login(dispatcher)]
    ServiceRequestFactory(area=tree.community_a)
    station(tree, "驿站甲", north_m=100, amenities=[])
    before = [queries(c) for c in clients]
    for i in range(10):
        ServiceRequestFactory(area=tree.community_a)
        station(tree, f"驿站{i}", north_m=100 * (i + 2), amenities=[])
        SignUpFactory(activity=ActivityFactory(org=tree.community_a), status="pending")
    assert [queries(c) for c in clients] == before


def test_the_phone_app_is_installable_with_a_manifest_and_a_service_worker():
    manifest = Client().get(reverse("portal:manifest"))
    assert manifest.status_code == 200 and manifest["Content-Type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["short_name"] == "红马甲" and data["display"] == "standalone" and data["icons"]
    worker = Client().get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/" and "css/redvest.css" in worker.content.decode()
    assert 'rel="manifest"' in page(Client().get("/"))


def test_volunteers_get_the_bottom_tabs_and_a_check_in_tab():
    tree = OrgTree()
    user = volunteer_with_next_activity(tree)
    html = page(login(user).get("/"))
    assert 'class="tabbar"' in html and reverse("activities:checkin-home") in html
    html = page(login(user).get(reverse("activities:checkin-home")))
    assert "敬老院陪护" in html and "打开相机扫码" in html and "jsQR-1.4.0.js" in html
    admin = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=tree.county).user
    assert 'class="tabbar"' not in page(login(admin).get("/"))


def test_a_volunteer_and_a_dispatcher_are_not_shown_other_peoples_work():
    tree = OrgTree()
    station(tree, "未达标驿站", north_m=100, amenities=[])
    user = volunteer_with_next_activity(tree)
    html = page(login(user).get("/"))
    assert "五有未达标的站点" not in html and "人数不足最低要求的服务队" not in html
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    dispatcher = RoleAssignmentFactory(role=Role.DISPATCHER, org=hotline).user
    ServiceRequestFactory(area=tree.community_a)
    html = page(login(dispatcher).get("/"))
    assert "派给我的服务任务" not in html and "五有未达标的站点" not in html
