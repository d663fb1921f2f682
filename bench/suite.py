"""`make bench`: every benchmark part, one after the other, each isolated in its own child process and on
its own database, each against a baseline measured in its own run.

    python -m bench.suite                 # all parts, full sizes
    python -m bench.suite --quick         # smoke mode (BENCH_SMALL=1): tiny sizes, a few runs
    python -m bench.suite --part bench.demand_bench --part bench.care_bench

A part that fails, crashes or runs past its time limit (`BENCH_PART_TIMEOUT_S`, default 15 min) is
reported as such and the others still run; the exit status is 1 when any part failed. The load average
is recorded before and after each part. Each part's printed table (not its final JSON line) goes into
the combined `bench/results/latest.txt` (`latest-quick.txt` in smoke mode). `BENCH_DATABASE_URL`
(PostgreSQL) puts every part on its own database on that server (see `bench.db`).

Another part registers with one line in PARTS: (title, module run as `python -m module`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import db

ROOT = Path(__file__).resolve().parent.parent
PARTS = [
    ("gunicorn targets and check-in burst (bench/run.py)", "bench.run"),
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


@dataclass
class Outcome:
    title: str
    module: str
    ok: bool
    text: str


def run_part(title: str, module: str, *, timeout: float) -> Outcome:
    """`python -m module` in a child process; its stdout (minus the final JSON line) is the part's text."""
    print(f"==== {title}  [{db.load()}]", file=sys.stderr, flush=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    for name in ("BENCH_SQLITE_PATH", "BENCH_PART_DATABASE_URL", "BENCH_PART_REPLICA_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)  # each part picks its own database
    before = db.load()
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        status, lines, ok = f"TIMED OUT after {timeout:.0f} s", out.rstrip().splitlines(), False
    else:
        lines = done.stdout.rstrip().splitlines()
        if lines and lines[-1].startswith("{"):
            lines = lines[:-1]  # the machine-readable JSON line
        ok = done.returncode == 0
        if done.returncode == db.TARGETS_MISSED:
            status = "TARGET MISSED (see the verdicts below)"
        else:
            status = "ok" if ok else f"FAILED (exit {done.returncode}: an error, see stderr)"
    took = time.monotonic() - started
    head = f"== {title}: {status}, {took:.0f} s; before: {before}; after: {db.load()}"
    return Outcome(title, module, ok, "\n".join([head, *lines]))


def run_all(parts: list[tuple[str, str]], *, timeout: float) -> tuple[str, bool]:
    outcomes = [run_part(title, module, timeout=timeout) for title, module in parts]
    failed = [o for o in outcomes if not o.ok]
    mode = "quick smoke mode (BENCH_SMALL=1): tiny sizes, figures not meaningful" if db.small() else "full sizes"
    where = (
        f"PostgreSQL ({db.server_url().rsplit('@', 1)[-1]})" if db.server_url() else f"SQLite files in {db.var_dir()}"
    )
    summary = [
        f"RedVest benchmarks {time.strftime('%Y-%m-%d %H:%M %Z')}: {len(outcomes)} parts, {len(failed)} failed; "
        f"{mode}; {where}",
        *(f"  not ok: {o.title} ({o.module})" for o in failed),
    ]
    return "\n".join([*summary, *(f"\n{o.text}" for o in outcomes)]), not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode: tiny sizes (sets BENCH_SMALL=1)")
    parser.add_argument("--part", action="append", default=[], help="run only this module (repeatable)")
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["BENCH_SMALL"] = "1"
    titles = dict((module, title) for title, module in PARTS)
    parts = [(titles.get(m, m), m) for m in args.part] if args.part else PARTS
    timeout = float(os.environ.get("BENCH_PART_TIMEOUT_S", PART_TIMEOUT_S))
    text, ok = run_all(parts, timeout=timeout)
    results = db.results_dir()
    results.mkdir(parents=True, exist_ok=True)
    target = results / ("latest-quick.txt" if db.small() else "latest.txt")
    target.write_text(text + "\n")
    print(text)
    print(f"\n(写入 {target})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
