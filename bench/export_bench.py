"""The volunteer-ledger export at 100,000 rows (targets: ≤ 15 s and < 150 MB peak RSS), in Excel and CSV,
through the real path: `volunteer_export_request` (checks, audit, the queued `DataExport`) as the county
org admin for the whole county (full ID numbers and phones: the decrypting, heavier path), then
`data_export_run` — the body of the background task — in-process, which streams the file.

    .venv/bin/python -m bench.export_bench          # SQLite: var/bench-export.sqlite3 (kept between runs)
    BENCH_DATABASE_URL=postgres://… .venv/bin/python -m bench.export_bench

Each measurement runs in its own child process; its peak RSS is the kernel's high-water mark of that
process's own memory (`VmHWM` in /proc/self/status). Not `ru_maxrss`: Python starts the child with
vfork + exec, and Linux carries the parent's peak (the parent has just generated 100,000 volunteers)
into the child's `ru_maxrss`, so it reported the parent's 277 MB as the child's peak. Beside the peak:
the RSS before the task body starts (Django, the models and, as in the worker after its system checks,
the URLconf with the API schemas: ~160 MB), the task's own growth (peak minus that), and at the end how much of the RSS is the process's own (anonymous) memory and how much
is file pages mapped in — on SQLite the database file, read through the product's 256 MB `mmap_size`
(shared page cache the kernel can drop, not the export's buffers). Baseline, same
run and same rows: a bare CSV of the `Volunteer` table (`values_list` iterated in chunks straight into
`csv.writer`, nothing decrypted or looked up) — each export is reported as a multiple of it, and the
baseline's RSS shows what Django itself weighs. The data is `bench.generate`'s large county (100,000
volunteers, 1,000 teams, 5,000 org nodes). The last line of stdout is JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench-export.sqlite3"
TARGET_S = 15.0
TARGET_RSS_MB = 150.0
if not os.environ.get("BENCH_DATABASE_URL"):
    os.environ["BENCH_SQLITE_PATH"] = str(DB)


def _cpu_s() -> float:
    """CPU seconds this process has used (user + system): on a shared machine the wall time also counts
    the time other work had the CPU; this does not."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_mb() -> dict[str, float]:
    """This process's VmHWM (peak), VmRSS, RssAnon and RssFile, in MB (kB in /proc on Linux)."""
    found: dict[str, float] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                found[key] = round(int(rest.split()[0]) / 1024, 1)
    return found


def _child(what: str) -> dict[str, Any]:
    """One measurement, in this (child) process."""
    from django.db import connection

    import bench._django  # noqa: F401  (Django on bench.settings)
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

    county = User.objects.get(username="county")
    root = OrgNode.objects.order_by("path").first()
    assert root is not None
    rss_before = _status_mb()["VmRSS"]
    cpu_before = _cpu_s()
    if what == "baseline":
        import csv
        import tempfile

        from redvest.volunteers.models import Volunteer

        started = time.perf_counter()
        rows = 0
        with tempfile.TemporaryFile("w+", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            qs = Volunteer.objects.order_by("pk").values_list(
                "number", "name", "gender", "birth_date", "political_status", "org_id", "status", "created_at"
            )
            for row in qs.iterator(chunk_size=2000):
                writer.writerow(row)
                rows += 1
            size = handle.tell()
        seconds = time.perf_counter() - started
    else:
        from django.db import transaction

        from redvest.dashboards.models import DataExport
        from redvest.dashboards.services import data_export_run
        from redvest.volunteers.selectors import VolunteerFilters
        from redvest.volunteers.services import volunteer_export_request

        started = time.perf_counter()
        with transaction.atomic():
            ticket = volunteer_export_request(actor=county, filters=VolunteerFilters(org_id=root.pk), fmt=what)
        # The request loaded the URLconf (its ticket links the progress page), as the worker's system checks
        # do at its start: the worker's resting size, measured here, before the task body.
        rss_before = _status_mb()["VmRSS"]
        export = data_export_run(export_id=ticket.id)
        seconds = time.perf_counter() - started
        rows = export.row_count
        size = export.file.size if export.file else 0
        if export.status != "done":
            raise RuntimeError(f"export {export.pk} ended {export.status}: {export.error}")
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).delete()
    return {
        "what": what,
        "vendor": connection.vendor,
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_s": round(_cpu_s() - cpu_before, 2),
        "ms_per_1000_rows": round(seconds * 1000 / max(rows, 1) * 1000, 1),
        **_memory(rss_before),
        "file_mb": round(size / 1e6, 1),
    }


def _memory(rss_before: float) -> dict[str, float]:
    now = _status_mb()
    return {
        "peak_rss_mb": now["VmHWM"],
        "rss_before_mb": rss_before,
        "growth_mb": round(now["VmHWM"] - rss_before, 1),
        "end_anon_mb": now["RssAnon"],
        "end_file_mb": now["RssFile"],
    }


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def _measure(what: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "bench.export_bench", "--child", what],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=900,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2])))
        return 0
    from django.core.management import call_command

    import bench._django  # noqa: F401
    from bench.generate import LARGE, generate

    call_command("migrate", verbosity=0)
    generate(LARGE)
    load_before = os.getloadavg()
    base = _measure("baseline")
    results = [_measure("xlsx"), _measure("csv")]
    load_after = os.getloadavg()
    print(
        f"基线：裸 CSV（values_list 分块直写，{base['rows']} 行，{base['vendor']}）"
        f"{base['seconds']} s（CPU {base['cpu_s']} s），峰值 RSS {base['peak_rss_mb']} MB（开始前 {base['rss_before_mb']} MB）"
    )
    print(
        f"{'export':<26}{'rows':>8}{'s':>8}{'cpu s':>8}{'/base':>8}{'ms/1k':>8}{'RSS MB':>8}{'before':>8}{'growth':>8}"
        f"{'anon':>7}{'mapped':>8}{'file MB':>9}  verdict"
    )
    failed = False
    for r in results:
        r["x_baseline"] = round(r["seconds"] / max(base["seconds"], 0.001), 1)
        ok = r["seconds"] <= TARGET_S and r["peak_rss_mb"] < TARGET_RSS_MB and r["rows"] == base["rows"]
        failed = failed or not ok
        label = f"volunteer ledger {r['what']}"
        print(
            f"{label:<26}{r['rows']:>8}{r['seconds']:>8}{r['cpu_s']:>8}{'x' + str(r['x_baseline']):>8}{r['ms_per_1000_rows']:>8}"
            f"{r['peak_rss_mb']:>8}{r['rss_before_mb']:>8}{r['growth_mb']:>8}{r['end_anon_mb']:>7}"
            f"{r['end_file_mb']:>8}{r['file_mb']:>9}  {'ok' if ok else 'MISSED'}"
        )
    print(
        f"目标：≤ {TARGET_S:.0f} s，峰值 RSS < {TARGET_RSS_MB:.0f} MB（每项在独立子进程中测量，VmHWM；"
        "anon/mapped：结束时进程自身内存与映射的文件页）"
    )
    print(f"负载（1/5/15 分钟，{os.cpu_count()} CPU）：开始 {_load(load_before)}，结束 {_load(load_after)}")
    print(
        json.dumps(
            {"baseline": base, "exports": results, "load_before": load_before, "load_after": load_after},
            ensure_ascii=False,
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
