"""Callbacks (不满意 reopens), feedback forms, spot checks, statistics and satisfaction."""

from __future__ import annotations

import datetime

import pytest

from redvest.accounts.models import Role
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.demand.errors import AlreadyEvaluated
from redvest.demand.models import Callback, CallbackStatus, FeedbackSource, Rating, RequestStatus, SpotCheck
from redvest.demand.selectors.stats import demand_stats, satisfaction_by
from redvest.demand.services import (
    Target,
    callback_record,
    callback_unreachable,
    dispatch_arrive,
    dispatch_complete,
    dispatch_create,
    feedback_submit,
    spot_check_draw,
    spot_check_record,
)
from redvest.demand.tests.factories import (
    CallbackFactory,
    ResidentFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    role_at,
)
from redvest.teams.tests.factories import TeamFactory, leader_login

pytestmark = pytest.mark.django_db


def resolved(county, now, **kw):
    """A request handled by a team, resolved an hour after it came in."""
    team = kw.pop("team", None) or TeamFactory(org=county.community_a)
    leader = leader_login(team)
    request = ServiceRequestFactory(area=county.community_a, created_at=now, **kw)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    dispatch_arrive(actor=leader, dispatch=part, now=now + datetime.timedelta(minutes=20))
    dispatch_complete(actor=leader, dispatch=part, result="已办好", now=now + datetime.timedelta(hours=1))
    request.refresh_from_db()
    return request


def test_satisfied_callback_archives_the_request(county, now):
    request = resolved(county, now)
    callback = Callback.objects.get(request=request)
    callback_record(actor=county.dispatcher, callback=callback, rating=Rating.SATISFIED, comment="", now=now)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.closed_at == now


def test_unsatisfied_callback_needs_a_reason_and_reopens_with_a_new_clock(county, now):
    request = resolved(county, now)
    callback = Callback.objects.get(request=request)
    with pytest.raises(Exception) as exc:
        callback_record(actor=county.dispatcher, callback=callback, rating=Rating.UNSATISFIED, comment="", now=now)
    assert "不满意原因" in str(exc.value)
    later = now + datetime.timedelta(days=1)
    callback_record(
        actor=county.dispatcher, callback=callback, rating=Rating.UNSATISFIED, comment="水管又漏了", now=later
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED and request.reopened_count == 1
    assert request.resolution_due_at == later + datetime.timedelta(hours=24)
    assert request.resolved_at is None
    assert "水管又漏了" in request.status_notes


def test_recording_a_callback_twice_is_refused(county, now):
    request = resolved(county, now)
    callback = Callback.objects.get(request=request)
    callback_record(actor=county.dispatcher, callback=callback, rating=Rating.BASIC, comment="", now=now)
    with pytest.raises(AlreadyEvaluated):
        callback_record(actor=county.dispatcher, callback=callback, rating=Rating.SATISFIED, comment="", now=now)


def test_a_second_round_gets_its_own_callback(county, now):
    request = resolved(county, now)
    callback_record(
        actor=county.dispatcher,
        callback=Callback.objects.get(request=request),
        rating="unsatisfied",
        comment="没修好",
        now=now,
    )
    team = TeamFactory(org=county.community_a)
    leader = leader_login(team)
    [part] = dispatch_create(actor=county.dispatcher, request=request, targets=[Target("team", team.pk)], now=now)
    dispatch_complete(actor=leader, dispatch=part, result="重新修好", now=now + datetime.timedelta(hours=2))
    assert list(Callback.objects.filter(request=request).values_list("round", "status")) == [
        (0, CallbackStatus.DONE),
        (1, CallbackStatus.PENDING),
    ]


def test_unreachable_callback_stays_open_and_counts_attempts(county, now):
    callback = Callback.objects.get(request=resolved(county, now))
    callback_unreachable(actor=county.dispatcher, callback=callback, now=now)
    callback.refresh_from_db()
    assert callback.attempts == 1 and callback.status == CallbackStatus.PENDING


def test_volunteers_cannot_record_callbacks(county, now):
    callback = CallbackFactory(request=ServiceRequestFactory(area=county.community_a, status="resolved"))
    leader = leader_login(TeamFactory(org=county.community_a))
    with pytest.raises(PermissionDenied):
        callback_record(actor=leader, callback=callback, rating="satisfied", comment="", now=now)


def test_resident_fills_in_feedback_once_for_their_own_request(county, now):
    user = role_at(county.community_a, Role.RESIDENT)
    request = resolved(county, now, resident=ResidentFactory(user=user))
    feedback_submit(
        actor=user, request=request, rating="satisfied", comment="很及时", source=FeedbackSource.RESIDENT, now=now
    )
    with pytest.raises(AlreadyEvaluated):
        feedback_submit(
            actor=user, request=request, rating="satisfied", comment="", source=FeedbackSource.RESIDENT, now=now
        )
    stranger = role_at(county.community_a, Role.RESIDENT)
    with pytest.raises(PermissionDenied):
        feedback_submit(
            actor=stranger, request=request, rating="basic", comment="", source=FeedbackSource.RESIDENT, now=now
        )


def test_feedback_before_resolution_is_refused(county, now):
    user = role_at(county.community_a, Role.RESIDENT)
    request = ServiceRequestFactory(area=county.community_a, resident=ResidentFactory(user=user))
    with pytest.raises(Conflict):
        feedback_submit(actor=user, request=request, rating="satisfied", comment="", source="resident", now=now)


def test_spot_checks_draw_at_random_from_finished_requests_in_range(county, now):
    done = [resolved(county, now) for _ in range(4)]
    ServiceRequestFactory(area=county.community_a)  # still open: never drawn
    checks = spot_check_draw(
        actor=county.dispatcher,
        root=county.county,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
        count=3,
        now=now,
    )
    assert len(checks) == 3 and {c.request_id for c in checks} <= {r.pk for r in done}
    again = spot_check_draw(
        actor=county.dispatcher,
        root=county.county,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
        count=3,
        now=now,
    )
    assert len(again) == 1  # only one finished request was left undrawn
    with pytest.raises(ValidationFailed):
        spot_check_draw(
            actor=county.dispatcher,
            root=county.county,
            start=now,
            end=now + datetime.timedelta(days=1),
            count=3,
            now=now,
        )


def test_spot_check_result_is_recorded_once_and_needs_a_note_when_not_verified(county, now):
    request = resolved(county, now)
    [check] = spot_check_draw(
        actor=county.dispatcher,
        root=county.county,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
        count=1,
        now=now,
    )
    with pytest.raises(Exception) as exc:
        spot_check_record(actor=county.dispatcher, check=check, verified=False, rating="unsatisfied", note="", now=now)
    assert "抽查情况" in str(exc.value)
    spot_check_record(actor=county.dispatcher, check=check, verified=True, rating="basic", note="", now=now)
    with pytest.raises(AlreadyEvaluated):
        spot_check_record(actor=county.dispatcher, check=check, verified=True, rating="basic", note="", now=now)
    assert SpotCheck.objects.get(request=request).rating == "basic"


def test_statistics_per_subtree_and_period(county, now):
    on_time = resolved(county, now, item=ServiceItemFactory(category="elderly"))
    callback_record(actor=county.dispatcher, callback=on_time.callbacks.get(), rating="satisfied", comment="", now=now)
    late = ServiceRequestFactory(area=county.community_c, created_at=now, category="dispute")
    late.responded_at = now + datetime.timedelta(minutes=50)
    late.arrival_breached_at = now + datetime.timedelta(minutes=31)
    late.save()
    ServiceRequestFactory(area=county.community_a, created_at=now - datetime.timedelta(days=60))  # outside the period
    stats = demand_stats(
        user=county.dispatcher,
        root=county.county,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
    )
    assert stats.total == 2
    assert dict(stats.by_category)["居家养老"] == 1 and dict(stats.by_category)["纠纷调解"] == 1
    assert dict(stats.by_area) == {"雉城街道": 1, "画溪街道": 1}
    assert (stats.response_p50, stats.response_p90) == (20, 50)
    assert stats.resolution_p50 == 60
    assert stats.arrival_on_time == 50.0 and stats.resolution_on_time == 100.0
    assert stats.satisfaction == 100.0 and stats.rated == 1 and stats.overdue == 1
    town = demand_stats(
        user=county.dispatcher,
        root=county.town_b,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
    )
    assert town.total == 1


def test_satisfaction_per_service_team_and_station(county, now):
    team = TeamFactory(org=county.community_a, name="城东助老队")
    item = ServiceItemFactory(name="助餐送餐")
    first = resolved(county, now, team=team, item=item)
    second = resolved(county, now, team=team, item=item)
    callback_record(actor=county.dispatcher, callback=first.callbacks.get(), rating="satisfied", comment="", now=now)
    callback_record(
        actor=county.dispatcher, callback=second.callbacks.get(), rating="unsatisfied", comment="送晚了", now=now
    )
    window = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    [by_item] = satisfaction_by(user=county.dispatcher, root=county.county, by="item", **window)
    assert (by_item.name, by_item.satisfied, by_item.unsatisfied, by_item.rate) == ("助餐送餐", 1, 1, 50.0)
    [by_team] = satisfaction_by(user=county.dispatcher, root=county.county, by="team", **window)
    assert by_team.name == "城东助老队" and by_team.total == 2
    assert satisfaction_by(user=county.dispatcher, root=county.county, by="station", **window) == []
