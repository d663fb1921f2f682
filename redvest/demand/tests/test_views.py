"""Pages: who gets in, what they see, messages and 4xx on bad input, constant query counts for lists."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.audit.models import AuditEntry
from redvest.demand.models import Callback, Dispatch, RequestStatus, ServiceRequest
from redvest.demand.services import Target, dispatch_complete, dispatch_create
from redvest.demand.tests.factories import (
    CallbackFactory,
    DispatchFactory,
    MenuOrderFactory,
    ResidentFactory,
    ServiceAttributeFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    SpotCheckFactory,
    role_at,
)
from redvest.records.models import ServiceRecord
from redvest.teams.tests.factories import TeamFactory, leader_login, member_of
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_ok(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:500]
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


@pytest.fixture
def operator(county) -> Client:
    return login(county.dispatcher)


def intake_form(service_item, **kw: str) -> dict[str, str]:
    values = {
        "caller_phone": "13800138000",
        "caller_name": "张阿姨",
        "item": service_item.code,
        "description": "水管爆裂",
        "address": "城东路8号",
        "urgency": "2",
        "idempotency_key": "k-1",
    }
    values.update(kw)
    return values


def test_console_takes_a_call_and_goes_to_the_request(operator, county):
    item = ServiceItemFactory()
    html = page_ok(operator.get(reverse("demand:console")))
    assert "Ctrl+Enter" in html and item.name in html
    response = operator.post(reverse("demand:console"), intake_form(item))
    created = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("demand:request-detail", args=[created.pk])
    assert created.urgency == 2 and created.channel == "hotline"


def test_console_submitted_twice_makes_one_request(operator):
    item = ServiceItemFactory()
    operator.post(reverse("demand:console"), intake_form(item))
    response = operator.post(reverse("demand:console"), intake_form(item), follow=True)
    assert ServiceRequest.objects.count() == 1
    assert "该诉求已登记过" in response.content.decode()


def test_console_shows_service_errors_next_to_the_field_with_a_4xx(operator):
    item = ServiceItemFactory()
    html = page_ok(operator.post(reverse("demand:console"), intake_form(item, address="")), status=400)
    assert "请填写服务地址或经纬度坐标" in html
    html = page_ok(operator.post(reverse("demand:console"), intake_form(item, item="NOPE")), status=400)
    assert not ServiceRequest.objects.exists()


def test_residents_are_kept_out_of_the_console(county):
    resident = login(role_at(county.community_a, Role.RESIDENT))
    html = page_ok(resident.get(reverse("demand:console")), status=403)
    assert "无权" in html


def test_caller_lookup_shows_the_known_resident_and_past_requests(operator, county):
    resident = ResidentFactory(raw_phone="13800138000", name="张阿姨")
    past = ServiceRequestFactory(area=county.community_a, resident=resident)
    html = page_ok(operator.get(reverse("demand:caller-lookup"), {"caller_phone": "138 0013 8000"}))
    assert "张阿姨" in html and past.number in html and "Alt+F" in html
    html = page_ok(operator.get(reverse("demand:caller-lookup"), {"caller_phone": "13900000000"}))
    assert "新来电" in html


def test_item_attributes_load_as_fields(operator):
    from redvest.demand.tests.factories import ServiceAttributeFactory

    item = ServiceItemFactory()
    ServiceAttributeFactory(item=item, code="hospital", description="就诊医院")
    html = page_ok(operator.get(reverse("demand:item-attributes"), {"item": item.code}))
    assert 'name="attribute[hospital]"' in html


def test_walk_in_registration_at_the_keepers_station(county):
    keeper = login(role_at(county.post_a, Role.STATION_KEEPER))
    item = ServiceItemFactory()
    page_ok(keeper.get(reverse("demand:walkin")))
    response = keeper.post(reverse("demand:walkin"), intake_form(item))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().intake_station == county.station_a


def test_resident_web_form_and_my_requests(county):
    user = role_at(county.community_a, Role.RESIDENT)
    client = login(user)
    item = ServiceItemFactory()
    page_ok(client.get(reverse("demand:resident-new")))
    response = client.post(
        f"{reverse('demand:resident-new')}?item={item.pk}",
        {
            "description": "想学用手机",
            "area": county.community_a.pk,
            "address": "城东路1号",
            "phone": "13900001111",
            "urgency": "1",
        },
    )
    assert response.status_code == 302
    html = page_ok(client.get(reverse("demand:my-requests")))
    assert ServiceRequest.objects.get().number in html


def test_request_page_recommends_and_dispatches(operator, county):
    request = ServiceRequestFactory(area=county.community_a)
    html = page_ok(operator.get(reverse("demand:request-detail", args=[request.pk])))
    assert "推荐" in html and "派单" in html
    html = page_ok(operator.get(reverse("demand:request-recommend", args=[request.pk])))
    assert f'value="station:{county.station_a.pk}"' in html and "距离约" in html
    response = operator.post(
        reverse("demand:request-dispatch", args=[request.pk]), {"target": f"station:{county.station_a.pk}"}
    )
    assert response.status_code == 302
    assert Dispatch.objects.get().station == county.station_a


def test_errand_page_shows_questions_and_answers_in_chinese(operator, county):
    item = ServiceItemFactory(is_errand=True)
    ServiceAttributeFactory(
        item=item,
        code="id_ready",
        description="申请人身份证件是否齐全",
        datatype="singlevaluelist",
        values=[{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
    )
    request = ServiceRequestFactory(area=county.community_a, item=item, attributes={"id_ready": "yes"})
    html = page_ok(operator.get(reverse("demand:request-detail", args=[request.pk])))
    assert "<dt>申请人身份证件是否齐全</dt><dd>是</dd>" in html
    assert "id_ready" not in html and ">yes<" not in html


def test_dispatch_without_target_shows_the_message_with_400(operator, county):
    request = ServiceRequestFactory(area=county.community_a)
    html = page_ok(operator.post(reverse("demand:request-dispatch", args=[request.pk]), {}), status=400)
    assert "请选择至少一个派单对象" in html


def test_other_towns_request_is_not_found_for_a_town_dispatcher(county):
    town = login(role_at(county.town_b, Role.DISPATCHER))
    request = ServiceRequestFactory(area=county.community_a)
    page_ok(town.get(reverse("demand:request-detail", args=[request.pk])), status=404)


def test_leader_accepts_and_completes_with_time_from_my_tasks(county):
    team = TeamFactory(org=county.community_a)
    leader_user = leader_login(team)
    member = member_of(team)
    now = timezone.now()
    request = ServiceRequestFactory(area=county.community_a, created_at=now - datetime.timedelta(hours=2))
    [part] = dispatch_create(
        actor=county.dispatcher,
        request=request,
        targets=[Target("team", team.pk)],
        now=now - datetime.timedelta(hours=2),
    )
    leader = login(leader_user)
    html = page_ok(leader.get(reverse("demand:my-tasks")))
    assert request.number in html
    assert leader.post(reverse("demand:dispatch-accept", args=[part.pk])).status_code == 302
    html = page_ok(leader.get(reverse("demand:dispatch-complete", args=[part.pk])))
    assert f"minutes_{member.pk}" in html
    response = leader.post(
        reverse("demand:dispatch-complete", args=[part.pk]), {"result": "已修好", f"minutes_{member.pk}": "60"}
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get(volunteer=member).minutes == 60
    html = page_ok(leader.post(reverse("demand:dispatch-complete", args=[part.pk]), {"result": "再来一次"}), status=409)
    assert "请勿重复提交" in html


def test_resident_phone_is_revealed_only_to_those_who_handle_it(operator, county):
    request = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory(raw_phone="13911112222"))
    assert "13911112222" in page_ok(operator.post(reverse("demand:request-phone", args=[request.pk])))
    stranger = login(role_at(county.community_c, Role.STATION_KEEPER))
    response = stranger.post(reverse("demand:request-phone", args=[request.pk]))
    assert response.status_code == 404 and "13911112222" not in response.content.decode()


def test_recommended_candidates_show_skills_and_a_masked_phone_to_the_dispatcher(operator, county):
    request = ServiceRequestFactory(area=county.community_a)
    VolunteerFactory(org=county.community_a, skills=["驾驶"], raw_phone="13712345678", name="赵师傅")
    html = page_ok(operator.get(reverse("demand:request-recommend", args=[request.pk])))
    assert "技能：驾驶" in html and "赵师傅 电话" in html and "137****5678" in html
    assert "13712345678" not in html and "显示完整号码" not in html


def test_a_candidates_full_phone_is_shown_to_an_admin_over_them_and_audited(operator, county):
    request = ServiceRequestFactory(area=county.community_a)
    volunteer = VolunteerFactory(org=county.community_a, raw_phone="13712345678")
    admin = login(role_at(county.town_a, Role.ORG_ADMIN))
    html = page_ok(admin.get(reverse("demand:request-recommend", args=[request.pk])))
    url = reverse("demand:candidate-phone", args=[request.pk, volunteer.pk])
    assert "显示完整号码" in html and url in html
    assert "13712345678" in page_ok(admin.post(url))
    entry = AuditEntry.objects.get(action="view_sensitive")
    assert entry.reason == f"派单联系（工单{request.number}）" and entry.target_id == str(volunteer.pk)

    response = operator.post(url)  # a dispatcher sees masked phones only
    assert response.status_code == 403 and "13712345678" not in response.content.decode()
    assert "您无权查看完整的手机号" in response.content.decode()
    assert AuditEntry.objects.filter(action="view_sensitive").count() == 1


def test_callback_page_records_the_result(operator, county):
    callback = CallbackFactory(request=ServiceRequestFactory(area=county.community_a, status=RequestStatus.RESOLVED))
    page_ok(operator.get(reverse("demand:callback-record", args=[callback.pk])))
    html = page_ok(
        operator.post(reverse("demand:callback-record", args=[callback.pk]), {"rating": "unsatisfied"}), status=400
    )
    assert "不满意原因" in html
    response = operator.post(reverse("demand:callback-record", args=[callback.pk]), {"rating": "satisfied"})
    assert response.status_code == 302
    assert Callback.objects.get().status == "done"


def test_resident_feedback_on_the_request_page(county):
    user = role_at(county.community_a, Role.RESIDENT)
    request = ServiceRequestFactory(
        area=county.community_a, status=RequestStatus.RESOLVED, resident=ResidentFactory(user=user)
    )
    client = login(user)
    html = page_ok(client.get(reverse("demand:request-detail", args=[request.pk])))
    assert "服务反馈单" in html
    response = client.post(
        reverse("demand:request-feedback", args=[request.pk]), {"rating": "basic", "source": "resident"}
    )
    assert response.status_code == 302 and request.feedbacks.get().rating == "basic"


def test_stats_satisfaction_menu_orders_and_spot_checks_render(operator, county, menu):
    page_ok(operator.get(reverse("demand:stats")))
    page_ok(operator.get(reverse("demand:satisfaction"), {"by": "team"}))
    html = page_ok(operator.get(reverse("demand:menu"), {"category": "elderly"}))
    assert "紧急呼叫响应" in html
    page_ok(operator.get(reverse("demand:order-new")))
    page_ok(operator.get(reverse("demand:spot-check-list")))


def test_order_page_group_dispatches_each_line(operator, county):
    admin = login(role_at(county.community_a, Role.ORG_ADMIN))
    items = [ServiceItemFactory(), ServiceItemFactory()]
    day = timezone.localdate() + datetime.timedelta(days=5)
    response = admin.post(
        reverse("demand:order-new"),
        {
            "title": "先锋服务日",
            "community": county.community_a.pk,
            "place": "文化礼堂",
            "date": day.isoformat(),
            "start_time": "09:00",
            "end_time": "11:30",
            "contact_name": "王主任",
            "contact_phone": "13812345678",
            "items": [i.code for i in items],
        },
    )
    assert response.status_code == 302
    order_url = response["Location"]
    team = TeamFactory(org=county.community_a)
    html = page_ok(operator.get(order_url))
    assert "组团派单" in html
    lines = ServiceRequest.objects.order_by("id")
    response = operator.post(order_url + "dispatch/", {f"team_{lines[0].pk}": team.pk, f"team_{lines[1].pk}": team.pk})
    assert response.status_code == 302
    assert Dispatch.objects.filter(team=team).count() == 2


# ---- Query counts: the same for 1 and 10 rows -------------------------------------------------


def _rows(county, size: int) -> None:
    team = TeamFactory(org=county.community_a)
    for _ in range(size):
        request = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory())
        DispatchFactory(request=request, team=team)


@pytest.mark.parametrize("size", [1, 10])
def test_board_query_count_is_constant(operator, county, size, django_assert_num_queries):
    _rows(county, size)
    operator.get(reverse("demand:board"))  # warm the session
    with django_assert_num_queries(8):
        html = page_ok(operator.get(reverse("demand:board-rows")))
    assert html.count('data-due="') == size


@pytest.mark.parametrize("size", [1, 10])
def test_request_list_query_count_is_constant(operator, county, size, django_assert_num_queries):
    _rows(county, size)
    operator.get(reverse("demand:board"))
    with django_assert_num_queries(8):
        page_ok(operator.get(reverse("demand:request-list")))


@pytest.mark.parametrize("size", [1, 10])
def test_my_tasks_query_count_is_constant(county, size, django_assert_num_queries):
    team = TeamFactory(org=county.community_a)
    client = login(leader_login(team))
    for _ in range(size):
        DispatchFactory(request=ServiceRequestFactory(area=county.community_a), team=team)
    client.get(reverse("demand:my-requests"))
    with django_assert_num_queries(8):
        page_ok(client.get(reverse("demand:my-tasks")))


@pytest.mark.parametrize("size", [1, 10])
def test_callback_list_query_count_is_constant(operator, county, size, django_assert_num_queries):
    for _ in range(size):
        CallbackFactory(
            request=ServiceRequestFactory(area=county.community_a, status="resolved", resident=ResidentFactory())
        )
    operator.get(reverse("demand:board"))
    with django_assert_num_queries(7):
        page_ok(operator.get(reverse("demand:callback-list")))


@pytest.mark.parametrize("size", [1, 10])
def test_spot_check_and_order_lists_query_counts_are_constant(operator, county, size, django_assert_num_queries):
    for _ in range(size):
        SpotCheckFactory(request=ServiceRequestFactory(area=county.community_a, status="closed"))
        order = MenuOrderFactory(community=county.community_a)
        ServiceRequestFactory(area=county.community_a, order=order)
    operator.get(reverse("demand:board"))
    with django_assert_num_queries(10):
        page_ok(operator.get(reverse("demand:spot-check-list")))
    with django_assert_num_queries(7):
        page_ok(operator.get(reverse("demand:order-list")))


@pytest.mark.parametrize("size", [1, 10])
def test_menu_query_count_is_constant(operator, size, django_assert_num_queries):
    for _ in range(size):
        ServiceItemFactory()
    operator.get(reverse("demand:board"))
    with django_assert_num_queries(8):
        page_ok(operator.get(reverse("demand:menu")))


def test_completing_through_the_view_keeps_the_request_page_consistent(county):
    team = TeamFactory(org=county.community_a)
    leader_user = leader_login(team)
    now = timezone.now()
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    dispatch_complete(actor=leader_user, dispatch=part, result="办好了", now=now)
    html = page_ok(login(county.dispatcher).get(reverse("demand:request-detail", args=[request.pk])))
    assert "已办结待回访" in html and "去回访" in html


def test_staff_type_in_a_paper_feedback_form(operator, county):
    request = ServiceRequestFactory(area=county.community_a, status=RequestStatus.CLOSED)
    html = page_ok(operator.get(reverse("demand:request-detail", args=[request.pk])))
    assert "录入纸质服务反馈单" in html
    response = operator.post(
        reverse("demand:request-feedback", args=[request.pk]), {"rating": "satisfied", "source": "paper"}
    )
    assert response.status_code == 302
    assert request.feedbacks.get().source == "paper"
