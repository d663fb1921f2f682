"""The SLA sweep: mark overdue arrivals and resolutions, escalate each to the next org level, return
stalled parts to the dispatcher, and tell the people concerned (one digest per person per sweep).

Every write is a set-based UPDATE or bulk INSERT over the rows that just crossed a due time, found
through small partial indexes, so a sweep over 200,000 requests costs what the newly overdue cost.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Field, QuerySet
from django.urls import reverse

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.core.services import notification_send
from redvest.demand.access import dispatcher_service_areas
from redvest.demand.models import (
    ACTIVE_DISPATCH_STATUSES,
    OPEN_STATUSES,
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from redvest.orgs.models import OrgNode


@dataclass
class SweepResult:
    arrival_overdue: int = 0
    resolution_overdue: int = 0
    stalled: int = 0
    notified: int = 0
    escalated_to: dict[int, int] = field(default_factory=dict)  # org node id -> requests escalated there


@dataclass
class _Digest:
    lines: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, user_ids: set[int], line: str) -> None:
        for uid in user_ids:
            self.lines[uid].append(line)


def _log_events(rows: list[tuple[int, int | None, str, str]], *, now: datetime.datetime) -> None:
    """History rows (request, dispatch, kind, message) in one executemany: a burst of thousands of
    breaches must not cost thousands of model instances."""
    if not rows:
        return
    meta = RequestEvent._meta
    fields = [meta.get_field(name) for name in ("request", "dispatch", "kind", "at", "message")]
    columns = [str(f.column) for f in fields if isinstance(f, Field)]
    at = RequestEvent._meta.get_field("at")
    at_value = at.get_db_prep_value(now, connection) if isinstance(at, Field) else now
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "
        f"({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES (%s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(rid, pid, kind, at_value, message[:300]) for rid, pid, kind, message in rows])


def _escalation_path(area_path: str, level: int) -> str:
    """`level` steps up from the area, never above the root."""
    steps = max(1, len(area_path) // OrgNode.steplen - level)
    return area_path[: steps * OrgNode.steplen]


def _breach(
    *,
    due: QuerySet[ServiceRequest],
    breached_field: str,
    kind: str,
    label: str,
    now: datetime.datetime,
    result: SweepResult,
    digest: _Digest,
    areas: list[tuple[int, str]],
) -> int:
    """Flag the rows of `due`, raise each one level (escalated_to = that ancestor) and log both events."""
    rows = list(
        due.select_for_update(skip_locked=True, of=("self",)).values_list(
            "pk", "number", "area__path", "escalation_level"
        )
    )
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    ServiceRequest.objects.filter(pk__in=ids).update(
        **{breached_field: now}, escalation_level=F("escalation_level") + 1, updated_at=now
    )
    targets = {pk: _escalation_path(path, level + 1) for pk, _n, path, level in rows}
    nodes = dict(OrgNode.objects.filter(path__in=set(targets.values())).values_list("path", "id"))
    names = dict(OrgNode.objects.filter(path__in=set(targets.values())).values_list("path", "name"))
    by_node: dict[int, list[int]] = defaultdict(list)
    for pk, path in targets.items():
        by_node[nodes[path]].append(pk)
    for node_id, pks in by_node.items():
        ServiceRequest.objects.filter(pk__in=pks).update(escalated_to_id=node_id)
        result.escalated_to[node_id] = result.escalated_to.get(node_id, 0) + len(pks)
    _log_events([(pk, None, kind, f"{label}，升级至「{names[targets[pk]]}」督办") for pk in ids], now=now)
    admins = defaultdict(set)
    for user_id, org_id in RoleAssignment.objects.filter(role=Role.ORG_ADMIN, org_id__in=by_node).values_list(
        "user_id", "org_id"
    ):
        admins[org_id].add(user_id)
    for pk, number, path, _level in rows:
        watchers = {uid for uid, area in areas if path.startswith(area)} | admins[nodes[targets[pk]]]
        digest.add(watchers, f"{number}（{label}）")
    return len(rows)


def _stall(*, parts: QuerySet[Dispatch], now: datetime.datetime, digest: _Digest, areas: list[tuple[int, str]]) -> int:
    """Parts nobody accepted in time go back: the request returns to the dispatcher, or is flagged when
    other parts still run."""
    rows = list(
        parts.select_for_update(skip_locked=True, of=("self",)).values_list(
            "pk", "request_id", "request__number", "request__area__path"
        )
    )
    if not rows:
        return 0
    Dispatch.objects.filter(pk__in=[r[0] for r in rows]).update(status=DispatchStatus.STALLED)
    request_ids = {r[1] for r in rows}
    still_running = set(
        Dispatch.objects.filter(request_id__in=request_ids, status__in=ACTIVE_DISPATCH_STATUSES)
        .values("request_id")
        .annotate(n=Count("id"))
        .values_list("request_id", flat=True)
    )
    ServiceRequest.objects.filter(pk__in=request_ids & still_running).update(needs_redispatch=True, updated_at=now)
    ServiceRequest.objects.filter(pk__in=request_ids - still_running, status__in=OPEN_STATUSES).update(
        status=RequestStatus.RETURNED, returned_at=now, status_notes="派单超时未接单，退回调度", updated_at=now
    )
    _log_events([(rid, pid, EventKind.STALLED, "超时未接单，退回调度") for pid, rid, _n, _p in rows], now=now)
    for _pid, _rid, number, path in rows:
        digest.add({uid for uid, area in areas if path.startswith(area)}, f"{number}（超时未接单）")
    return len(rows)


def _send(digest: _Digest, now: datetime.datetime) -> int:
    users = {u.pk: u for u in User.objects.filter(pk__in=list(digest.lines), is_active=True)}
    url = reverse("demand:board") + "?overdue=1"
    for uid, lines in digest.lines.items():
        if uid in users:
            shown = "、".join(lines[:20]) + ("等" if len(lines) > 20 else "")
            notification_send(
                recipients=[users[uid]], title=f"{len(lines)}件工单超时或退回，请督办", body=shown, url=url
            )
    return len(users)


@transaction.atomic
def sla_sweep(*, now: datetime.datetime, request_ids: list[int] | None = None) -> SweepResult:
    """Run the clock at `now` (passed in, so tests drive it with a frozen time): arrival and resolution
    breaches are flagged once, each escalates one org level and is logged; stalled parts return to the
    dispatcher. Safe to repeat and to run concurrently (rows already flagged are skipped)."""
    requests = ServiceRequest.objects.filter(status__in=OPEN_STATUSES)
    parts = Dispatch.objects.filter(status=DispatchStatus.PENDING, accept_due_at__lte=now)
    if request_ids is not None:
        requests = requests.filter(pk__in=request_ids)
        parts = parts.filter(request_id__in=request_ids)
    result = SweepResult()
    digest = _Digest()
    areas = dispatcher_service_areas()
    result.stalled = _stall(parts=parts, now=now, digest=digest, areas=areas)
    result.arrival_overdue = _breach(
        due=requests.filter(responded_at__isnull=True, arrival_breached_at__isnull=True, arrival_due_at__lte=now),
        breached_field="arrival_breached_at",
        kind=EventKind.ARRIVAL_OVERDUE,
        label="超过到场时限",
        now=now,
        result=result,
        digest=digest,
        areas=areas,
    )
    result.resolution_overdue = _breach(
        due=requests.filter(resolution_breached_at__isnull=True, resolution_due_at__lte=now),
        breached_field="resolution_breached_at",
        kind=EventKind.RESOLUTION_OVERDUE,
        label="超过办结时限",
        now=now,
        result=result,
        digest=digest,
        areas=areas,
    )
    result.notified = _send(digest, now)
    return result
