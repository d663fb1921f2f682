"""Which demand events are texted, as which SMS kind: a new dispatch to the assignee (dispatch_notice), the
first acceptance to the resident (request_accepted: in their inbox and texted when they have an account,
else texted at the number they gave, after commit)."""

from __future__ import annotations

import datetime

import pytest

from redvest.accounts.tests import sms
from redvest.accounts.tests.factories import UserFactory
from redvest.core.models import Notification
from redvest.demand.services import Target, dispatch_accept, dispatch_create
from redvest.demand.tests.factories import ResidentFactory, ServiceRequestFactory
from redvest.teams.tests.factories import TeamFactory, leader_login

pytestmark = pytest.mark.django_db

PHONE = "13955556666"


@pytest.fixture
def outbox(settings):  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def test_a_new_dispatch_carries_the_dispatch_notice_kind(county, now) -> None:  # type: ignore[no-untyped-def]
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    row = Notification.objects.get(recipient=leader, title__contains="新派单")
    assert row.sms_kind == "dispatch_notice"
    assert row.sms_params == {"item": request.item.name, "number": request.number, "minutes": 10}


def test_first_acceptance_texts_a_resident_without_account_after_commit(
    county, now, outbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    request = ServiceRequestFactory(area=county.community_a, created_at=now, resident=ResidentFactory(raw_phone=PHONE))
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_accept(actor=leader, dispatch=part, now=now + datetime.timedelta(minutes=2))
    assert outbox == [(PHONE, f"【红马甲】您的诉求（工单{request.number}）已有志愿者接单，将尽快为您服务。")]


def test_first_acceptance_tells_a_resident_with_account_in_the_inbox_and_by_sms_kind(county, now) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    request = ServiceRequestFactory(
        area=county.community_a, created_at=now, resident=ResidentFactory(raw_phone=PHONE, user=user)
    )
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    dispatch_accept(actor=leader, dispatch=part, now=now + datetime.timedelta(minutes=2))
    row = Notification.objects.get(recipient=user)
    assert row.title.startswith("您的诉求已有志愿者接单")
    assert (row.sms_kind, row.sms_params) == ("request_accepted", {"number": request.number})
