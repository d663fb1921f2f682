"""Who sees and changes requests and parts beyond the matrix: the hotline's area, station parts,
volunteers' parts, residents' own requests, dispatching inside one's area only."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role
from redvest.accounts.policy import can, scope
from redvest.accounts.tests.factories import UserFactory
from redvest.demand.access import can_dispatch_to, can_handle_request, can_view_resident_phone
from redvest.demand.models import Dispatch, ServiceRequest
from redvest.demand.tests.factories import DispatchFactory, ResidentFactory, ServiceRequestFactory, role_at
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_hotline_dispatcher_works_the_whole_county(county):
    in_town_a = ServiceRequestFactory(area=county.community_a)
    in_town_b = ServiceRequestFactory(area=county.community_c)
    assert can(county.dispatcher, "change", in_town_a)
    assert can(county.dispatcher, "change", in_town_b)
    assert can_dispatch_to(county.dispatcher, county.community_c)


def test_hotline_dispatcher_looks_up_volunteers_of_the_whole_county_but_changes_none(county):
    in_town_b = VolunteerFactory(org=county.community_c)
    assert can(county.dispatcher, "view", in_town_b)
    assert not can(county.dispatcher, "change", in_town_b)


def test_town_dispatcher_cannot_see_other_town(county):
    town_dispatcher = role_at(county.town_a, Role.DISPATCHER)
    assert can(town_dispatcher, "view", ServiceRequestFactory(area=county.community_a))
    assert not can(town_dispatcher, "view", ServiceRequestFactory(area=county.community_c))
    assert not can_dispatch_to(town_dispatcher, county.community_c)


def test_station_keeper_sees_and_answers_parts_sent_to_their_station(county):
    keeper = role_at(county.post_a, Role.STATION_KEEPER)
    part = DispatchFactory(request=ServiceRequestFactory(area=county.community_c), station=county.station_a)
    other = DispatchFactory(request=ServiceRequestFactory(area=county.community_c), station=county.station_c)
    assert can(keeper, "view", part.request) and can(keeper, "change", part)
    assert not can(keeper, "view", other.request) and not can(keeper, "change", other)


def test_volunteer_sees_only_requests_sent_to_them_and_cannot_change_the_request(county):
    user = UserFactory()
    me = VolunteerFactory(org=county.community_a, user=user)
    mine = DispatchFactory(request=ServiceRequestFactory(area=county.community_a), volunteer=me)
    theirs = DispatchFactory(
        request=ServiceRequestFactory(area=county.community_a), volunteer=VolunteerFactory(org=county.community_a)
    )
    assert can(user, "view", mine.request) and can(user, "change", mine)
    assert not can(user, "change", mine.request)
    assert not can(user, "view", theirs.request) and not can(user, "view", theirs)
    assert can_handle_request(user, mine.request)
    assert can_view_resident_phone(user, mine.request)
    assert not can_view_resident_phone(user, theirs.request)


def test_resident_sees_own_requests_only(county):
    user = role_at(county.community_a, Role.RESIDENT)
    mine = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory(user=user))
    submitted = ServiceRequestFactory(area=county.community_b, submitted_by=user)
    ServiceRequestFactory(area=county.community_a)  # a neighbour's request stays hidden
    visible = set(scope(user, "request", ServiceRequest.objects.all()).values_list("pk", flat=True))
    assert visible == {mine.pk, submitted.pk}
    assert not can(user, "change", mine)
    assert not scope(user, "dispatch", Dispatch.objects.all()).exists()


def test_anyone_sees_what_they_submitted_themselves(county):
    volunteer_user = UserFactory()
    VolunteerFactory(org=county.town_b, user=volunteer_user)
    submitted = ServiceRequestFactory(area=county.community_a, submitted_by=volunteer_user)
    assert can(volunteer_user, "view", submitted)
    assert not can(volunteer_user, "change", submitted)
