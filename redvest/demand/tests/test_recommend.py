"""The recommendation: skill match, distance, open load and availability, each with its reason; only
candidates the asker could dispatch to; a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from redvest.accounts.models import Role
from redvest.core.errors import ValidationFailed
from redvest.demand.menu_data import MENU, Item
from redvest.demand.models import ServiceItem
from redvest.demand.models.menu import requirement_conflict
from redvest.demand.selectors.recommend import availability_score, recommend
from redvest.demand.services import service_menu_load
from redvest.demand.tests.factories import (
    CITY,
    DispatchFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    role_at,
    station_at,
)
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.tests.factories import MembershipFactory, TeamFactory
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


# ---- Where candidates are; what the item asks for ------------------------------------------------


@pytest.fixture
def west_post(county):
    """A 驿站 for community_b (城西社区), about 2.9 km west of community_a's (requests without coordinates
    are placed at their community's 驿站)."""
    post = org_node(name="城西红立方驿站", kind=OrgKind.POST, parent=county.community_b)
    return station_at(post, lat=CITY[0], lng=CITY[1] - Decimal("0.025"))


def test_volunteers_are_placed_where_they_live_and_the_nearer_ranks_first(county, now, west_post):
    request = ServiceRequestFactory(area=county.community_a, latitude=None, longitude=None)
    far = VolunteerFactory(
        org=county.town_a, residence_area="浙江省湖州市长兴县雉城街道城西社区", availability="随叫随到"
    )
    near = VolunteerFactory(org=county.town_a, residence_area="长兴县雉城街道城东社区8幢", availability="随叫随到")
    ranking = recommend(request=request, now=now)
    first, second = ranking.volunteers[:2]
    assert [first.id, second.id] == [near.pk, far.pk]
    assert first.distance_m < 100 and 2500 < second.distance_m < 3500 and first.score > second.score
    assert "距离约 0 米（按居住地：城东社区）" in first.reasons
    assert any(r.startswith("距离约 2.") and r.endswith("（按居住地：城西社区）") for r in second.reasons)


def test_a_volunteer_without_a_named_home_is_placed_at_their_team(county, now, west_post):
    request = ServiceRequestFactory(area=county.community_a, latitude=None, longitude=None)
    member = MembershipFactory(
        team=TeamFactory(org=county.community_b, name="城西网格服务队"),
        volunteer=VolunteerFactory(org=county.town_a, residence_area="长兴县雉城街道"),
    ).volunteer
    ranking = recommend(request=request, now=now)
    placed = next(c for c in ranking.volunteers if c.id == member.pk)
    assert 2500 < placed.distance_m < 3500
    assert any(r.endswith("（按所在服务队：城西网格服务队）") for r in placed.reasons)


def test_a_request_registered_at_the_town_is_placed_at_the_village_its_address_names(county, now, west_post):
    request = ServiceRequestFactory(
        area=county.town_a, address="雉城街道城西社区12幢3单元", latitude=None, longitude=None
    )
    ranking = recommend(request=request, now=now)
    assert ranking.stations[0].id == west_post.pk and ranking.stations[0].distance_m == 0
    assert ranking.stations[1].id == county.station_a.pk and ranking.stations[1].distance_m > 2500


def test_a_village_without_a_station_is_placed_at_its_centre(county, now):
    """城西社区 has no 驿站, only its 中心点 on the org tree, about 1.9 km west of the city point."""
    county.community_b.latitude, county.community_b.longitude = CITY[0], CITY[1] - Decimal("0.02")
    county.community_b.save()
    request = ServiceRequestFactory(area=county.community_b, latitude=None, longitude=None)
    home = VolunteerFactory(org=county.town_a, residence_area="雉城街道城西社区", availability="随叫随到")
    east = VolunteerFactory(org=county.town_a, residence_area="雉城街道城东社区", availability="随叫随到")
    ranking = recommend(request=request, now=now)
    assert [c.id for c in ranking.volunteers][:2] == [home.pk, east.pk]
    assert ranking.volunteers[0].distance_m == 0 and 2200 < ranking.volunteers[1].distance_m < 2600


def test_candidates_carry_their_skills_and_masked_phones(county, now):
    request = ServiceRequestFactory(area=county.community_a)
    VolunteerFactory(org=county.community_a, skills=["驾驶", "电脑操作"], raw_phone="13712345678")
    leader = VolunteerFactory(org=county.community_a, raw_phone="13787654321", name="王队长")
    TeamFactory(org=county.community_a, specialty="legal", leader=leader)
    ranking = recommend(request=request, now=now)
    volunteer = next(c for c in ranking.volunteers if c.skills)
    assert volunteer.skills == ("驾驶", "电脑操作") and volunteer.phone_masked == "137****5678"
    team = ranking.teams[0]
    assert team.skills == ("法律援助",) and team.contact == "负责人 王队长" and team.phone_masked == "137****4321"
    assert team.phone_of == leader.pk


def test_a_team_is_matched_on_the_specialty_the_items_skills_point_to(county, now):
    item = ServiceItemFactory(required_skills=["法律咨询"])  # no team specialty named on the item
    request = ServiceRequestFactory(area=county.community_a, item=item)
    TeamFactory(org=county.community_a, specialty="elderly")
    legal = TeamFactory(org=county.community_a, specialty="legal")
    ranking = recommend(request=request, now=now)
    assert ranking.teams[0].id == legal.pk and "对口专业：法律援助" in ranking.teams[0].reasons


def test_volunteers_are_matched_on_the_skills_the_items_specialty_stands_for(county, now):
    item = ServiceItemFactory(team_specialty="first_aid")  # no skills named on the item
    request = ServiceRequestFactory(area=county.community_a, item=item)
    VolunteerFactory(org=county.community_a, skills=["书法"], availability="随叫随到")
    medic = VolunteerFactory(org=county.community_a, skills=["应急救护"], availability="随叫随到")
    ranking = recommend(request=request, now=now)
    assert ranking.volunteers[0].id == medic.pk and "技能匹配 1/1（应急救护）" in ranking.volunteers[0].reasons


def test_every_menu_item_asks_for_skills_that_agree_with_its_team_specialty():
    assert {row.code: requirement_conflict(row.skills, row.specialty) for row in MENU} == {row.code: "" for row in MENU}


def test_loading_a_menu_row_whose_skills_and_specialty_disagree_is_refused():
    row = Item("XX001", "紧急救护", "测试", skills=("驾驶",), specialty="first_aid")
    with pytest.raises(ValidationFailed) as exc:
        service_menu_load(items=(row,))
    assert "所需技能应包含应急救护" in exc.value.message
    assert not ServiceItem.objects.filter(code="XX001").exists()
