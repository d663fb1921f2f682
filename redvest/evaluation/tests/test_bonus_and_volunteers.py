"""党建考核 bonus for 组团 services, comprehensive volunteer evaluation, consent masking."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.demand.models import CallbackStatus, DispatchStatus, Rating, SpotCheckStatus
from redvest.demand.tests.factories import (
    CallbackFactory,
    DispatchFactory,
    FeedbackFactory,
    ServiceRequestFactory,
    SpotCheckFactory,
)
from redvest.evaluation.models import BonusRule
from redvest.evaluation.selectors import public_name, public_volunteer_names
from redvest.evaluation.selectors.bonus import bonus_table, bonus_xlsx
from redvest.evaluation.selectors.volunteers import grade_of, top_volunteers_public, volunteer_evaluations
from redvest.evaluation.services import bonus_rule_set, consent_record
from redvest.evaluation.tests.conftest import AFTER_Q1, IN_Q1, Q1
from redvest.evaluation.tests.factories import BonusRuleFactory, PublicityConsentFactory, at
from redvest.teams.tests.factories import MembershipFactory, TeamFactory, org_admin_at, volunteer_login
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def request_with_parts(area, *teams, resolved=IN_Q1, extra_status=None):
    request = ServiceRequestFactory(area=area, status="closed", resolved_at=at(resolved))
    for team in teams:
        DispatchFactory(request=request, team=team, status=DispatchStatus.DONE)
    if extra_status:
        DispatchFactory(request=request, team=TeamFactory(org=area), status=extra_status)
    return request


@pytest.fixture
def teams(tree):
    return {
        "a1": TeamFactory(org=tree.town_a),
        "a2": TeamFactory(org=tree.community_a),
        "b": TeamFactory(org=tree.town_b),
    }


def test_bonus_counts_organisers_and_joiners_of_group_services_with_a_cap(tree, teams):
    BonusRuleFactory(org=tree.county, organise_points=5, join_points=2, cap_per_period=8)
    request_with_parts(tree.community_a, teams["a1"], teams["b"])
    request_with_parts(tree.community_a, teams["a1"], teams["a2"])
    request_with_parts(tree.town_b, teams["b"], extra_status=DispatchStatus.RECALLED)  # one completed part: no 组团
    request_with_parts(tree.town_b, teams["a1"], teams["b"], resolved=AFTER_Q1)  # next quarter
    rows = {r.org_name: r for r in bonus_table(org=tree.county, period=Q1)}
    assert {name: (r.organised, r.joined, r.raw_points, r.points) for name, r in rows.items()} == {
        "城东社区": (2, 1, 12, 8),  # 2×5 + 1×2 = 12, capped at 8
        "雉城街道": (0, 2, 4, 4),
        "画溪街道": (0, 1, 2, 2),
    }
    assert rows["城东社区"].capped and not rows["雉城街道"].capped


def test_nearest_bonus_rule_applies_and_an_inactive_one_switches_it_off(tree, teams):
    BonusRuleFactory(org=tree.county, organise_points=5, join_points=2)
    BonusRuleFactory(org=tree.town_b, organise_points=9, join_points=9, is_active=False)
    BonusRuleFactory(org=tree.town_a, organise_points=1, join_points=3)
    request_with_parts(tree.community_a, teams["a1"], teams["b"])
    rows = {r.org_name: r.points for r in bonus_table(org=tree.county, period=Q1)}
    assert rows == {"城东社区": 1, "雉城街道": 3, "画溪街道": 0}


def test_bonus_table_is_a_constant_number_of_queries(tree, teams, django_assert_max_num_queries):
    BonusRuleFactory(org=tree.county)
    for _ in range(5):
        request_with_parts(tree.community_a, teams["a1"], teams["b"])
    with django_assert_max_num_queries(3):
        bonus_table(org=tree.county, period=Q1)


def test_bonus_export_has_a_row_per_org(tree, teams):
    BonusRuleFactory(org=tree.county)
    request_with_parts(tree.community_a, teams["a1"], teams["b"])
    data = bonus_xlsx(org=tree.county, period=Q1, rows=bonus_table(org=tree.county, period=Q1))
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[1][0] == "组织"
    assert sorted(r[0] for r in values[2:]) == ["城东社区", "画溪街道", "雉城街道"]


def test_bonus_rule_input_is_checked(tree, county_admin):
    with pytest.raises(ValidationFailed) as exc:
        bonus_rule_set(actor=county_admin, org=tree.county, organise_points="x", join_points=-1)
    assert set(exc.value.errors) == {"organise_points", "join_points"}
    assert not BonusRule.objects.exists()
    rule = bonus_rule_set(actor=county_admin, org=tree.county, organise_points=5, join_points=2, cap_per_period="")
    assert (rule.organise_points, rule.join_points, rule.cap_per_period) == (5, 2, None)
    with pytest.raises(PermissionDenied):
        bonus_rule_set(actor=org_admin_at(tree.town_a), org=tree.county, organise_points=1, join_points=1)


# ---- volunteer evaluation ------------------------------------------------------------------------


@pytest.fixture
def rated(tree):
    """v1 completed a part of r1 themselves; team (v2, and v3 who left) completed a part of r2."""
    team = TeamFactory(org=tree.town_a)
    v1 = VolunteerFactory(org=tree.town_a, name="王小明")
    v2 = VolunteerFactory(org=tree.town_a, name="李四")
    v3 = VolunteerFactory(org=tree.town_a)
    MembershipFactory(team=team, volunteer=v2)
    MembershipFactory(team=team, volunteer=v3, left_at=timezone.now())
    r1 = ServiceRequestFactory(area=tree.town_a, status="closed")
    r2 = ServiceRequestFactory(area=tree.town_a, status="closed")
    DispatchFactory(request=r1, volunteer=v1, status=DispatchStatus.DONE)
    DispatchFactory(request=r2, team=team, status=DispatchStatus.DONE)
    FeedbackFactory(request=r1, rating=Rating.SATISFIED, created_at=at(IN_Q1))
    FeedbackFactory(request=r1, round=1, rating=Rating.UNSATISFIED, created_at=at(AFTER_Q1))  # next quarter
    CallbackFactory(request=r1, status=CallbackStatus.DONE, rating=Rating.BASIC, done_at=at(IN_Q1))
    SpotCheckFactory(
        request=r1, status=SpotCheckStatus.DONE, verified=True, rating=Rating.UNSATISFIED, checked_at=at(IN_Q1)
    )
    FeedbackFactory(request=r2, rating=Rating.BASIC, created_at=at(IN_Q1))
    SpotCheckFactory(request=r2, status=SpotCheckStatus.DONE, verified=False, checked_at=at(IN_Q1))
    return {"v1": v1, "v2": v2, "v3": v3}


def test_volunteer_evaluation_formula(tree, rated):
    evaluations = {e.volunteer_id: e for e in volunteer_evaluations(period=Q1, root_path=tree.county.path)}
    assert set(evaluations) == {rated["v1"].pk, rated["v2"].pk}  # v3 left the team
    v1 = evaluations[rated["v1"].pk]
    assert (v1.attitude, v1.outcome, v1.satisfaction) == (Decimal("100.0"), Decimal("40.0"), Decimal("80.0"))
    assert v1.overall == Decimal("73.3") and v1.grade == "合格"
    v2 = evaluations[rated["v2"].pk]
    assert (v2.attitude, v2.outcome, v2.satisfaction) == (Decimal("80.0"), Decimal("0.0"), None)
    assert v2.overall == Decimal("40.0") and v2.grade == "待改进"


def test_volunteer_with_only_blank_ratings_shows_no_data_instead_of_a_score(tree):
    volunteer = VolunteerFactory(org=tree.town_a)
    request = ServiceRequestFactory(area=tree.town_a, status="closed")
    DispatchFactory(request=request, volunteer=volunteer, status=DispatchStatus.DONE)
    SpotCheckFactory(request=request, status=SpotCheckStatus.DONE, verified=True, rating="", checked_at=at(IN_Q1))
    [own] = volunteer_evaluations(period=Q1, volunteer_id=volunteer.pk)
    assert own.outcome is None and own.overall is None and own.grade == "无数据"
    assert own.ratings == 1
    assert top_volunteers_public(period=Q1, root_path=tree.county.path) == []


def test_grades_by_overall_score():
    assert [grade_of(Decimal(x)) for x in ("90", "89.9", "75", "60", "59.9")] == [
        "优秀",
        "良好",
        "良好",
        "合格",
        "待改进",
    ]


def test_volunteer_evaluation_is_computed_in_five_queries(tree, rated, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        volunteer_evaluations(period=Q1, root_path=tree.county.path)


def test_one_volunteers_own_evaluation(tree, rated):
    [own] = volunteer_evaluations(period=Q1, volunteer_id=rated["v2"].pk)
    assert own.volunteer_id == rated["v2"].pk and own.ratings == 2


def test_other_subtree_is_not_evaluated(tree, rated):
    assert volunteer_evaluations(period=Q1, root_path=tree.town_b.path) == []


# ---- consent -------------------------------------------------------------------------------------


def test_public_names_are_masked_without_consent(tree):
    agreed = VolunteerFactory(org=tree.town_a, name="王小明")
    revoked = VolunteerFactory(org=tree.town_a, name="李四")
    silent = VolunteerFactory(org=tree.town_a, name="欧阳娜娜")
    PublicityConsentFactory(volunteer=agreed, granted=True)
    PublicityConsentFactory(volunteer=revoked, granted=True, recorded_at=timezone.now() - datetime.timedelta(days=2))
    PublicityConsentFactory(volunteer=revoked, granted=False)
    names = public_volunteer_names([agreed.pk, revoked.pk, silent.pk])
    assert names == {agreed.pk: "王小明", revoked.pk: "李*", silent.pk: "欧**娜"}
    assert public_name(silent) == "欧**娜"


def test_consent_is_recorded_by_the_volunteer_or_an_admin_only(tree):
    user = volunteer_login(tree.town_a)
    volunteer = user.volunteer
    consent_record(actor=user, volunteer=volunteer, granted=True)
    consent_record(actor=org_admin_at(tree.town_a), volunteer=volunteer, granted=False)
    assert public_name(volunteer) != volunteer.name
    with pytest.raises(PermissionDenied):
        consent_record(actor=org_admin_at(tree.town_b), volunteer=volunteer, granted=True)
