"""The figures of a quarter as the records say, for one subtree or many at once.

One query finds the org nodes of the subtrees asked for (id and path); then each source is one
aggregate query grouped by the row's org node id, whatever the number of subtrees: service minutes by
kind from the records' monthly totals per org node (`MonthlyServiceTotal`, moved with every ledger entry,
so reversals and corrections count; the entries themselves only for the days of a month the period cuts),
activities with their outcomes and check-ins, demand requests, registered volunteers, care visits. The
per-node sums are rolled up into each subtree in Python (a node counts for every requested path that is
a prefix of its own). Grouping by the node id rather than by a prefix of the joined node's path keeps the
org table out of the scans. Reading monthly totals instead of the quarter's entries (68,000 at bench
scale 0.05, 1.4 million at full scale) made the province's figures three times faster at 0.05 (331 → 103 ms p50)
(bench/README.md, "Causes found since").

Definitions:
- activities: published activities of the subtree starting in the quarter (cancelled and drafts left out);
- sessions: their 场次 as recorded in the activity outcome, 1 for an activity without an outcome;
- person_times: check-ins (attendances) at those activities;
- credit_minutes / honour_minutes: the sum of signed ledger minutes served in the quarter and credited to
  the subtree (`ServiceRecord.org`, the volunteer's org when the entry was written: after a transfer
  the time stays with the sending side, as on the dashboards and in the hours ranking);
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

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from redvest.activities.models import HELD_STATUSES, Activity, Attendance
from redvest.care.models import CareVisit
from redvest.care.selectors import visit_stats
from redvest.demand.models import RequestStatus, ServiceRequest
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.records.models import RecordKind
from redvest.records.selectors import period_minutes_by_org
from redvest.reports.models import FigureKey
from redvest.volunteers.models import Volunteer, VolunteerStatus

Figures = dict[str, int]


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class _Rollup:
    """Adds per-node sums into every requested subtree holding the node."""

    def __init__(self, paths: list[str]) -> None:

        self.result: dict[str, Figures] = {p: dict.fromkeys(FigureKey.values, 0) for p in paths}
        wanted = set(paths)
        within = Q()
        for p in _outermost(paths):
            within |= in_subtree_q("path", p)
        self.owners: dict[int, list[str]] = {}
        for node_id, path in OrgNode.objects.filter(within).values_list("id", "path"):
            prefixes = [path[:i] for i in range(OrgNode.steplen, len(path) + 1, OrgNode.steplen)]
            self.owners[node_id] = [p for p in prefixes if p in wanted]
        self.node_ids = list(self.owners)
        # One subtree holding every node (the province, or a county's own deployment asked for the
        # county): rows need no org filter at all, which spares every scan a test against the list of
        # every node's id.
        self.single_whole_tree = len(paths) == 1 and len(self.owners) == OrgNode.objects.count()

    def within(self, lookup: str) -> Q:
        """Rows whose org node (`lookup`, an id column) lies in one of the subtrees asked for."""
        return Q() if self.single_whole_tree else Q(**{f"{lookup}__in": self.node_ids})

    def add(self, node_id: int | None, key: str, value: Any) -> None:
        for path in self.owners.get(node_id or 0, ()):
            self.result[path][key] += int(value or 0)


def _outermost(paths: list[str]) -> list[str]:
    """The paths not inside another requested path (the subtrees to read)."""
    ordered = sorted(set(paths))
    kept: list[str] = []
    for p in ordered:
        if not kept or not p.startswith(kept[-1]):
            kept.append(p)
    return kept


def record_figures(paths: list[str], first: datetime.date, last: datetime.date) -> dict[str, Figures]:
    """The record figures for each subtree path over the days first..last (inclusive)."""

    roll = _Rollup(paths)
    start, end = _aware(first), _aware(last + datetime.timedelta(days=1))

    by_org = period_minutes_by_org(first=first, last=last, org_ids=None if roll.single_whole_tree else roll.node_ids)
    for (org_id, kind), total in by_org.items():
        key = FigureKey.CREDIT_MINUTES if kind == RecordKind.CREDIT else FigureKey.HONOUR_MINUTES
        roll.add(org_id, key, total)

    held = Activity.objects.filter(
        roll.within("org_id"), status__in=HELD_STATUSES, start_at__gte=start, start_at__lt=end
    )
    zero = Value(0, output_field=IntegerField())
    activities = (
        held.values("org_id")
        .annotate(
            n=Count("id"),
            sessions=Sum(Coalesce("outcome__sessions", Value(1, output_field=IntegerField()))),
            beneficiaries=Sum(Coalesce("outcome__beneficiaries", zero)),
            found=Sum(Coalesce("outcome__problems_found", zero)),
            solved=Sum(Coalesce("outcome__problems_solved", zero)),
        )
        .order_by()
    )
    for act in activities:
        org_id = act["org_id"]
        roll.add(org_id, FigureKey.ACTIVITIES, act["n"])
        roll.add(org_id, FigureKey.SESSIONS, act["sessions"])
        roll.add(org_id, FigureKey.BENEFICIARIES, act["beneficiaries"])
        roll.add(org_id, FigureKey.PROBLEMS_FOUND, act["found"])
        roll.add(org_id, FigureKey.PROBLEMS_SOLVED, act["solved"])

    attended = (
        Attendance.objects.filter(activity__in=held.values("id"))
        .values("activity__org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for att in attended:
        roll.add(att["activity__org_id"], FigureKey.PERSON_TIMES, att["n"])

    registered = Q(created_at__gte=start, created_at__lt=end) & ~Q(status=RequestStatus.CANCELLED)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    requests = (
        ServiceRequest.objects.filter(registered | resolved, roll.within("area_id"))
        .values("area_id")
        .annotate(registered=Count("id", filter=registered), resolved=Count("id", filter=resolved))
        .order_by()
    )
    for req in requests:
        roll.add(req["area_id"], FigureKey.PROBLEMS_FOUND, req["registered"])
        roll.add(req["area_id"], FigureKey.PROBLEMS_SOLVED, req["resolved"])
        roll.add(req["area_id"], FigureKey.REQUESTS_HANDLED, req["resolved"])

    members = (
        Volunteer.objects.filter(roll.within("org_id"), status=VolunteerStatus.REGISTERED)
        .values("org_id")
        .annotate(n=Count("*"))  # COUNT(*): the (status, org) index alone, no heap
        .order_by()
    )
    for mem in members:
        roll.add(mem["org_id"], FigureKey.VOLUNTEERS, mem["n"])

    for path, visits in care_visits(paths, first, last, roll=roll).items():
        roll.result[path][FigureKey.CARE_VISITS] = visits
    return roll.result


def care_visits(paths: list[str], first: datetime.date, last: datetime.date, *, roll: _Rollup) -> dict[str, int]:
    """Care visits per subtree from the care app. One subtree asks its selector (`visit_stats`); several
    are one grouped query over the visits."""
    if len(paths) == 1:
        return {paths[0]: int(visit_stats(paths[0], first, last).visits)}
    rows = (
        CareVisit.objects.filter(roll.within("recipient__org_id"), visited_on__gte=first, visited_on__lte=last)
        .values("recipient__org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for path in roll.owners.get(row["recipient__org_id"], ()):
            counts[path] += row["n"]
    return dict(counts)
