"""Quarterly report draft at county scale: the figures of one quarter over a whole county subtree with
100,000 volunteers and 1,000,000 service records (≤ 2 s), and every town's figures in the same grouped
pass, against a primary-key fetch measured in the same run.

    .venv/bin/python -m bench.reports_bench

Its own SQLite file (`var/bench-reports.sqlite3`; REPORTS_BENCH_SQLITE_PATH picks another): migrates,
fills it once with the records app's generator (`redvest.records.benchdata.generate_records`: the
volunteers and the 1,000,000 ledger rows), adds activity outcomes for half the activities and 200,000
closed check-ins (later runs reuse all of it), then times `redvest.reports.figures.record_figures`
— the function a draft runs — for the busiest full quarter. The last line of stdout is JSON.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from typing import Any

from bench import db

DB = db.select("reports", "bench-reports.sqlite3", override=os.environ.get("REPORTS_BENCH_SQLITE_PATH"))

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)
from bench.timing import p50_p95_ms  # noqa: E402

RUNS = db.scaled(7, 2)
BASELINE_RUNS = db.scaled(200, 10)
ATTENDANCES = db.scaled(200_000, 200)
RECORDS, VOLUNTEERS, ACTIVITIES = db.scaled(1_000_000, 2_000), db.scaled(100_000, 200), db.scaled(20_000, 50)
QUARTER = (2026, 2)  # fully inside the generator's 690 days from 2025-01-01
# The budget is the county's draft; every town at once (what a circular's figures would cost if
# computed live) is shown for information.
BUDGET_MS: dict[str, float | None] = {"county draft": 2000.0, "all towns, one grouped pass": None}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _supplement() -> None:
    """Outcomes and check-ins the ledger generator does not write (once)."""
    from django.db import transaction

    from redvest.activities.models import Activity, ActivityOutcome, Attendance, AttendanceMethod, AttendanceStatus
    from redvest.volunteers.models import Volunteer

    if Attendance.objects.exists():
        return
    rng = random.Random(7)
    activities = list(Activity.objects.values_list("pk", "start_at", "end_at"))
    volunteers = list(Volunteer.objects.values_list("pk", flat=True))
    with transaction.atomic():
        ActivityOutcome.objects.bulk_create(
            [
                ActivityOutcome(
                    activity_id=pk,
                    sessions=rng.randint(1, 3),
                    beneficiaries=rng.randint(0, 80),
                    problems_found=rng.randint(0, 3),
                    problems_solved=rng.randint(0, 2),
                )
                for pk, _, _ in activities[::2]
            ],
            batch_size=5_000,
        )
        rows = []
        for n in range(ATTENDANCES):
            pk, start, end = activities[n % len(activities)]
            rows.append(
                Attendance(
                    activity_id=pk,
                    volunteer_id=volunteers[rng.randrange(len(volunteers))],
                    check_in_at=start,
                    check_out_at=end,
                    check_in_method=AttendanceMethod.CODE,
                    status=AttendanceStatus.CLOSED,
                )
            )
        Attendance.objects.bulk_create(rows, batch_size=10_000)
    _log(f"  补充活动成效 {len(activities[::2])} 条、签到 {ATTENDANCES} 条")


def main() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from redvest.orgs.models import OrgNode
    from redvest.records.benchdata import generate_records
    from redvest.records.models import ServiceRecord
    from redvest.reports.figures import record_figures
    from redvest.reports.quarters import quarter_bounds

    db.migrate()
    started = time.monotonic()
    if generate_records(records=RECORDS, volunteers=VOLUNTEERS, activities=ACTIVITIES, out=sys.stderr):
        _log(f"  生成基准数据用时 {time.monotonic() - started:.0f} 秒")
    _supplement()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    root = OrgNode.objects.get_root_nodes().first()
    if root is None:
        raise SystemExit("基准库没有组织节点")
    towns = list(OrgNode.objects.filter(depth=2, path__startswith=root.path).values_list("path", flat=True))
    first, last = quarter_bounds(*QUARTER)
    some_pk = ServiceRecord.objects.order_by("pk").values_list("pk", flat=True)[RECORDS // 2]
    base_p50, base_p95 = p50_p95_ms(lambda: ServiceRecord.objects.filter(pk=some_pk).first(), BASELINE_RUNS)

    targets = {
        "county draft": lambda: record_figures([root.path], first, last),
        "all towns, one grouped pass": lambda: record_figures(towns, first, last),
    }
    results: list[dict[str, Any]] = []
    for name, fn in targets.items():
        with CaptureQueriesContext(connection) as queries:
            figures = fn()
        p50, p95 = p50_p95_ms(fn, RUNS)
        sample = figures[root.path] if root.path in figures else figures[towns[0]]
        results.append(
            {
                "target": name,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "x_baseline": round(p50 / base_p50, 1) if base_p50 else None,
                "queries": len(queries),
                "budget_ms": BUDGET_MS[name],
                "credit_minutes": sample["credit_minutes"],
                "person_times": sample["person_times"],
            }
        )
    records = ServiceRecord.objects.count()
    print(f"数据：{records} 条服务记录，季度 {QUARTER[0]}Q{QUARTER[1]}（{first}–{last}），{len(towns)} 个镇街")
    print(f"基准：按主键取一条服务记录 p50 {base_p50:.2f} ms，p95 {base_p95:.2f} ms（{BASELINE_RUNS} 次）")
    print(f"{'target':<30}{'p50 ms':>10}{'p95 ms':>10}{'/base':>10}{'queries':>9}{'budget ms':>11}  verdict")
    failed = False
    for r in results:
        budget = r["budget_ms"]
        ok = budget is None or r["p50_ms"] <= budget
        failed |= not ok
        verdict = "info" if budget is None else ("ok" if ok else "SLOW")
        print(
            f"{r['target']:<30}{r['p50_ms']:>10}{r['p95_ms']:>10}{'x' + str(r['x_baseline']):>10}{r['queries']:>9}"
            f"{budget if budget is not None else '—':>11}  {verdict}"
        )
    print(
        json.dumps(
            {"baseline_pk_fetch_ms": round(base_p50, 3), "quarter": list(QUARTER), "targets": results},
            ensure_ascii=False,
        )
    )
    return db.exit_status(targets_met=not failed)


if __name__ == "__main__":
    sys.exit(main())
