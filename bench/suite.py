"""`make bench`: every benchmark, one after the other, each against a baseline measured in its own run.

1. `bench.run` — gunicorn: hot pages vs /bench/baseline/, then the check-in burst vs /bench/insert/.
2. `bench.points_bench` — points bank at 5,000,000 ledger entries vs a primary-key fetch.
3. `bench.demand_bench` — demand intake, recommendation, SLA sweep vs a primary-key fetch.
4. `bench.records_bench` — "my service" and the hours ranking at 1,000,000 records vs /bench/baseline/.
5. `bench.import_bench` — 10,000-row volunteer Excel import vs 10,000 bare inserts.
6. `bench.reports_bench` — a county's quarterly report draft at 1,000,000 records vs a primary-key fetch.
7. `bench.evaluation_bench` — compute and rank a round of 5,000 orgs at 1,000,000 records vs a primary-key fetch.

Each of 2–5 runs as a child process on its own SQLite file with a time limit; its printed table (not
its final JSON line) goes into the combined `bench/results/latest.txt`. A part that fails or times
out is reported as such and the others still run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import run

ROOT = Path(__file__).resolve().parent.parent
PARTS = [
    ("points bank (bench/points_bench.py)", "bench.points_bench"),
    ("demand and dispatch (bench/demand_bench.py)", "bench.demand_bench"),
    ("service records (bench/records_bench.py)", "bench.records_bench"),
    ("volunteer Excel import (bench/import_bench.py)", "bench.import_bench"),
    ("annual awards at 1,225 entries (bench/awards_bench.py)", "bench.awards_bench"),
    ("dashboards (bench/dashboards_bench.py)", "bench.dashboards_bench"),
    ("quarterly report draft (bench/reports_bench.py)", "bench.reports_bench"),
    ("care pairing: overdue list, visit stats, reminders (bench/care_bench.py)", "bench.care_bench"),
    ("publicity: wall, commitments, training hours (bench/publicity_bench.py)", "bench.publicity_bench"),
    ("evaluation round of 5,000 orgs (bench/evaluation_bench.py)", "bench.evaluation_bench"),
    ("volunteer-ledger export, 100,000 rows, Excel and CSV (bench/export_bench.py)", "bench.export_bench"),
]
PART_TIMEOUT_S = 900


def _part(title: str, module: str) -> str:
    print(f"==== {title}", file=sys.stderr, flush=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("BENCH_SQLITE_PATH", "DJANGO_SETTINGS_MODULE"):  # each part picks its own file
        env.pop(name, None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=PART_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return f"== {title}\nTIMED OUT after {PART_TIMEOUT_S} s"
    lines = done.stdout.rstrip().splitlines()
    if lines and lines[-1].startswith("{"):
        lines = lines[:-1]  # the machine-readable JSON line
    status = "" if done.returncode == 0 else f" (exit {done.returncode}: a target missed or an error, see above)"
    took = time.monotonic() - started
    return "\n".join([f"== {title}, {took:.0f} s{status}", *lines])


def main() -> int:
    signal.signal(signal.SIGTERM, run._raise_on_sigterm)
    sections = ["== gunicorn targets and check-in burst (bench/run.py)", run.harness()]
    for title, module in PARTS:
        sections.append("")
        sections.append(_part(title, module))
    text = "\n".join(sections)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "latest.txt").write_text(text + "\n")
    print(text)
    print(f"\n(写入 {run.RESULTS.relative_to(ROOT) / 'latest.txt'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
