"""Benchmark data for the ledger: 1,000,000 service records (with their totals) over the volunteers in
the database, topped up with plain volunteers to 100,000 when there are fewer.

Rows are written in bulk (raw INSERTs, totals computed alongside), not through `record_append`:
the point is the read side at scale. `check_service_totals` confirms the totals match afterwards.
"""

from __future__ import annotations

import datetime
import random
import sys
from collections import defaultdict
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from redvest.activities.models import Activity, ActivityStatus, ServiceCategory
from redvest.core.db import analyze
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.records.models import (
    RecordKind,
    RecordSource,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)
from redvest.volunteers.models import Volunteer

SEED = 20261124


class Writer(Protocol):
    def write(self, text: str) -> Any: ...


BATCH = 20_000
FIRST_DAY = datetime.date(2025, 1, 1)
DAYS = 690  # up to late November 2026


def _root() -> OrgNode:
    root = OrgNode.objects.get_root_nodes().first()
    if root is None:
        root = OrgNode.objects.add_root({"name": "基准县委组织部", "kind": OrgKind.ORG_DEPT, "code": "330522"})
        for i in range(20):
            root.refresh_from_db()
            OrgNode.objects.add_child(root, {"name": f"基准镇街{i:02d}", "kind": OrgKind.TOWN})
        root.refresh_from_db()
    return root


def ensure_volunteers(count: int, *, out: Writer = sys.stderr) -> list[int]:
    """Volunteer ids, creating plain ones (placeholder encrypted columns) up to `count`."""
    have = Volunteer.objects.count()
    if have < count:
        root = _root()
        orgs = list(OrgNode.objects.filter(in_subtree_q("path", root.path)).values_list("pk", flat=True))
        rows = []
        for n in range(have, count):
            rows.append(
                Volunteer(
                    number=f"BR{n:010d}",
                    org_id=orgs[n % len(orgs)],
                    name=f"基准志愿者{n}",
                    gender="M",
                    birth_date=datetime.date(1980, 1, 1),
                    id_number_encrypted="",
                    id_number_hash=f"bench-id-{n}",
                    id_number_masked="330***********0000",
                    phone_encrypted="",
                    phone_hash=f"bench-phone-{n}",
                    phone_masked="138****0000",
                    political_status="party_member",
                    status="registered",
                )
            )
            if len(rows) == BATCH:
                Volunteer.objects.bulk_create(rows)
                rows = []
        Volunteer.objects.bulk_create(rows)
        out.write(f"  补足志愿者至 {count} 名\n")
    return list(Volunteer.objects.order_by("pk").values_list("pk", flat=True)[:count])


def _activities(count: int, rng: random.Random) -> list[tuple[int, str, datetime.datetime, int]]:
    root = _root()
    orgs = list(OrgNode.objects.filter(in_subtree_q("path", root.path)).values_list("pk", flat=True))
    categories = [c.value for c in ServiceCategory]
    tz = timezone.get_current_timezone()
    rows = []
    for n in range(count):
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        start = datetime.datetime.combine(day, datetime.time(8 + rng.randrange(8)), tzinfo=tz)
        minutes = rng.choice((60, 90, 120, 180, 240))
        rows.append(
            Activity(
                title=f"基准活动{n}",
                org_id=orgs[n % len(orgs)],
                category=categories[n % len(categories)],
                place="长兴县",
                latitude=30,
                longitude=120,
                start_at=start,
                end_at=start + datetime.timedelta(minutes=minutes),
                recruit_start=start - datetime.timedelta(days=7),
                recruit_end=start,
                quota=50,
                status=ActivityStatus.PUBLISHED,
                checkin_secret="bench",
            )
        )
    created = Activity.objects.bulk_create(rows, batch_size=BATCH)
    return [(a.pk, a.category, a.start_at, a.planned_minutes) for a in created]


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def generate_records(
    *, records: int = 1_000_000, volunteers: int = 100_000, activities: int = 20_000, out: Writer = sys.stderr
) -> int:
    """Add `records` entries (2% honour) and their totals, then fresh planner statistics (PostgreSQL);
    returns how many were written (0 if already there)."""
    if ServiceRecord.objects.count() >= records:
        return 0
    written = _write_records(records=records, volunteers=volunteers, activities=activities, out=out)
    analyze(Volunteer, Activity, ServiceRecord, ServiceTotal, ServiceCategoryTotal)
    return written


@transaction.atomic
def _write_records(*, records: int, volunteers: int, activities: int, out: Writer) -> int:
    rng = random.Random(SEED)
    volunteer_ids = ensure_volunteers(volunteers, out=out)
    org_of = dict(Volunteer.objects.filter(pk__in=volunteer_ids).values_list("pk", "org_id"))
    acts = _activities(activities, rng)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    by_kind: dict[tuple[int, int, str], int] = defaultdict(int)
    by_category: dict[tuple[int, int, str, str], int] = defaultdict(int)
    columns = [
        "volunteer_id",
        "activity_id",
        "kind",
        "source",
        "category",
        "minutes",
        "served_on",
        "start_at",
        "end_at",
        "reason",
        "evidence",
        "created_at",
        "org_id",
    ]
    batch: list[tuple[Any, ...]] = []
    for n in range(records):
        volunteer = volunteer_ids[rng.randrange(len(volunteer_ids))]
        if n % 50 == 0:
            served = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            minutes = rng.randrange(60, 600)
            kind, category = RecordKind.HONOUR.value, "other"
            batch.append(
                (
                    volunteer,
                    None,
                    kind,
                    RecordSource.HONOUR.value,
                    category,
                    minutes,
                    served,
                    None,
                    None,
                    "基准荣誉",
                    "",
                    now,
                    org_of[volunteer],
                )
            )
        else:
            activity_id, category, start, planned = acts[rng.randrange(len(acts))]
            minutes = rng.randrange(30, planned + 1)
            served = start.astimezone(tz).date()
            end = start + datetime.timedelta(minutes=minutes)
            kind = RecordKind.CREDIT.value
            source = RecordSource.ATTENDANCE.value
            batch.append(
                (
                    volunteer,
                    activity_id,
                    kind,
                    source,
                    category,
                    minutes,
                    served,
                    start,
                    end,
                    "",
                    "",
                    now,
                    org_of[volunteer],
                )
            )
        by_kind[(volunteer, served.year, kind)] += minutes
        by_category[(volunteer, served.year, kind, category)] += minutes
        if len(batch) == BATCH:
            _insert(ServiceRecord, columns, batch)
            batch = []
            if (n + 1) % 200_000 == 0:
                out.write(f"  {n + 1} 条服务记录\n")
    _insert(ServiceRecord, columns, batch)
    totals = [(v, org_of[v], y, k, m) for (v, y, k), m in by_kind.items()]
    for i in range(0, len(totals), BATCH):
        _insert(ServiceTotal, ["volunteer_id", "org_id", "year", "kind", "minutes"], totals[i : i + BATCH])
    category_totals = [(v, y, k, c, m) for (v, y, k, c), m in by_category.items()]
    for i in range(0, len(category_totals), BATCH):
        _insert(
            ServiceCategoryTotal,
            ["volunteer_id", "year", "kind", "category", "minutes"],
            category_totals[i : i + BATCH],
        )
    return records
