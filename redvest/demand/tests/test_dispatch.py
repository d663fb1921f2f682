"""Dispatch rules: who may send where, accept/decline/arrive, 组团 parts, re-dispatch history, cancel."""

from __future__ import annotations

import datetime

import pytest

from redvest.accounts.models import Role
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.demand.errors import (
    DispatchStateInvalid,
    DuplicateAssignee,
    NoCandidate,
    OutsideDispatchArea,
    RequestNotOpen,
)
from redvest.demand.models import Dispatch, DispatchStatus, EventKind, RequestStatus
from redvest.demand.services import (
    Target,
    dispatch_accept,
    dispatch_arrive,
    dispatch_create,
    dispatch_decline,
    dispatch_recall,
    request_auto_dispatch,
    request_cancel,
    request_redispatch,
)
from redvest.demand.tests.factories import ServiceItemFactory, ServiceRequestFactory, role_at
from redvest.teams.tests.factories import TeamFactory, leader_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(county, now):
    return ServiceRequestFactory(area=county.community_a, created_at=now)


def send(county, request, *targets, now):
    return dispatch_create(actor=county.dispatcher, request=request, targets=list(targets), now=now)


def test_dispatch_to_a_team_waits_for_acceptance_and_tells_its_leader(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = send(county, request_a, Target("team", team.pk), now=now)
    request_a.refresh_from_db()
    assert part.status == DispatchStatus.PENDING
    assert part.accept_due_at == now + datetime.timedelta(minutes=10)
    assert request_a.status == RequestStatus.DISPATCHED and request_a.dispatched_at == now
    assert Notification.objects.filter(recipient=leader, title__contains="新派单").exists()


def test_dispatch_outside_the_dispatchers_subtree_is_refused_and_writes_nothing(county, now):
    town_dispatcher = role_at(county.town_a, Role.DISPATCHER)
    request = ServiceRequestFactory(area=county.community_a)
    far_team = TeamFactory(org=county.community_c)
    with pytest.raises(OutsideDispatchArea) as exc:
        dispatch_create(actor=town_dispatcher, request=request, targets=[Target("team", far_team.pk)], now=now)
    assert far_team.name in exc.value.message
    assert not Dispatch.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and not request.events.exists()


def test_one_bad_target_among_several_writes_no_part(county, request_a, now):
    ok = TeamFactory(org=county.community_a)
    with pytest.raises(NotFound):
        send(county, request_a, Target("team", ok.pk), Target("volunteer", 999999), now=now)
    assert not Dispatch.objects.exists()


def test_no_target_is_a_field_error(county, request_a, now):
    with pytest.raises(ValidationFailed) as exc:
        send(county, request_a, now=now)
    assert "targets" in exc.value.errors


def test_same_assignee_twice_while_active_is_refused(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    send(county, request_a, Target("team", team.pk), now=now)
    with pytest.raises(DuplicateAssignee):
        send(county, request_a, Target("team", team.pk), now=now)


def test_residents_cannot_dispatch(county, request_a, now):
    resident = role_at(county.community_a, Role.RESIDENT)
    with pytest.raises(PermissionDenied):
        dispatch_create(actor=resident, request=request_a, targets=[Target("station", county.station_a.pk)], now=now)


def test_accept_then_accept_again_is_refused(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = send(county, request_a, Target("team", team.pk), now=now)
    dispatch_accept(actor=leader, dispatch=part, now=now + datetime.timedelta(minutes=2))
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.ACCEPTED and request_a.accepted_at is not None
    with pytest.raises(DispatchStateInvalid):
        dispatch_accept(actor=leader, dispatch=part, now=now)


def test_someone_elses_part_cannot_be_accepted(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    [part] = send(county, request_a, Target("team", team.pk), now=now)
    other_leader = leader_login(TeamFactory(org=county.community_a))
    with pytest.raises(PermissionDenied):
        dispatch_accept(actor=other_leader, dispatch=part, now=now)


def test_decline_returns_the_request_to_the_dispatcher_and_keeps_history(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = send(county, request_a, Target("team", team.pk), now=now)
    dispatch_decline(actor=leader, dispatch=part, reason="队员都在外地", now=now)
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.RETURNED
    assert "队员都在外地" in request_a.status_notes
    assert Notification.objects.filter(recipient=county.dispatcher, title__contains="退回").exists()
    other = TeamFactory(org=county.community_a)
    send(county, request_a, Target("team", other.pk), now=now)
    assert list(request_a.dispatches.values_list("status", flat=True)) == [
        DispatchStatus.DECLINED,
        DispatchStatus.PENDING,
    ]
    assert request_a.events.filter(kind=EventKind.DECLINED).exists()


def test_decline_needs_a_reason(county, request_a, now):
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = send(county, request_a, Target("team", team.pk), now=now)
    with pytest.raises(Exception) as exc:
        dispatch_decline(actor=leader, dispatch=part, reason="  ", now=now)
    assert "拒单原因" in str(exc.value)
    part.refresh_from_db()
    assert part.status == DispatchStatus.PENDING


def test_group_service_declined_part_is_flagged_while_others_run(county, request_a, now):
    a, b = TeamFactory(org=county.community_a), TeamFactory(org=county.community_a)
    leader_b = leader_login(b)
    parts = send(county, request_a, Target("team", a.pk, "义诊"), Target("team", b.pk, "法律宣传"), now=now)
    assert [p.part_label for p in parts] == ["义诊", "法律宣传"]
    dispatch_decline(actor=leader_b, dispatch=parts[1], reason="时间冲突", now=now)
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.DISPATCHED and request_a.needs_redispatch


def test_redispatch_recalls_running_parts_and_keeps_them_as_history(county, request_a, now):
    first = TeamFactory(org=county.community_a)
    second = TeamFactory(org=county.community_b)
    send(county, request_a, Target("team", first.pk), now=now)
    request_redispatch(
        actor=county.dispatcher, request=request_a, targets=[Target("team", second.pk)], reason="就近改派", now=now
    )
    rows = list(request_a.dispatches.order_by("id").values_list("team_id", "status", "recall_reason"))
    assert rows == [(first.pk, DispatchStatus.RECALLED, "就近改派"), (second.pk, DispatchStatus.PENDING, "")]
    assert request_a.events.filter(kind=EventKind.RECALLED).count() == 1


def test_recall_of_the_only_part_returns_the_request(county, request_a, now):
    [part] = send(county, request_a, Target("station", county.station_a.pk), now=now)
    dispatch_recall(actor=county.dispatcher, dispatch=part, reason="派错站点", now=now)
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.RETURNED


def test_arrival_stops_the_clock_and_cannot_be_repeated(county, request_a, now):
    keeper = role_at(county.post_a, Role.STATION_KEEPER)
    [part] = send(county, request_a, Target("station", county.station_a.pk), now=now)
    later = now + datetime.timedelta(minutes=20)
    dispatch_arrive(actor=keeper, dispatch=part, now=later)
    request_a.refresh_from_db()
    part.refresh_from_db()
    assert request_a.responded_at == later and part.status == DispatchStatus.ACCEPTED
    with pytest.raises(DispatchStateInvalid):
        dispatch_arrive(actor=keeper, dispatch=part, now=later)


def test_cancel_recalls_parts_and_closes_the_request_for_good(county, request_a, now):
    [part] = send(county, request_a, Target("station", county.station_a.pk), now=now)
    request_cancel(actor=county.dispatcher, request=request_a, reason="群众已自行解决", now=now)
    part.refresh_from_db()
    request_a.refresh_from_db()
    assert part.status == DispatchStatus.RECALLED and request_a.status == RequestStatus.CANCELLED
    with pytest.raises(RequestNotOpen):
        send(county, request_a, Target("station", county.station_a.pk), now=now)


def test_rule_dispatch_prefers_the_items_default_kind(county, now):
    item = ServiceItemFactory(assignee_kind="team")
    team = TeamFactory(org=county.community_a)
    request = ServiceRequestFactory(area=county.community_a, item=item)
    part = request_auto_dispatch(actor=county.dispatcher, request=request, now=now)
    assert part.team == team and part.via_rule and part.reasons


def test_rule_dispatch_without_any_candidate_says_so(county, now):
    from redvest.orgs.models import Station

    Station.objects.all().delete()
    request = ServiceRequestFactory(area=county.community_b)
    with pytest.raises(NoCandidate):
        request_auto_dispatch(actor=county.dispatcher, request=request, now=now)
    assert not request.dispatches.exists()
