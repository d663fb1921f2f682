"""Reads for care pairing: scoped lists, the overdue list, cadence and the visit statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from redvest.care.models import CarePairing, CareVisit, PairingStatus


@dataclass(frozen=True)
class VisitStats:
    visits: int
    due: int
    on_time: int
    overdue_pairings: int


def visit_stats(
    path: str, start: datetime.date, end: datetime.date, *, today: datetime.date | None = None
) -> VisitStats:
    """Visit figures for the recipients registered in the subtree at `path`, period `start`..`end`
    (both inclusive, Shanghai dates).

    - `visits`: visits with `visited_on` in the period.
    - `due`: due dates of pairings that fell in the period and are decided: every due date a visit
      met (each visit stores the due date it met as `due_on`, early or late), plus the outstanding due
      dates of active pairings that have passed unvisited (`next_visit_due` in the period and before
      today). Due dates still ahead are not counted yet.
    - `on_time`: of those, the ones met by a visit on or before the due date.
    - `overdue_pairings`: active pairings whose outstanding due date has passed (before today) and is
      not after the period's end.
    """
    today = today or timezone.localdate()
    visits = CareVisit.objects.filter(recipient__org__path__startswith=path)
    active = CarePairing.objects.filter(recipient__org__path__startswith=path, status=PairingStatus.ACTIVE)
    met = visits.filter(due_on__gte=start, due_on__lte=end)
    missed = active.filter(next_visit_due__gte=start, next_visit_due__lte=end, next_visit_due__lt=today).count()
    return VisitStats(
        visits=visits.filter(visited_on__gte=start, visited_on__lte=end).count(),
        due=met.count() + missed,
        on_time=met.filter(visited_on__lte=F("due_on")).count(),
        overdue_pairings=active.filter(next_visit_due__lt=today, next_visit_due__lte=end).count(),
    )
