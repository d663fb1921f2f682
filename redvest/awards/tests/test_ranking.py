"""The arithmetic: cut with ties (hand-built and a property test), trimmed mean, tiers with ties."""

from __future__ import annotations

import datetime
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from redvest.awards.models import TieRule
from redvest.awards.ranking import Candidate, Finalist, as_decimal, assign_tiers, final_score, preliminary_cut

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def cand(pk: int, votes: int, metric: int = 0, minutes_late: int = 0) -> Candidate:
    return Candidate(pk, votes, metric, T0 + datetime.timedelta(minutes=minutes_late))


def selected(placed: list) -> list[int]:
    return [p.candidate.nomination_id for p in placed if p.selected]


def test_cut_takes_the_most_votes() -> None:
    placed = preliminary_cut([cand(1, 3), cand(2, 9), cand(3, 5)], size=2, rule=TieRule.VOTES_TIME)
    assert selected(placed) == [2, 3]
    assert [p.rank for p in placed] == [1, 2, 3]


def test_tie_at_the_boundary_goes_to_more_service_then_earlier_nomination() -> None:
    entries = [
        cand(1, 9),
        cand(2, 4, metric=600, minutes_late=5),
        cand(3, 4, metric=900, minutes_late=9),
        cand(4, 4, metric=600),
    ]
    placed = preliminary_cut(entries, size=3, rule=TieRule.VOTES_METRIC_TIME)
    assert selected(placed) == [1, 3, 4]  # 3 has more service; 4 was nominated before 2


def test_tie_at_the_boundary_by_nomination_time_only() -> None:
    entries = [cand(1, 9), cand(2, 4, metric=900, minutes_late=5), cand(3, 4, minutes_late=1)]
    assert selected(preliminary_cut(entries, size=2, rule=TieRule.VOTES_TIME)) == [1, 3]


def test_extend_rule_admits_everyone_tied_with_the_last_place() -> None:
    entries = [cand(1, 9), cand(2, 4), cand(3, 4), cand(4, 4), cand(5, 2)]
    placed = preliminary_cut(entries, size=2, rule=TieRule.EXTEND)
    assert selected(placed) == [1, 2, 3, 4]
    assert [p.rank for p in placed] == [1, 2, 2, 2, 5]


def test_cut_larger_than_the_field_selects_everyone() -> None:
    assert selected(preliminary_cut([cand(1, 0), cand(2, 1)], size=5, rule=TieRule.EXTEND)) == [2, 1]
    assert selected(preliminary_cut([cand(1, 0), cand(2, 1)], size=5, rule=TieRule.VOTES_TIME)) == [2, 1]


candidates = st.lists(
    st.builds(cand, st.integers(1, 10_000), st.integers(0, 6), st.integers(0, 3), st.integers(0, 3)),
    min_size=1,
    max_size=40,
    unique_by=lambda c: c.nomination_id,
)


@settings(deadline=None)  # no timing in unit tests (a loaded machine is not a failure)
@given(candidates, st.integers(1, 45), st.sampled_from([TieRule.VOTES_METRIC_TIME, TieRule.VOTES_TIME]), st.randoms())
def test_cut_is_deterministic_and_exactly_n(entries: list[Candidate], size: int, rule: str, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    a, b = preliminary_cut(entries, size=size, rule=rule), preliminary_cut(shuffled, size=size, rule=rule)
    assert selected(a) == selected(b)
    assert len(selected(a)) == min(size, len(entries))
    worst_in = min(p.candidate.votes for p in a if p.selected)
    assert all(p.candidate.votes <= worst_in for p in a if not p.selected)


@settings(deadline=None)
@given(candidates, st.integers(1, 45), st.randoms())
def test_extend_rule_is_deterministic_and_only_grows_by_ties(entries: list[Candidate], size: int, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    a = preliminary_cut(entries, size=size, rule=TieRule.EXTEND)
    assert set(selected(a)) == set(selected(preliminary_cut(shuffled, size=size, rule=TieRule.EXTEND)))
    chosen = [p for p in a if p.selected]
    assert len(chosen) >= min(size, len(entries))
    if len(chosen) > size:  # the extra ones tie with the last place within N
        assert len({p.candidate.votes for p in chosen[size - 1 :]}) == 1


def test_mean_below_five_experts() -> None:
    assert final_score([90, 80, 70, 61]) == Fraction(301, 4)
    assert as_decimal(final_score([90, 80, 70, 61])) == as_decimal(Fraction(7525, 100))


def test_trimmed_mean_from_five_experts_drops_highest_and_lowest() -> None:
    assert final_score([100, 90, 80, 70, 10]) == 80
    assert final_score([95, 95, 60, 60, 80, 75]) == Fraction(95 + 80 + 75 + 60, 4)


def test_no_scores_is_no_score() -> None:
    assert final_score([]) is None


def fin(pk: int, score: Fraction | int, votes: int = 0, minutes_late: int = 0) -> Finalist:
    return Finalist(pk, Fraction(score), votes, T0 + datetime.timedelta(minutes=minutes_late))


def test_tiers_fill_in_order_and_the_rest_get_none() -> None:
    out = assign_tiers([fin(i, 100 - i) for i in range(1, 8)], [("一等奖", 1), ("二等奖", 2), ("三等奖", 3)])
    assert [(t.finalist.nomination_id, t.tier) for t in out] == [
        (1, "一等奖"),
        (2, "二等奖"),
        (3, "二等奖"),
        (4, "三等奖"),
        (5, "三等奖"),
        (6, "三等奖"),
        (7, ""),
    ]


def test_tier_boundary_tie_goes_to_more_votes_then_earlier_nomination() -> None:
    out = assign_tiers(
        [fin(1, 90, votes=3, minutes_late=9), fin(2, 90, votes=5), fin(3, 90, votes=3, minutes_late=1)],
        [("一等奖", 1), ("二等奖", 1)],
    )
    assert [(t.finalist.nomination_id, t.tier, t.rank) for t in out] == [(2, "一等奖", 1), (3, "二等奖", 2), (1, "", 3)]
