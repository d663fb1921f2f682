"""A resident's account and their requests: what the phone asked before (hotline, help form) joins the
account once the phone is proven by a code; the workbench counts open requests and requests to rate;
the help form, signed in, fills in the resident and attaches the request; 我的求助 costs the same queries
for 1 or 10 requests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import CodePurpose
from redvest.accounts.otp import phone_code_send, phone_code_verify
from redvest.accounts.services import password_reset_by_phone, resident_sign_up, user_create
from redvest.accounts.tests import sms
from redvest.audit.models import AuditEntry
from redvest.demand.models import RequestChannel, RequestStatus, Resident, ServiceRequest
from redvest.demand.services import RequestData, request_create
from redvest.demand.tests.factories import FeedbackFactory, ResidentFactory, ServiceItemFactory, ServiceRequestFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
PASSWORD = "hong-ma-jia-2027"


@pytest.fixture(autouse=True)
def outbox(settings):  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def prove(purpose: CodePurpose, phone: str = PHONE) -> None:
    now = timezone.now()
    phone_code_send(phone=phone, purpose=purpose, now=now)
    phone_code_verify(phone=phone, purpose=purpose, code=sms.last_code(phone), now=now)


def sign_up(county, phone: str = PHONE):  # type: ignore[no-untyped-def]
    prove(CodePurpose.SIGNUP, phone)
    return resident_sign_up(
        phone=phone,
        name="王阿姨",
        password=PASSWORD,
        password_confirm=PASSWORD,
        community=county.community_a,
        consent=True,
        now=timezone.now(),
    )


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def anonymous_help(county, phone: str = PHONE) -> ServiceRequest:
    data = RequestData(
        item_code=ServiceItemFactory().code,
        description="厨房水管漏水",
        address="城东路8号",
        area_id=county.community_a.pk,
        caller_name="王阿姨",
        caller_phone=phone,
    )
    return request_create(actor=None, channel=RequestChannel.WEB, data=data, now=timezone.now()).request


def hotline_call(county, phone: str = PHONE) -> ServiceRequest:
    data = RequestData(
        item_code=ServiceItemFactory().code,
        description="老人想要上门理发",
        address="城东路8号",
        area_id=county.community_a.pk,
        caller_name="王阿姨",
        caller_phone=phone,
    )
    return request_create(
        actor=county.dispatcher, channel=RequestChannel.HOTLINE, data=data, now=timezone.now()
    ).request


def test_requests_made_earlier_by_the_phone_join_the_new_account(county) -> None:  # type: ignore[no-untyped-def]
    by_form, by_phone = anonymous_help(county), hotline_call(county)
    someone_else = anonymous_help(county, phone="13700000000")
    user = sign_up(county)
    html = signed_in(user).get(reverse("demand:my-requests")).content.decode()
    assert by_form.number in html and by_phone.number in html and someone_else.number not in html
    resident = Resident.objects.get(user=user)
    entry = AuditEntry.objects.filter(target_type="demand.resident", target_id=str(resident.pk), action="update").last()
    assert entry is not None
    assert entry.actor == user and "验证码" in entry.reason and PHONE not in str(entry.after)


def test_later_hotline_calls_from_the_phone_show_too(county) -> None:  # type: ignore[no-untyped-def]
    user = sign_up(county)
    later = hotline_call(county)
    assert later.number in signed_in(user).get(reverse("demand:my-requests")).content.decode()


def test_a_password_reset_unknown_to_the_hotline_creates_no_resident(county) -> None:  # type: ignore[no-untyped-def]
    user_create(username="staff", password="old-password-1", name="调度员", phone=PHONE)
    prove(CodePurpose.PASSWORD_RESET)
    password_reset_by_phone(phone=PHONE, password=PASSWORD, password_confirm=PASSWORD, now=timezone.now())
    assert not Resident.objects.exists()


def test_a_password_reset_also_proves_the_phone_and_links_its_requests(county) -> None:  # type: ignore[no-untyped-def]
    earlier = hotline_call(county)
    volunteer = user_create(username="vol", password="old-password-1", name="李志愿", phone=PHONE)
    VolunteerFactory(org=county.community_a, user=volunteer)
    prove(CodePurpose.PASSWORD_RESET)
    password_reset_by_phone(phone=PHONE, password=PASSWORD, password_confirm=PASSWORD, now=timezone.now())
    volunteer.refresh_from_db()  # the new password's session hash
    assert earlier.number in signed_in(volunteer).get(reverse("demand:my-requests")).content.decode()


def test_the_proven_owner_takes_over_a_link_made_without_proof(county) -> None:  # type: ignore[no-untyped-def]
    typist = user_create(username="typist", password=PASSWORD, name="代填的人", phone="13600000000")
    resident = ResidentFactory(raw_phone=PHONE, user=typist)
    ServiceRequestFactory(resident=resident, area=county.community_a)
    owner = sign_up(county)
    resident.refresh_from_db()
    assert resident.user == owner


def test_help_form_typed_with_another_number_does_not_claim_that_persons_requests(county) -> None:  # type: ignore[no-untyped-def]
    theirs = hotline_call(county, phone="13700000000")
    user = sign_up(county)
    client = signed_in(user)
    item = ServiceItemFactory()
    Resident.objects.filter(user=user).update(user=None)  # an account with no resident yet
    response = client.post(
        f"{reverse('demand:resident-new')}?item={item.pk}",
        {
            "description": "帮邻居问一下",
            "area": county.community_a.pk,
            "address": "城东路9号",
            "name": "邻居",
            "phone": "13700000000",
            "urgency": "1",
        },
    )
    assert response.status_code == 302
    assert Resident.objects.get(phone_hash=theirs.resident.phone_hash).user is None
    assert theirs.number not in client.get(reverse("demand:my-requests")).content.decode()


def test_signed_in_help_form_is_filled_in_and_the_request_is_attached(county) -> None:  # type: ignore[no-untyped-def]
    user = sign_up(county)
    client = signed_in(user)
    item = ServiceItemFactory()
    html = client.get(reverse("demand:resident-new"), {"item": item.pk}).content.decode()
    assert f'value="{PHONE}"' in html and 'value="王阿姨"' in html
    response = client.post(
        f"{reverse('demand:resident-new')}?item={item.pk}",
        {
            "description": "想学用手机",
            "area": county.community_a.pk,
            "address": "城东路8号",
            "name": "王阿姨",
            "phone": PHONE,
            "urgency": "1",
        },
    )
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.submitted_by == user and created.resident is not None and created.resident.user == user


def test_workbench_counts_open_requests_and_those_waiting_for_a_rating(county) -> None:  # type: ignore[no-untyped-def]
    open_one, done, rated = hotline_call(county), hotline_call(county), hotline_call(county)
    ServiceRequest.objects.filter(pk__in=[done.pk, rated.pk]).update(status=RequestStatus.RESOLVED)
    FeedbackFactory(request=rated)
    user = sign_up(county)
    client = signed_in(user)
    html = client.get(reverse("portal:home")).content.decode()
    assert "我的求助（办理中）" in html and "我的求助（待评价）" in html
    to_rate = client.get(reverse("demand:my-requests"), {"status": "to_rate"}).content.decode()
    assert done.number in to_rate and rated.number not in to_rate and open_one.number not in to_rate
    assert "去评价" in to_rate
    still_open = client.get(reverse("demand:my-requests"), {"status": "open"}).content.decode()
    assert open_one.number in still_open and done.number not in still_open
    detail = client.get(reverse("demand:request-detail", args=[done.pk])).content.decode()
    assert 'id="feedback"' in detail


@pytest.mark.parametrize("size", [1, 10])
def test_my_requests_query_count_is_constant(county, size, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(size):
        hotline_call(county)
    user = sign_up(county)
    client = signed_in(user)
    client.get(reverse("demand:my-requests"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("demand:my-requests"))
    assert response.content.decode().count('data-label="工单号"') == size
