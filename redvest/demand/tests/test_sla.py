"""The SLA clock, driven with a frozen time: overdue marks, escalation one org level per breach, stalled
parts back to the dispatcher, notifications, and the "sla" task itself."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command

from redvest.accounts.models import Role
from redvest.core.models import Notification
from redvest.demand.models import DispatchStatus, EventKind, RequestStatus, ServiceRequest
from redvest.demand.services import Target, dispatch_arrive, dispatch_create, sla_sweep
from redvest.demand.tasks import sla_check
from redvest.demand.tests.factories import ServiceRequestFactory, role_at

pytestmark = pytest.mark.django_db


def test_nothing_is_overdue_before_the_due_time(county, now):
    ServiceRequestFactory(area=county.community_a, created_at=now)
    result = sla_sweep(now=now + datetime.timedelta(minutes=29))
    assert (result.arrival_overdue, result.resolution_overdue, result.stalled) == (0, 0, 0)


def test_arrival_overdue_is_marked_once_and_escalated_to_the_parent_level(county, now):
    town_admin = role_at(county.town_a, Role.ORG_ADMIN)
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    at = now + datetime.timedelta(minutes=31)
    result = sla_sweep(now=at)
    request.refresh_from_db()
    assert result.arrival_overdue == 1
    assert request.arrival_breached_at == at
    assert request.escalation_level == 1 and request.escalated_to == county.town_a
    event = request.events.get(kind=EventKind.ARRIVAL_OVERDUE)
    assert event.at == at and "升级至「雉城街道」督办" in event.message
    assert Notification.objects.filter(recipient=town_admin).count() == 1
    assert Notification.objects.filter(recipient=county.dispatcher, body__contains=request.number).exists()
    again = sla_sweep(now=at + datetime.timedelta(minutes=5))
    assert again.arrival_overdue == 0
    assert request.events.filter(kind=EventKind.ARRIVAL_OVERDUE).count() == 1


def test_resolution_overdue_escalates_one_more_level(county, now):
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    sla_sweep(now=now + datetime.timedelta(minutes=31))
    sla_sweep(now=now + datetime.timedelta(hours=25))
    request.refresh_from_db()
    assert request.resolution_breached_at is not None
    assert request.escalation_level == 2 and request.escalated_to == county.county


def test_a_request_answered_in_time_is_not_marked_late(county, now):
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    [part] = dispatch_create(
        actor=county.dispatcher, request=request, targets=[Target("station", county.station_a.pk)], now=now
    )
    keeper = role_at(county.post_a, Role.STATION_KEEPER)
    dispatch_arrive(actor=keeper, dispatch=part, now=now + datetime.timedelta(minutes=25))
    result = sla_sweep(now=now + datetime.timedelta(minutes=40))
    request.refresh_from_db()
    assert result.arrival_overdue == 0 and request.arrival_breached_at is None


def test_finished_and_cancelled_requests_are_not_watched(county, now):
    ServiceRequestFactory(area=county.community_a, created_at=now, status=RequestStatus.RESOLVED)
    ServiceRequestFactory(area=county.community_a, created_at=now, status=RequestStatus.CANCELLED)
    result = sla_sweep(now=now + datetime.timedelta(days=3))
    assert (result.arrival_overdue, result.resolution_overdue) == (0, 0)


def test_a_part_nobody_accepts_returns_to_the_dispatcher(county, now):
    request = ServiceRequestFactory(area=county.community_a, created_at=now)
    [part] = dispatch_create(
        actor=county.dispatcher, request=request, targets=[Target("station", county.station_a.pk)], now=now
    )
    result = sla_sweep(now=now + datetime.timedelta(minutes=11))
    part.refresh_from_db()
    request.refresh_from_db()
    assert result.stalled == 1
    assert part.status == DispatchStatus.STALLED and request.status == RequestStatus.RETURNED
    assert request.events.filter(kind=EventKind.STALLED).exists()


def test_the_per_request_check_only_touches_its_request(county, now):
    mine = ServiceRequestFactory(area=county.community_a, created_at=now)
    other = ServiceRequestFactory(area=county.community_a, created_at=now)
    with mock.patch("redvest.demand.tasks.timezone.now", return_value=now + datetime.timedelta(hours=1)):
        sla_check.enqueue(mine.pk)
    assert ServiceRequest.objects.get(pk=mine.pk).arrival_breached_at is not None
    assert ServiceRequest.objects.get(pk=other.pk).arrival_breached_at is None


def test_the_command_sweeps_and_reports(county, now, capsys):
    ServiceRequestFactory(area=county.community_a, created_at=now - datetime.timedelta(hours=1))
    call_command("sla_sweep")
    assert "到场超时 1 件" in capsys.readouterr().out
