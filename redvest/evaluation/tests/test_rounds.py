"""Schemes, bulk computation on a small tree, adjustments, review, publication and ranking ties."""

from __future__ import annotations

from decimal import Decimal

import pytest

from redvest.audit.models import AuditEntry
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.demand.models import CallbackStatus, Rating
from redvest.demand.tests.factories import CallbackFactory, ServiceRequestFactory
from redvest.evaluation.models import (
    EvaluationRound,
    EvaluationScheme,
    EvaluationScore,
    Metric,
    Normalisation,
    RankingEntry,
    RoundStatus,
    ScoreAdjustment,
)
from redvest.evaluation.selectors import (
    competition_ranks,
    published_ranking,
    round_scores,
    scheme_in_force,
)
from redvest.evaluation.services import (
    CriterionData,
    round_create,
    round_publish,
    round_recompute,
    round_review_all,
    scheme_create,
    scheme_set_criteria,
    score_adjust,
    score_review,
)
from redvest.evaluation.tests.conftest import IN_Q1, Q1
from redvest.evaluation.tests.factories import at, scheme_with
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.records.tests.factories import ServiceRecordFactory
from redvest.teams.tests.factories import org_admin_at
from redvest.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def crit(metric: str, weight: object, **kw: object) -> CriterionData:
    return CriterionData(metric=metric, weight=weight, **kw)  # type: ignore[arg-type]


def new_round(scored, **kw: object) -> EvaluationRound:
    args = {"actor": scored.admin, "org": scored.tree.county, "year": 2026, "quarter": 1, "cohort_kind": OrgKind.TOWN}
    args.update(kw)
    return round_create(**args)  # type: ignore[arg-type]


def scores_by_org(round: EvaluationRound) -> dict[int, EvaluationScore]:
    return {s.org_id: s for s in round_scores(round=round)}


# ---- schemes -------------------------------------------------------------------------------------


def test_weights_must_total_100(tree, county_admin):
    with pytest.raises(ValidationFailed) as exc:
        scheme_create(
            actor=county_admin,
            org=tree.county,
            name="季度评议",
            criteria=[crit(Metric.ACTIVITIES, 60), crit(Metric.SATISFACTION, 30)],
        )
    assert exc.value.errors == {"weights": "各项指标权重合计须为100%，当前合计90%"}
    assert not EvaluationScheme.objects.exists()


def test_repeated_metric_and_bad_weight_are_refused_by_field(tree, county_admin):
    with pytest.raises(ValidationFailed) as exc:
        scheme_create(
            actor=county_admin,
            org=tree.county,
            name="季度评议",
            criteria=[crit(Metric.ACTIVITIES, "x"), crit(Metric.ACTIVITIES, 100), crit("nonsense", 10)],
        )
    assert set(exc.value.errors) == {"criteria.0.weight", "criteria.1.metric", "criteria.2.metric"}


def test_threshold_needs_a_positive_target(tree, county_admin):
    with pytest.raises(ValidationFailed) as exc:
        scheme_create(
            actor=county_admin,
            org=tree.county,
            name="季度评议",
            criteria=[crit(Metric.SATISFACTION, 100, normalisation=Normalisation.THRESHOLD)],
        )
    assert "criteria.0.target" in exc.value.errors


def test_scheme_is_inherited_until_a_descendant_sets_its_own(tree, county_admin):
    county_scheme = scheme_create(
        actor=county_admin, org=tree.county, name="县级方案", criteria=[crit(Metric.ACTIVITIES, 100)]
    )
    assert scheme_in_force(org=tree.community_a) == county_scheme
    town_scheme = scheme_create(
        actor=county_admin, org=tree.town_a, name="街道方案", criteria=[crit(Metric.SATISFACTION, 100)]
    )
    assert scheme_in_force(org=tree.community_a) == town_scheme
    assert scheme_in_force(org=tree.town_b) == county_scheme


def test_town_admin_cannot_set_the_county_scheme(tree):
    with pytest.raises(PermissionDenied):
        scheme_create(
            actor=org_admin_at(tree.town_a), org=tree.county, name="x", criteria=[crit(Metric.ACTIVITIES, 100)]
        )


def test_criteria_are_replaced_as_a_whole_and_audited(tree, county_admin):
    scheme = scheme_create(actor=county_admin, org=tree.county, name="方案", criteria=[crit(Metric.ACTIVITIES, 100)])
    scheme_set_criteria(
        actor=county_admin, scheme=scheme, criteria=[crit(Metric.ACTIVITIES, 50), crit(Metric.SATISFACTION, 50)]
    )
    assert sorted(scheme.criteria.values_list("metric", "weight")) == [("activities", 50), ("satisfaction", 50)]
    with pytest.raises(ValidationFailed):
        scheme_set_criteria(actor=county_admin, scheme=scheme, criteria=[crit(Metric.ACTIVITIES, 99)])
    assert scheme.criteria.count() == 2
    assert AuditEntry.objects.filter(target_type="evaluation.evaluationscheme").count() == 2


# ---- computation ---------------------------------------------------------------------------------


def test_round_computes_each_town_by_hand(scored):
    tree = scored.tree
    round = new_round(scored)
    scores = scores_by_org(round)
    assert set(scores) == {tree.town_a.pk, tree.town_b.pk}
    a, b = scores[tree.town_a.pk], scores[tree.town_b.pk]
    assert a.values == {"hours_per_member": 3.0, "activities": 1.0, "satisfaction": 50.0}
    assert b.values == {"hours_per_member": 1.0, "activities": 2.0, "satisfaction": 100.0}
    # hours: 3/3 → 100, 1/3 → 33.33; activities: 1/2 → 50, 2/2 → 100; satisfaction vs target 90: 55.56, 100
    assert a.metric_scores == {"hours_per_member": 100.0, "activities": 50.0, "satisfaction": 55.56}
    assert b.metric_scores == {"hours_per_member": 33.33, "activities": 100.0, "satisfaction": 100.0}
    assert a.computed == Decimal("71.67")  # (40×100 + 30×50 + 30×55.56) / 100
    assert b.computed == Decimal("73.33")  # (40×33.33 + 30×100 + 30×100) / 100
    assert round.criteria[0] == {"metric": "hours_per_member", "weight": 40, "normalisation": "max", "target": None}


def test_computation_is_a_constant_number_of_queries(scored, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        new_round(scored)


def test_an_org_without_members_scores_zero_on_per_member_metrics(scored):
    Volunteer.objects.filter(org=scored.tree.town_b).update(status="suspended")
    round = new_round(scored)
    b = scores_by_org(round)[scored.tree.town_b.pk]
    assert b.values["hours_per_member"] is None
    assert b.metric_scores["hours_per_member"] == 0.0


def test_an_org_with_no_volunteers_and_no_activities_scores_zero(scored):
    tree = scored.tree
    empty = org_node(name="泗安镇", kind=OrgKind.TOWN, parent=tree.county)
    CallbackFactory(  # a satisfied resident in its area: someone else's work, not the town's
        request=ServiceRequestFactory(area=empty, status="closed"),
        status=CallbackStatus.DONE,
        rating=Rating.SATISFIED,
        done_at=at(IN_Q1),
    )
    round = new_round(scored)
    scores = scores_by_org(round)
    assert scores[empty.pk].values["satisfaction"] == 100.0
    assert scores[empty.pk].metric_scores == {"hours_per_member": 0.0, "activities": 0.0, "satisfaction": 0.0}
    assert scores[empty.pk].computed == Decimal("0.00")
    assert scores[tree.town_a.pk].computed == Decimal("71.67")


def test_no_scheme_anywhere_is_refused(tree, county_admin):
    with pytest.raises(ValidationFailed) as exc:
        round_create(actor=county_admin, org=tree.county, year=2026, quarter=1, cohort_kind=OrgKind.TOWN)
    assert "scheme" in exc.value.errors
    assert not EvaluationRound.objects.exists()


def test_empty_cohort_and_bad_quarter_write_nothing(scored):
    with pytest.raises(ValidationFailed):
        new_round(scored, cohort_kind=OrgKind.UNIT)
    with pytest.raises(ValidationFailed) as exc:
        new_round(scored, quarter=5)
    assert "quarter" in exc.value.errors
    assert not EvaluationRound.objects.exists()


def test_second_round_for_the_same_quarter_is_refused(scored):
    new_round(scored)
    with pytest.raises(Conflict):
        new_round(scored)


def test_recompute_keeps_history_and_resets_review(scored):
    round = new_round(scored)
    round_review_all(actor=scored.admin, round=round)
    member = Volunteer.objects.filter(org=scored.tree.town_b, status="registered").get()
    ServiceRecordFactory(volunteer=member, minutes=600, served_on=Q1.start)
    round = round_recompute(actor=scored.admin, round=round)
    assert round.version == 2
    assert EvaluationScore.objects.filter(round=round).count() == 4
    assert EvaluationScore.objects.filter(round=round, is_current=False, version=1, status="reviewed").count() == 2
    current = scores_by_org(round)
    assert current[scored.tree.town_b.pk].values["hours_per_member"] == 11.0
    assert {s.status for s in current.values()} == {"pending"}


def test_round_keeps_the_criteria_it_was_computed_with(scored):
    round = new_round(scored)
    scheme_set_criteria(actor=scored.admin, scheme=scored.scheme, criteria=[crit(Metric.ACTIVITIES, 100)])
    round.refresh_from_db()
    assert [c["metric"] for c in round.criteria] == ["hours_per_member", "activities", "satisfaction"]


# ---- adjustments, review, publication ------------------------------------------------------------


def test_adjustment_needs_a_reason_and_writes_nothing_without(scored):
    round = new_round(scored)
    score = scores_by_org(round)[scored.tree.town_a.pk]
    with pytest.raises(ValidationFailed) as exc:
        score_adjust(actor=scored.admin, round=round, score=score, delta="5", reason="  ")
    assert exc.value.errors == {"reason": "请填写调整理由"}
    with pytest.raises(ValidationFailed) as exc:
        score_adjust(actor=scored.admin, round=round, score=score, delta="0", reason="加分")
    assert "delta" in exc.value.errors
    assert not ScoreAdjustment.objects.exists()


def test_adjustments_add_up_and_leave_computed_figures_alone(scored):
    round = new_round(scored)
    score = scores_by_org(round)[scored.tree.town_a.pk]
    score_adjust(actor=scored.admin, round=round, score=score, delta="5", reason="承办全县现场会")
    score_adjust(actor=scored.admin, round=round, score=score, delta="-1.5", reason="台账不全")
    fresh = scores_by_org(round)[scored.tree.town_a.pk]
    assert fresh.computed == Decimal("71.67")
    assert fresh.adjusted == Decimal("3.50")
    assert AuditEntry.objects.filter(target_type="evaluation.scoreadjustment", reason="台账不全").exists()


def test_adjustments_carry_over_a_recompute(scored):
    round = new_round(scored)
    score = scores_by_org(round)[scored.tree.town_a.pk]
    score_adjust(actor=scored.admin, round=round, score=score, delta="2", reason="加分")
    round_recompute(actor=scored.admin, round=round)
    assert scores_by_org(round)[scored.tree.town_a.pk].adjusted == Decimal("2.00")


def test_publishing_with_unreviewed_scores_is_refused_and_writes_nothing(scored):
    round = new_round(scored)
    score_review(actor=scored.admin, round=round, scores=[scores_by_org(round)[scored.tree.town_a.pk]])
    with pytest.raises(Conflict) as exc:
        round_publish(actor=scored.admin, round=round)
    assert exc.value.message == "还有1个组织的得分未审核，全部审核后才能晾晒"
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPUTED
    assert not RankingEntry.objects.exists()
    assert published_ranking(scored.tree.county.path, 2026, 1) is None


def test_publish_ranks_final_scores_and_freezes_the_round(scored):
    round = new_round(scored)
    a = scores_by_org(round)[scored.tree.town_a.pk]
    score_adjust(actor=scored.admin, round=round, score=a, delta="3", reason="创新做法")
    round_review_all(actor=scored.admin, round=round)
    round_publish(actor=scored.admin, round=round)
    rows = published_ranking(scored.tree.county.path, 2026, 1)
    assert rows is not None
    assert [(r.org_name, r.score, r.rank) for r in rows] == [
        ("雉城街道", Decimal("74.67"), 1),
        ("画溪街道", Decimal("73.33"), 2),
    ]
    with pytest.raises(Conflict):
        score_adjust(actor=scored.admin, round=round, score=a, delta="1", reason="晚了")
    with pytest.raises(Conflict):
        round_recompute(actor=scored.admin, round=round)


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    ranks = competition_ranks([(1, Decimal("80")), (2, Decimal("90")), (3, Decimal("80")), (4, Decimal("70"))])
    assert [(org, rank) for org, _, rank in ranks] in (
        [(2, 1), (1, 2), (3, 2), (4, 4)],
        [(2, 1), (3, 2), (1, 2), (4, 4)],
    )


def test_tied_towns_share_first_place_when_published(tree, county_admin):
    scheme_with(tree.county, (Metric.ACTIVITIES, 100, Normalisation.RELATIVE_MAX, None))
    round = round_create(actor=county_admin, org=tree.county, year=2026, quarter=1, cohort_kind=OrgKind.TOWN)
    round_review_all(actor=county_admin, round=round)
    round_publish(actor=county_admin, round=round)
    rows = published_ranking(tree.county.path, 2026, 1) or []
    assert [r.rank for r in rows] == [1, 1]


def test_town_admin_cannot_publish_the_county_round(scored):
    round = new_round(scored)
    round_review_all(actor=scored.admin, round=round)
    with pytest.raises(PermissionDenied):
        round_publish(actor=org_admin_at(scored.tree.town_a), round=round)
