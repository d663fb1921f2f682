"""Service ledger read side at 1,000,000 records / 100,000 volunteers: "my service" (≤ 50 ms) and the
hours ranking (≤ 200 ms), with a baseline measured the same way in the same run.

    .venv/bin/python -m bench.records_bench

Its own SQLite file (`var/bench-records.sqlite3`): migrates, fills it once with
`redvest.records.benchdata.generate_records` (later runs reuse it), then runs the records app's
`bench_records` command (Django test client in-process: session, middleware, templates) and times
`/bench/baseline/` through the same client with the same number of runs. Prints each target's p50/p95
and its p50 as a multiple of the baseline's; the last line of stdout is JSON.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time

from bench import db

RUNS = db.scaled(50, 2)
RECORDS, VOLUNTEERS, ACTIVITIES = db.scaled(1_000_000, 2_000), db.scaled(100_000, 200), db.scaled(20_000, 50)
DB = db.select("records", "bench-records.sqlite3")

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)


def _baseline(runs: int) -> dict[str, float]:
    from django.test import Client

    from redvest.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench-records-typical"))
    for _ in range(5):
        if client.get("/bench/baseline/").status_code != 200:
            raise RuntimeError("baseline view did not answer 200")
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get("/bench/baseline/")
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[int(len(timings) * 0.95) - 1]}


def main() -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    db.migrate()
    out = io.StringIO()
    try:
        call_command(
            "bench_records",
            runs=RUNS,
            records=RECORDS,
            volunteers=VOLUNTEERS,
            activities=ACTIVITIES,
            stdout=out,
            stderr=sys.stderr,
        )
        failed = False
    except CommandError as exc:  # targets missed: the JSON was printed before the error
        print(f"bench_records: {exc}", file=sys.stderr)
        failed = True
    results = json.loads(out.getvalue())
    base = _baseline(RUNS)
    print(
        f"基线：GET /bench/baseline/（同一测试客户端，{RUNS} 次）p50 {base['p50_ms']:.1f} ms，p95 {base['p95_ms']:.1f} ms"
    )
    print(f"{'target':<30}{'p50 ms':>9}{'p95 ms':>9}{'/base':>8}{'queries':>9}{'target ms':>11}  verdict")
    for r in results:
        r["x_baseline"] = round(r["p50_ms"] / base["p50_ms"], 1)
        ok = r["status"] == 200 and r["p50_ms"] <= r["target_ms"]
        verdict = "ok" if ok else ("SLOW" if r["status"] == 200 else f"HTTP {r['status']}")
        print(
            f"{r['target']:<30}{r['p50_ms']:>9}{r['p95_ms']:>9}{'x' + str(r['x_baseline']):>8}{r['queries']:>9}"
            f"{r['target_ms']:>11}  {verdict}"
        )
    print(json.dumps({"baseline": base, "targets": results}, ensure_ascii=False))
    return db.exit_status(targets_met=not failed, errors=any(r["status"] != 200 for r in results))


if __name__ == "__main__":
    sys.exit(main())
