"""The rollup refresh: recompute `MonthlyOrgStat` for the months touched since the last run (or all of
them), and `OrgStock` whole. Run by the `dashboards_refresh` periodic job, `manage.py dashboards_refresh` and the
`dashboards_refresh_task` on the "oversight" queue.

What each figure counts (months in Asia/Shanghai):
- activities: published activities by start month, at the activity's node;
- credit/honour minutes and records: the ledger's signed entries (reversals and corrections included, so
  a correction month can go down) by `served_on`, at the volunteer's node;
- volunteers joined: registrations by month, at the volunteer's node;
- points earned: service and good-deed points (earn, award) posted to volunteer accounts; points spent:
  reservations less refunds plus donations, by the entry's month, at the volunteer's node;
- requests opened (by acceptance month), closed (resolved or closed, by resolution month) and closed on
  time (resolved before the resolution due time), at the request's area;
- callbacks by rating (done callbacks, by month done), at the request's area;
- care visits by visit date, at the recipient's node.

Incremental: append-only ledgers (service records, points entries) are followed by their highest id;
the others by their timestamps; the current and previous month are always recomputed (activity status
changes leave no timestamp).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from redvest.activities.models import HELD_STATUSES, Activity
from redvest.care.models import CareVisit
from redvest.dashboards.models import MonthlyOrgStat, OrgStock, RefreshRun
from redvest.demand.models import Callback, CallbackStatus, Rating, RequestStatus, ServiceRequest
from redvest.orgs.models import STATION_KINDS, OrgNode
from redvest.points.models import AccountKind, PointsEntry, TxnKind
from redvest.records.models import RecordKind, ServiceRecord
from redvest.teams.models import Team
from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus

Month = datetime.date
Key = tuple[int, Month]
STAT_FIELDS = (
    "activities",
    "credit_minutes",
    "honour_minutes",
    "records",
    "volunteers_joined",
    "points_earned",
    "points_spent",
    "requests_opened",
    "requests_closed",
    "requests_on_time",
    "callbacks_satisfied",
    "callbacks_basic",
    "callbacks_unsatisfied",
    "care_visits",
)
_RATING_FIELD = {
    Rating.SATISFIED: "callbacks_satisfied",
    Rating.BASIC: "callbacks_basic",
    Rating.UNSATISFIED: "callbacks_unsatisfied",
}
_POLITICAL_FIELD: dict[str, str] = {
    PoliticalStatus.PARTY_MEMBER: "party_members",
    PoliticalStatus.PROBATIONARY: "probationary",
    PoliticalStatus.LEAGUE_MEMBER: "league_members",
    PoliticalStatus.MASSES: "masses",
}


def month_start(day: datetime.date) -> Month:
    return day.replace(day=1)


def next_month(month: Month) -> Month:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _as_month(value: Any) -> Month:
    """TruncMonth gives a date for date columns and an aware datetime (local midnight) for datetimes."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _date_q(field: str, months: list[Month] | None) -> Q:
    """Rows whose date column falls in one of the months (None: every month)."""
    q = Q()
    for m in months or []:
        q |= Q(**{f"{field}__gte": m, f"{field}__lt": next_month(m)})
    return q


def _time_q(field: str, months: list[Month] | None) -> Q:
    q = Q()
    for m in months or []:
        q |= Q(**{f"{field}__gte": _local_start(m), f"{field}__lt": _local_start(next_month(m))})
    return q


def _add(totals: dict[Key, dict[str, int]], rows: Iterable[Any], org: str, month: str, **fields: str) -> None:
    for row in rows:
        bucket = totals[(row[org], _as_month(row[month]))]
        for target, source in fields.items():
            bucket[target] += int(row[source] or 0)


def _collect(months: list[Month] | None) -> dict[Key, dict[str, int]]:
    """Every figure per (org node, month) for the given months (None: all), a fixed handful of queries."""
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAT_FIELDS, 0))

    activities = Activity.objects.filter(status__in=HELD_STATUSES).filter(_time_q("start_at", months))
    _add(
        totals,
        activities.annotate(m=TruncMonth("start_at")).values("org_id", "m").annotate(n=Count("id")),
        "org_id",
        "m",
        activities="n",
    )

    records = ServiceRecord.objects.filter(_date_q("served_on", months))
    record_rows = (
        records.annotate(m=TruncMonth("served_on"))
        .values("org_id", "m")  # the org each entry is credited to: a transfer leaves past months where they were
        .annotate(
            credit=Sum("minutes", filter=Q(kind=RecordKind.CREDIT)),
            honour=Sum("minutes", filter=Q(kind=RecordKind.HONOUR)),
            n=Count("id"),
        )
    )
    _add(totals, record_rows, "org_id", "m", credit_minutes="credit", honour_minutes="honour", records="n")

    joined = Volunteer.objects.exclude(status=VolunteerStatus.PENDING).filter(_time_q("created_at", months))
    _add(
        totals,
        joined.annotate(m=TruncMonth("created_at")).values("org_id", "m").annotate(n=Count("id")),
        "org_id",
        "m",
        volunteers_joined="n",
    )

    entries = PointsEntry.objects.filter(account__kind=AccountKind.VOLUNTEER).filter(_time_q("created_at", months))
    spend_kinds = [TxnKind.HOLD, TxnKind.REFUND, TxnKind.DONATION]
    point_rows = (
        entries.annotate(m=TruncMonth("created_at"))
        .values("account__volunteer__org_id", "m")
        .annotate(
            earned=Sum("delta", filter=Q(transaction__kind__in=[TxnKind.EARN, TxnKind.AWARD])),
            spent=Sum(-F("delta"), filter=Q(transaction__kind__in=spend_kinds)),
        )
    )
    _add(totals, point_rows, "account__volunteer__org_id", "m", points_earned="earned", points_spent="spent")

    opened = ServiceRequest.objects.filter(_time_q("created_at", months))
    _add(
        totals,
        opened.annotate(m=TruncMonth("created_at")).values("area_id", "m").annotate(n=Count("id")),
        "area_id",
        "m",
        requests_opened="n",
    )
    closed = ServiceRequest.objects.filter(
        _time_q("resolved_at", months), status__in=[RequestStatus.RESOLVED, RequestStatus.CLOSED]
    )
    _add(
        totals,
        closed.annotate(m=TruncMonth("resolved_at"))
        .values("area_id", "m")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at")))),
        "area_id",
        "m",
        requests_closed="n",
        requests_on_time="ok",
    )

    callbacks = Callback.objects.filter(_time_q("done_at", months), status=CallbackStatus.DONE)
    for rating, field in _RATING_FIELD.items():
        _add(
            totals,
            callbacks.filter(rating=rating)
            .annotate(m=TruncMonth("done_at"))
            .values("request__area_id", "m")
            .annotate(n=Count("id")),
            "request__area_id",
            "m",
            **{field: "n"},
        )

    visits = CareVisit.objects.filter(_date_q("visited_on", months))
    _add(
        totals,
        visits.annotate(m=TruncMonth("visited_on")).values("recipient__org_id", "m").annotate(n=Count("id")),
        "recipient__org_id",
        "m",
        care_visits="n",
    )
    return totals


def _stock_rows(paths: dict[int, str]) -> list[OrgStock]:
    stock: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    volunteers = (
        Volunteer.objects.filter(status__in=[VolunteerStatus.REGISTERED, VolunteerStatus.SUSPENDED])
        .values("org_id", "political_status")
        .annotate(n=Count("id"))
    )
    for row in volunteers:
        counts = stock[row["org_id"]]
        counts["volunteers"] += row["n"]
        field = _POLITICAL_FIELD.get(row["political_status"])
        if field:
            counts[field] += row["n"]
    for team_row in Team.objects.filter(is_active=True).values("org_id").annotate(n=Count("id")):
        stock[team_row["org_id"]]["teams"] += team_row["n"]
    for pk in OrgNode.objects.filter(kind__in=STATION_KINDS, station__isnull=False).values_list("pk", flat=True):
        stock[pk]["stations"] += 1
    return [OrgStock(org_id=pk, path=paths[pk], **counts) for pk, counts in stock.items() if pk in paths]


def _watermarks() -> dict[str, int]:
    return {
        "record": ServiceRecord.objects.aggregate(m=Max("id"))["m"] or 0,
        "points": PointsEntry.objects.aggregate(m=Max("id"))["m"] or 0,
    }


def _months_of(qs: QuerySet[Any], field: str) -> set[Month]:
    return {_as_month(m) for m in qs.annotate(m=TruncMonth(field)).values_list("m", flat=True).distinct() if m}


def touched_months(*, since: RefreshRun, today: datetime.date) -> list[Month]:
    """Months with rows added or changed since the run `since` started, plus this month and the last."""
    marks = since.watermarks or {}
    after = since.started_at
    current = month_start(today)
    months = {current, month_start(current - datetime.timedelta(days=1))}
    months |= _months_of(ServiceRecord.objects.filter(id__gt=marks.get("record", 0)), "served_on")
    months |= _months_of(
        PointsEntry.objects.filter(id__gt=marks.get("points", 0), account__kind=AccountKind.VOLUNTEER), "created_at"
    )
    months |= _months_of(Activity.objects.filter(created_at__gte=after), "start_at")
    months |= _months_of(Volunteer.objects.filter(updated_at__gte=after), "created_at")
    changed_requests = ServiceRequest.objects.filter(updated_at__gte=after)
    months |= _months_of(changed_requests, "created_at") | _months_of(changed_requests, "resolved_at")
    months |= _months_of(Callback.objects.filter(done_at__gte=after), "done_at")
    months |= _months_of(CareVisit.objects.filter(created_at__gte=after), "visited_on")
    return sorted(months)


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()


@transaction.atomic
def dashboards_refresh(*, full: bool = False) -> RefreshRun:
    """Recompute the monthly rollups of the touched months (all months when `full` or on the first run)
    and the standing figures; rows of those months are replaced in one transaction."""
    started = time.monotonic()
    now = timezone.now()
    previous = last_refresh()
    marks = _watermarks()
    months: list[Month] | None = None
    if not full and previous is not None:
        months = touched_months(since=previous, today=timezone.localdate(now))
    totals = _collect(months)
    paths = dict(OrgNode.objects.values_list("id", "path"))
    rows = [
        MonthlyOrgStat(org_id=org_id, path=paths[org_id], month=month, **values)
        for (org_id, month), values in totals.items()
        if org_id in paths and any(values.values())
    ]
    stale = MonthlyOrgStat.objects.all() if months is None else MonthlyOrgStat.objects.filter(month__in=months)
    stale.delete()
    MonthlyOrgStat.objects.bulk_create(rows, batch_size=2000)
    OrgStock.objects.all().delete()
    OrgStock.objects.bulk_create(_stock_rows(paths), batch_size=2000)
    return RefreshRun.objects.create(
        started_at=now,
        finished_at=timezone.now(),
        full=months is None,
        months=[m.isoformat() for m in months] if months is not None else [],
        watermarks=marks,
        rows=len(rows),
        milliseconds=round((time.monotonic() - started) * 1000),
    )
