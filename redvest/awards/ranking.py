"""The arithmetic of a selection, free of the database: the preliminary cut with its tie rule, the
experts' final score (mean; trimmed mean from five experts up) and tiers by final-score rank."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from redvest.awards.models import TieRule

TRIM_FROM = 5  # with this many experts or more, the highest and the lowest score are dropped


@dataclass(frozen=True)
class Candidate:
    nomination_id: int
    votes: int
    metric: int  # year credit minutes or year activities (tie rule)
    nominated_at: datetime.datetime


@dataclass(frozen=True)
class Placed:
    candidate: Candidate
    rank: int
    selected: bool


def cut_order(candidates: list[Candidate], rule: str) -> list[Candidate]:
    """Votes descending, then the rule's tie-breaks; nomination id last so the order is total."""
    if rule == TieRule.VOTES_METRIC_TIME:
        return sorted(candidates, key=lambda c: (-c.votes, -c.metric, c.nominated_at, c.nomination_id))
    return sorted(candidates, key=lambda c: (-c.votes, c.nominated_at, c.nomination_id))


def preliminary_cut(candidates: list[Candidate], *, size: int, rule: str) -> list[Placed]:
    """Everyone ranked; the first `size` selected. Under the extend rule, entries with as many votes
    as the last selected one are selected too and share ranks by votes (competition ranking)."""
    ordered = cut_order(candidates, rule)
    if rule != TieRule.EXTEND:
        return [Placed(c, i + 1, i < size) for i, c in enumerate(ordered)]
    threshold = ordered[size - 1].votes if 0 < size <= len(ordered) else None
    placed: list[Placed] = []
    for i, c in enumerate(ordered):
        rank = placed[-1].rank if placed and placed[-1].candidate.votes == c.votes else i + 1
        selected = size > 0 and (threshold is None or c.votes >= threshold)
        placed.append(Placed(c, rank, selected))
    return placed


def final_score(scores: list[int]) -> Fraction | None:
    """The mean of the experts' scores; from five experts up, the mean after dropping one highest and
    one lowest score. Exact (a fraction), so equal scores compare equal."""
    if not scores:
        return None
    kept = sorted(scores)[1:-1] if len(scores) >= TRIM_FROM else list(scores)
    return Fraction(sum(kept), len(kept))


def as_decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Finalist:
    nomination_id: int
    score: Fraction
    votes: int
    nominated_at: datetime.datetime


@dataclass(frozen=True)
class Tiered:
    finalist: Finalist
    rank: int
    tier: str


TIER_RULE = "按终审得分从高到低排名；得分相同按初评票数多者在前；仍相同按推荐时间早者在前"


def assign_tiers(finalists: list[Finalist], tiers: list[tuple[str, int]]) -> list[Tiered]:
    """Rank by final score (ties: more preliminary votes, then earlier nomination) and fill the tiers
    in order; entries past the last tier get none."""
    ordered = sorted(finalists, key=lambda f: (-f.score, -f.votes, f.nominated_at, f.nomination_id))
    bounds: list[tuple[int, str]] = []
    total = 0
    for name, count in tiers:
        total += count
        bounds.append((total, name))
    out: list[Tiered] = []
    for i, f in enumerate(ordered):
        tier = next((name for limit, name in bounds if i < limit), "")
        out.append(Tiered(f, i + 1, tier))
    return out
