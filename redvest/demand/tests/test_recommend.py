"""The recommendation: skill match, distance, open load and availability, each with its reason; only
candidates the asker could dispatch to; a constant number of queries."""

from __future__ import annotations

import datetime

import pytest

from redvest.accounts.models import Role
from redvest.demand.selectors.recommend import availability_score, recommend
from redvest.demand.tests.factories import DispatchFactory, ServiceItemFactory, ServiceRequestFactory, role_at
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_skill_match_ranks_first_and_says_why(county, now):
    item = ServiceItemFactory(required_skills=["应急救护", "医疗护理"])
    request = ServiceRequestFactory(area=county.community_a, item=item)
    nurse = VolunteerFactory(org=county.community_a, skills=["应急救护", "医疗护理"], availability="随叫随到")
    half = VolunteerFactory(org=county.community_a, skills=["应急救护"], availability="随叫随到")
    ranking = recommend(request=request, now=now)
    ids = [c.id for c in ranking.volunteers]
    assert ids[:2] == [nurse.pk, half.pk]
    top = ranking.volunteers[0]
    assert "技能匹配 2/2（应急救护、医疗护理）" in top.reasons
    assert any(r.startswith("距离约") for r in top.reasons)
    assert "当前在办 0 件" in top.reasons


def test_open_load_lowers_a_candidate(county, now):
    request = ServiceRequestFactory(area=county.community_a)
    busy = VolunteerFactory(org=county.community_a, availability="随叫随到")
    free = VolunteerFactory(org=county.community_a, availability="随叫随到")
    for _ in range(3):
        DispatchFactory(volunteer=busy, request=ServiceRequestFactory(area=county.community_a))
    ranking = recommend(request=request, now=now)
    assert [c.id for c in ranking.volunteers][:2] == [free.pk, busy.pk]
    assert "当前在办 3 件" in ranking.volunteers[1].reasons


def test_nearer_station_ranks_before_a_far_one(county, now):
    request = ServiceRequestFactory(area=county.county)
    ranking = recommend(request=request, now=now)
    assert [c.id for c in ranking.stations] == [county.station_a.pk, county.station_c.pk]
    assert ranking.stations[0].distance_m < 1000 < ranking.stations[1].distance_m


def test_team_with_the_items_specialty_ranks_first(county, now):
    item = ServiceItemFactory(team_specialty="elderly")
    request = ServiceRequestFactory(area=county.community_a, item=item)
    TeamFactory(org=county.community_a, specialty="legal")
    elderly = TeamFactory(org=county.community_a, specialty="elderly")
    ranking = recommend(request=request, now=now)
    assert ranking.teams[0].id == elderly.pk and "对口专业：养老服务" in ranking.teams[0].reasons


def test_only_candidates_in_the_askers_area_are_offered(county, now):
    town_dispatcher = role_at(county.town_b, Role.DISPATCHER)
    from redvest.demand.access import dispatch_area_paths

    VolunteerFactory(org=county.community_a)
    far = VolunteerFactory(org=county.community_c)
    request = ServiceRequestFactory(area=county.community_c)
    ranking = recommend(request=request, now=now, within=dispatch_area_paths(town_dispatcher))
    assert [c.id for c in ranking.volunteers] == [far.pk]
    assert [c.id for c in ranking.stations] == [county.station_c.pk]


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("随叫随到", 1.0),
        ("工作日白天", 1.0),
        ("工作日晚上", 0.0),
        ("周末", 0.0),
        ("每月25日党员先锋服务日", 0.0),
        ("", 0.5),
    ],
)
def test_availability_is_read_against_the_local_time(now, text, score):
    assert availability_score(text, now)[0] == score  # Wednesday 10:00


def test_weekend_availability_matches_on_saturday(now):
    saturday = now + datetime.timedelta(days=3)
    assert availability_score("周末及节假日", saturday)[0] == 1.0


def test_query_count_is_bounded_by_tree_depth_not_by_candidates(county, now):
    """The pool widens one tree level at a time, so queries grow with depth (a handful), never with rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = ServiceItemFactory(required_skills=["驾驶"])
    request = ServiceRequestFactory(area=county.community_a, item=item)
    counts = []
    for batch in (1, 40):
        for _ in range(batch):
            VolunteerFactory(org=county.community_a, skills=["驾驶"])
            TeamFactory(org=county.community_a)
        fresh = type(request).objects.select_related("item", "area").get(pk=request.pk)
        with CaptureQueriesContext(connection) as ctx:
            ranking = recommend(request=fresh, now=now)
        counts.append(len(ctx.captured_queries))
        assert ranking.volunteers
    levels = 3  # community, town, county
    # Per level: volunteers' subtree ids and rows, teams, stations; once: the town, places, three loads.
    assert max(counts) <= 4 * levels + 5
    assert counts[1] <= counts[0]
