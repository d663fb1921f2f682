"""Comprehensive volunteer evaluation (综合评价) per quarter, from the closed loop of demand requests.

A volunteer is credited with a request when they completed one of its dispatch parts themselves, or
when their team did and they are a current member of that team. Ratings given in the quarter on those
requests count: 满意 = 100, 基本满意 = 80, 不满意 = 40.

- 服务态度 (attitude): the average of the feedback forms (服务反馈单) filled in by residents or typed in.
- 服务成效 (outcome): the average of the spot checks (抽查) done: a check that found the service not
  carried out scores 0, otherwise its rating; a check that gave no rating has no score (it is blank, not 100).
- 群众满意 (satisfaction): the average of the operators' phone callbacks (电话回访).

The overall score is the mean of the sub-scores that have data (one decimal); grades: 优秀 ≥ 90,
良好 ≥ 75, 合格 ≥ 60, 待改进 below. With no sub-score at all the overall is None and the grade 无数据.
A volunteer with no ratings in the quarter is not evaluated.
Everything is computed for the whole set at once: five queries, whatever the number of volunteers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from redvest.demand.models import (
    Callback,
    CallbackStatus,
    Dispatch,
    DispatchStatus,
    Feedback,
    SpotCheck,
    SpotCheckStatus,
)
from redvest.evaluation.period import Period
from redvest.orgs.selectors import in_subtree_q
from redvest.volunteers.models import Volunteer

RATING_POINTS = {"satisfied": 100, "basic": 80, "unsatisfied": 40}
GRADES = ((Decimal(90), "优秀"), (Decimal(75), "良好"), (Decimal(60), "合格"))
LOW_GRADE = "待改进"
NO_DATA = "无数据"
TENTH = Decimal("0.1")


def grade_of(overall: Decimal | None) -> str:
    if overall is None:
        return NO_DATA
    for floor, label in GRADES:
        if overall >= floor:
            return label
    return LOW_GRADE


def _mean(scored: Sequence[int | None]) -> Decimal | None:
    values = [v for v in scored if v is not None]
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class VolunteerEvaluation:
    volunteer_id: int
    feedback: list[int] = field(default_factory=list)
    spot_checks: list[int | None] = field(default_factory=list)
    callbacks: list[int] = field(default_factory=list)
    name: str = ""
    org_name: str = ""

    @property
    def attitude(self) -> Decimal | None:
        return _mean(self.feedback)

    @property
    def outcome(self) -> Decimal | None:
        return _mean(self.spot_checks)

    @property
    def satisfaction(self) -> Decimal | None:
        return _mean(self.callbacks)

    @property
    def ratings(self) -> int:
        return len(self.feedback) + len(self.spot_checks) + len(self.callbacks)

    @property
    def overall(self) -> Decimal | None:
        parts = [p for p in (self.attitude, self.outcome, self.satisfaction) if p is not None]
        if not parts:
            return None
        return (sum(parts, Decimal(0)) / Decimal(len(parts))).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def grade(self) -> str:
        return grade_of(self.overall)


def _ratings(period: Period) -> tuple[Any, Any, Any]:

    lo, hi = period.bounds
    feedback = Feedback.objects.filter(created_at__gte=lo, created_at__lt=hi)
    callbacks = Callback.objects.filter(status=CallbackStatus.DONE, done_at__gte=lo, done_at__lt=hi).exclude(rating="")
    spot_checks = SpotCheck.objects.filter(status=SpotCheckStatus.DONE, checked_at__gte=lo, checked_at__lt=hi)
    return feedback, callbacks, spot_checks


def volunteer_evaluations(
    *, period: Period, root_path: str | None = None, volunteer_id: int | None = None
) -> list[VolunteerEvaluation]:
    """Evaluations of the volunteers under `root_path` (or of one volunteer), best first."""

    feedback, callbacks, spot_checks = _ratings(period)
    rated = (
        Q(request_id__in=feedback.values("request_id"))
        | Q(request_id__in=callbacks.values("request_id"))
        | Q(request_id__in=spot_checks.values("request_id"))
    )
    done = Dispatch.objects.filter(rated, status=DispatchStatus.DONE).order_by()
    own_filter: dict[str, Any] = {"volunteer__isnull": False}
    # One filter() call for the membership conditions: they must hold for the same membership row.
    member_filter: dict[str, Any] = {"team__isnull": False, "team__memberships__left_at__isnull": True}
    if volunteer_id is not None:
        own_filter["volunteer_id"] = volunteer_id
        member_filter["team__memberships__volunteer_id"] = volunteer_id
    own_scope = member_scope = Q()
    if root_path is not None:
        own_scope = in_subtree_q("volunteer__org__path", root_path)
        member_scope = in_subtree_q("team__memberships__volunteer__org__path", root_path)
    own = done.filter(own_scope, **own_filter)
    team = done.filter(member_scope, **member_filter)
    handlers: dict[int, set[int]] = defaultdict(set)  # request id → volunteer ids
    for request_id, vid in own.values_list("request_id", "volunteer_id").distinct():
        handlers[request_id].add(vid)
    for request_id, vid in team.values_list("request_id", "team__memberships__volunteer_id").distinct():
        handlers[request_id].add(vid)
    if not handlers:
        return []
    evaluations: dict[int, VolunteerEvaluation] = {}

    def credit(request_id: int, points: int | None, bucket: str) -> None:
        for vid in handlers.get(request_id, ()):
            ev = evaluations.get(vid)
            if ev is None:
                ev = evaluations[vid] = VolunteerEvaluation(volunteer_id=vid)
            getattr(ev, bucket).append(points)

    for request_id, rating in feedback.values_list("request_id", "rating"):
        credit(request_id, RATING_POINTS.get(rating, 0), "feedback")
    for request_id, rating in callbacks.values_list("request_id", "rating"):
        credit(request_id, RATING_POINTS.get(rating, 0), "callbacks")
    for request_id, verified, rating in spot_checks.values_list("request_id", "verified", "rating"):
        credit(request_id, 0 if not verified else RATING_POINTS.get(rating), "spot_checks")
    return sorted(
        evaluations.values(), key=lambda e: (e.overall is None, -(e.overall or 0), -e.ratings, e.volunteer_id)
    )


def with_names(evaluations: list[VolunteerEvaluation]) -> list[VolunteerEvaluation]:
    """Fill in names and orgs for a page of evaluations (one query)."""

    rows = {
        v.pk: v
        for v in Volunteer.objects.filter(pk__in=[e.volunteer_id for e in evaluations])
        .select_related("org")
        .only("id", "name", "org__name")
    }
    for e in evaluations:
        v = rows.get(e.volunteer_id)
        if v is not None:
            e.name, e.org_name = v.name, v.org.name
    return evaluations


def evaluation_page(
    *, period: Period, root_path: str, page: int = 1, size: int = 20, grade: str = ""
) -> tuple[list[VolunteerEvaluation], int, int]:
    """(items, count, page number) for an admin's list over a subtree: six queries at most."""
    all_rows = volunteer_evaluations(period=period, root_path=root_path)
    if grade:
        all_rows = [e for e in all_rows if e.grade == grade]
    count = len(all_rows)
    size = min(max(1, size), 200)
    number = min(max(1, page), max(1, -(-count // size)))
    items = all_rows[(number - 1) * size : number * size]
    return (with_names(items) if items else []), count, number


def top_volunteers_public(
    *, period: Period, root_path: str, limit: int = 10
) -> list[tuple[int, str, VolunteerEvaluation]]:
    """The best-rated volunteers for a public page: (rank, public name, evaluation); names are masked
    unless the volunteer consented."""
    from redvest.evaluation.selectors import public_volunteer_names

    top = [e for e in volunteer_evaluations(period=period, root_path=root_path) if e.overall is not None][:limit]
    names = public_volunteer_names([e.volunteer_id for e in top]) if top else {}
    return [(i, names.get(e.volunteer_id, "*"), e) for i, e in enumerate(top, start=1)]
