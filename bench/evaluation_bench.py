"""一评议一晾晒 at scale: compute and rank one quarter's round of 5,000 organisations (≤ 2 s) over
100,000 volunteers and 1,000,000 service records, against a primary-key fetch measured in the same run.

    .venv/bin/python -m bench.evaluation_bench

Its own SQLite file (`var/bench-evaluation.sqlite3`; EVALUATION_BENCH_SQLITE_PATH picks another):
migrates, builds a county of 20 towns with 250 units each (5,000 cohort orgs, written in bulk), fills
it once with the records app's generator (`redvest.records.benchdata.generate_records`), adds points
earned per day, 50,000 resolved demand requests with callbacks and quarterly reports (later runs reuse
all of it), then times `round_create` (every metric of the registry, 5,000 score rows written) plus
review and `round_publish` (ranks written) inside a transaction rolled back after each run. The last
line of stdout is JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from typing import Any

from bench import db

DB = db.select("evaluation", "bench-evaluation.sqlite3", override=os.environ.get("EVALUATION_BENCH_SQLITE_PATH"))

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)
from bench.timing import p50_p95_ms  # noqa: E402

TOWNS = db.scaled(20, 2)
UNITS_PER_TOWN = db.scaled(250, 5)
REQUESTS = db.scaled(50_000, 100)
EARNED_DAYS = db.scaled(200_000, 200)
RUNS = db.scaled(5, 1)
BASELINE_RUNS = db.scaled(200, 10)
RECORDS, VOLUNTEERS, ACTIVITIES = db.scaled(1_000_000, 2_000), db.scaled(100_000, 200), db.scaled(20_000, 50)
QUARTER = (2026, 2)  # fully inside the generator's 690 days from 2025-01-01
BUDGET_MS = {"compute and rank 5,000 orgs": 2000.0}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _tree() -> None:
    """The county, its towns and 5,000 units, in bulk (materialized paths computed as treebeard does)."""
    from django.db import transaction

    from redvest.orgs.models import OrgKind, OrgNode

    if OrgNode.objects.exists():
        return
    with transaction.atomic():
        root = OrgNode.objects.add_root({"name": "基准县委组织部", "kind": OrgKind.ORG_DEPT, "code": "330522"})
        towns = [
            OrgNode(name=f"基准镇街{t:02d}", kind=OrgKind.TOWN, path=OrgNode._get_path(root.path, 2, t + 1), depth=2)
            for t in range(TOWNS)
        ]
        for town in towns:
            town.numchild = UNITS_PER_TOWN
        OrgNode.objects.bulk_create(towns)
        OrgNode.objects.filter(pk=root.pk).update(numchild=TOWNS)
        units = [
            OrgNode(
                name=f"{town.name}单位{u:03d}",
                kind=OrgKind.UNIT,
                path=OrgNode._get_path(town.path, 3, u + 1),
                depth=3,
            )
            for town in towns
            for u in range(UNITS_PER_TOWN)
        ]
        OrgNode.objects.bulk_create(units, batch_size=2_000)
    _log(f"  组织树：{TOWNS} 个镇街，{TOWNS * UNITS_PER_TOWN} 个单位")


def _supplement() -> None:
    """Points earned, resolved requests with callbacks, quarterly reports (once)."""
    from django.db import transaction
    from django.utils import timezone

    from redvest.demand.models import Callback, CallbackStatus, Rating, ServiceItem, ServiceRequest
    from redvest.orgs.models import OrgKind, OrgNode
    from redvest.points.models import PointsEarnedDay
    from redvest.volunteers.models import Volunteer

    if ServiceRequest.objects.exists():
        return
    rng = random.Random(11)
    tz = timezone.get_current_timezone()
    first = datetime.date(QUARTER[0], 3 * QUARTER[1] - 2, 1)
    volunteers = list(Volunteer.objects.values_list("pk", flat=True))
    units = list(OrgNode.objects.filter(kind=OrgKind.UNIT).values_list("pk", flat=True))
    with transaction.atomic():
        seen: set[tuple[int, int]] = set()
        days: list[Any] = []
        while len(days) < EARNED_DAYS:
            v, d = volunteers[rng.randrange(len(volunteers))], rng.randrange(180)
            if (v, d) in seen:
                continue
            seen.add((v, d))
            days.append(
                PointsEarnedDay(
                    volunteer_id=v,
                    point_type="service",
                    day=first - datetime.timedelta(days=45) + datetime.timedelta(days=d),
                    points=rng.randint(1, 20),
                )
            )
        PointsEarnedDay.objects.bulk_create(days, batch_size=10_000)
        item = ServiceItem.objects.create(
            code="B0001", name="基准服务", category="life", arrival_minutes=30, resolution_minutes=1440
        )
        requests = []
        for n in range(REQUESTS):
            created = datetime.datetime.combine(
                first + datetime.timedelta(days=rng.randrange(91)), datetime.time(9), tzinfo=tz
            )
            requests.append(
                ServiceRequest(
                    number=f"B{n:09d}",
                    token=f"bench{n:020d}",
                    channel="hotline",
                    item=item,
                    category="life",
                    area_id=units[n % len(units)],
                    status="closed",
                    created_at=created,
                    updated_at=created,
                    arrival_due_at=created + datetime.timedelta(minutes=30),
                    resolution_due_at=created + datetime.timedelta(hours=24),
                    resolved_at=created + datetime.timedelta(hours=rng.choice((2, 8, 30))),
                )
            )
        created_requests = ServiceRequest.objects.bulk_create(requests, batch_size=5_000)
        ratings = [Rating.SATISFIED] * 8 + [Rating.BASIC] + [Rating.UNSATISFIED]
        Callback.objects.bulk_create(
            [
                Callback(
                    request_id=r.pk,
                    due_at=r.resolved_at or r.created_at,
                    status=CallbackStatus.DONE,
                    rating=rng.choice(ratings),
                    done_at=r.resolved_at,
                )
                for r in created_requests[::2]
            ],
            batch_size=5_000,
        )
    _log(f"  补充积分日合计 {EARNED_DAYS} 条、工单 {REQUESTS} 张、回访 {REQUESTS // 2} 条")


def _scheme(actor: Any, root: Any) -> None:
    from redvest.evaluation.models import EvaluationScheme, Metric, Normalisation
    from redvest.evaluation.services import CriterionData, scheme_create

    if EvaluationScheme.objects.filter(org=root).exists():
        return
    scheme_create(
        actor=actor,
        org=root,
        name="基准评议方案",
        criteria=[
            CriterionData(Metric.HOURS_PER_MEMBER, 25),
            CriterionData(Metric.ACTIVITIES, 15),
            CriterionData(Metric.SATISFACTION, 20, Normalisation.THRESHOLD, Decimal("95")),
            CriterionData(Metric.REPORTS_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
            CriterionData(Metric.CARE_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
            CriterionData(Metric.POINTS_PER_MEMBER, 10),
            CriterionData(Metric.REQUESTS_ON_TIME, 10, Normalisation.THRESHOLD, Decimal("100")),
        ],
    )


class _Rollback(Exception):
    pass


def main() -> int:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from redvest.accounts.models import User
    from redvest.evaluation.models import RankingEntry
    from redvest.evaluation.services import round_create, round_publish, round_review_all
    from redvest.orgs.models import OrgKind, OrgNode
    from redvest.records.benchdata import generate_records
    from redvest.records.models import ServiceRecord

    db.migrate()
    started = time.monotonic()
    _tree()
    if generate_records(records=RECORDS, volunteers=VOLUNTEERS, activities=ACTIVITIES, out=sys.stderr):
        _log(f"  生成基准数据用时 {time.monotonic() - started:.0f} 秒")
    _supplement()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    root = OrgNode.get_root_nodes().first()
    if root is None:
        raise SystemExit("基准库没有组织节点")
    actor, _ = User.objects.get_or_create(username="bench-evaluation", defaults={"is_superuser": True})
    _scheme(actor, root)
    cohort = OrgNode.objects.filter(path__startswith=root.path, kind=OrgKind.UNIT).count()
    some_pk = ServiceRecord.objects.order_by("pk").values_list("pk", flat=True)[RECORDS // 2]
    base_p50, base_p95 = p50_p95_ms(lambda: ServiceRecord.objects.filter(pk=some_pk).first(), BASELINE_RUNS)
    outcome: dict[str, Any] = {}

    def compute_and_rank() -> None:
        try:
            with transaction.atomic():
                r = round_create(actor=actor, org=root, year=QUARTER[0], quarter=QUARTER[1], cohort_kind=OrgKind.UNIT)
                round_review_all(actor=actor, round=r)
                round_publish(actor=actor, round=r)
                top = RankingEntry.objects.filter(round=r).order_by("rank").first()
                outcome["ranked"] = RankingEntry.objects.filter(round=r).count()
                outcome["top"] = (top.org_name, str(top.score)) if top else None
                raise _Rollback
        except _Rollback:
            pass

    with CaptureQueriesContext(connection) as queries:
        compute_and_rank()
    p50, p95 = p50_p95_ms(compute_and_rank, RUNS)
    name = "compute and rank 5,000 orgs"
    result: dict[str, Any] = {
        "target": name,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "x_baseline": round(p50 / base_p50, 1) if base_p50 else None,
        "queries": len(queries),
        "budget_ms": BUDGET_MS[name],
        "orgs": outcome.get("ranked"),
    }
    records = ServiceRecord.objects.count()
    print(f"数据：{records} 条服务记录，参评单位 {cohort} 个，季度 {QUARTER[0]}Q{QUARTER[1]}，7 项指标")
    print(f"基准：按主键取一条服务记录 p50 {base_p50:.2f} ms，p95 {base_p95:.2f} ms（{BASELINE_RUNS} 次）")
    print(f"{'target':<32}{'p50 ms':>10}{'p95 ms':>10}{'/base':>10}{'queries':>9}{'budget ms':>11}  verdict")
    ok = result["p50_ms"] <= result["budget_ms"] and result["orgs"] == cohort
    print(
        f"{name:<32}{result['p50_ms']:>10}{result['p95_ms']:>10}{result['x_baseline']!s:>10}"
        f"{result['queries']:>9}{result['budget_ms']:>11}  {'ok' if ok else 'MISSED'}"
    )
    print(f"第一名：{outcome.get('top')}")
    print(json.dumps({"baseline_p50_ms": round(base_p50, 3), "results": [result]}, ensure_ascii=False))
    return db.exit_status(targets_met=ok)


if __name__ == "__main__":
    raise SystemExit(main())
