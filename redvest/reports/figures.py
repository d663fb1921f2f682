"""The figures of a quarter as the records say, for one subtree or many at once.

Each source is one aggregate query (GROUP BY the subtree prefix of the row's org path), whatever the
number of subtrees: service minutes by kind from the ledger (signed minutes, so reversals and
corrections count), activities with their outcomes, attendances, demand requests, registered
volunteers, and care visits. Subtrees of different depths take one query per depth.

Definitions:
- activities: published activities of the subtree starting in the quarter (cancelled and drafts left out);
- sessions: their 场次 as recorded in the activity outcome, 1 for an activity without an outcome;
- person_times: check-ins (attendances) at those activities in the quarter;
- credit_minutes / honour_minutes: the sum of signed ledger minutes served in the quarter by volunteers
  of the subtree;
- beneficiaries: the outcomes' 受益人数;
- problems_found: the outcomes' 发现问题 plus demand requests registered in the subtree's area
  (cancelled ones left out); problems_solved: the outcomes' 解决问题 plus requests resolved in the quarter;
- requests_handled: demand requests of the area resolved (办结) in the quarter;
- care_visits: care visits in the quarter (`redvest.care`);
- volunteers: registered volunteers of the subtree now (the denominator of "hours per member").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from redvest.reports.models import FigureKey

Figures = dict[str, int]


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _grouped(qs: QuerySet[Any], lookup: str, paths: list[str]) -> QuerySet[Any]:
    """`qs` narrowed to the subtrees at `paths` (all of one length) with each row's subtree as `p`.
    One path is a plain prefix match (index friendly); several are grouped by the path's prefix."""
    if len(paths) == 1:
        return qs.filter(**{f"{lookup}__startswith": paths[0]}).annotate(p=Value(paths[0]))
    return qs.annotate(p=Substr(lookup, 1, len(paths[0]))).filter(p__in=paths)


def record_figures(paths: list[str], first: datetime.date, last: datetime.date) -> dict[str, Figures]:
    """The record figures for each subtree path over the days first..last (inclusive)."""
    result: dict[str, Figures] = {p: dict.fromkeys(FigureKey.values, 0) for p in paths}
    by_length: dict[int, list[str]] = defaultdict(list)
    for p in paths:
        by_length[len(p)].append(p)
    for same_length in by_length.values():
        _fill(result, same_length, first, last)
    return result


def _fill(result: dict[str, Figures], paths: list[str], first: datetime.date, last: datetime.date) -> None:
    from redvest.activities.models import Activity, ActivityStatus, Attendance
    from redvest.demand.models import RequestStatus, ServiceRequest
    from redvest.records.models import RecordKind, ServiceRecord
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    start, end = _aware(first), _aware(last + datetime.timedelta(days=1))

    minutes = (
        _grouped(ServiceRecord.objects.filter(served_on__gte=first, served_on__lte=last), "volunteer__org__path", paths)
        .values("p", "kind")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for row in minutes:
        key = FigureKey.CREDIT_MINUTES if row["kind"] == RecordKind.CREDIT else FigureKey.HONOUR_MINUTES
        result[row["p"]][key] += int(row["total"] or 0)

    held = Activity.objects.filter(status=ActivityStatus.PUBLISHED, start_at__gte=start, start_at__lt=end)
    zero = Value(0, output_field=IntegerField())
    activities = (
        _grouped(held, "org__path", paths)
        .values("p")
        .annotate(
            n=Count("id"),
            sessions=Sum(Coalesce("outcome__sessions", Value(1, output_field=IntegerField()))),
            beneficiaries=Sum(Coalesce("outcome__beneficiaries", zero)),
            found=Sum(Coalesce("outcome__problems_found", zero)),
            solved=Sum(Coalesce("outcome__problems_solved", zero)),
        )
        .order_by()
    )
    for row in activities:
        figures = result[row["p"]]
        figures[FigureKey.ACTIVITIES] = row["n"]
        figures[FigureKey.SESSIONS] = int(row["sessions"] or 0)
        figures[FigureKey.BENEFICIARIES] = int(row["beneficiaries"] or 0)
        figures[FigureKey.PROBLEMS_FOUND] += int(row["found"] or 0)
        figures[FigureKey.PROBLEMS_SOLVED] += int(row["solved"] or 0)

    attended = Attendance.objects.filter(
        activity__status=ActivityStatus.PUBLISHED, check_in_at__gte=start, check_in_at__lt=end
    )
    for row in _grouped(attended, "activity__org__path", paths).values("p").annotate(n=Count("id")).order_by():
        result[row["p"]][FigureKey.PERSON_TIMES] = row["n"]

    registered = Q(created_at__gte=start, created_at__lt=end) & ~Q(status=RequestStatus.CANCELLED)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    requests = (
        _grouped(ServiceRequest.objects.filter(registered | resolved), "area__path", paths)
        .values("p")
        .annotate(registered=Count("id", filter=registered), resolved=Count("id", filter=resolved))
        .order_by()
    )
    for row in requests:
        figures = result[row["p"]]
        figures[FigureKey.PROBLEMS_FOUND] += row["registered"]
        figures[FigureKey.PROBLEMS_SOLVED] += row["resolved"]
        figures[FigureKey.REQUESTS_HANDLED] = row["resolved"]

    members = Volunteer.objects.filter(status=VolunteerStatus.REGISTERED)
    for row in _grouped(members, "org__path", paths).values("p").annotate(n=Count("id")).order_by():
        result[row["p"]][FigureKey.VOLUNTEERS] = row["n"]

    for path, visits in care_visits(paths, first, last).items():
        result[path][FigureKey.CARE_VISITS] = visits


def care_visits(paths: list[str], first: datetime.date, last: datetime.date) -> dict[str, int]:
    """Care visits per subtree from the care app (built alongside; no visits until it is installed).
    One subtree asks its selector; several are one grouped query over the visits."""
    try:
        from redvest.care import selectors as care_selectors
        from redvest.care.models import CareVisit
    except ImportError:
        return {}
    if not hasattr(care_selectors, "visit_stats"):
        return {}
    if len(paths) == 1:
        return {paths[0]: int(care_selectors.visit_stats(paths[0], first, last).visits)}
    visits = CareVisit.objects.filter(visited_on__gte=first, visited_on__lte=last)
    rows = _grouped(visits, "recipient__org__path", paths).values("p").annotate(n=Count("id")).order_by()
    return {row["p"]: row["n"] for row in rows}
