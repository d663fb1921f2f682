"""`make bench-pg`: the province-scale targets on PostgreSQL (issue 13, item 6), each against a bare
baseline measured the same way in the same run.
`BENCH_PG_PARTS=reads` measures the pages and the report only (no check-in burst, no two-servers run).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/redvest_bench BENCH_PG_SCALE=0.05 \\
        .venv/bin/python -m bench.province_bench

The data (bench.province_data, COPY) lives in `<name>_province_<scale>` on that server (created when
missing, rebuilt when its marker does not match the generator, reused otherwise). Each page goes through
Django's test client in-process (session login, full middleware and templates) as a province system
admin or a county org admin: p50/p95 over RUNS requests after a warm-up, the query count of one
request, and p95 as a multiple of the baseline's (`/bench/baseline/`, one primary-key query behind the
same login). The quarterly report is `record_figures`, the function a draft runs. The dashboards are
measured after a full rollup refresh (its time is printed). Results and the load go to stdout,
`bench/results/bench-pg.txt` and the marked section of `bench/README.md`; the last stdout line is JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from bench import db

SCALE = float(os.environ.get("BENCH_PG_SCALE", "1"))
RUNS = db.scaled(30, 3)
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- bench-pg results: begin -->", "<!-- bench-pg results: end -->"
TARGETS_MS = {"list": 100.0, "ranking": 200.0, "dashboard": 300.0}
THREADS = 8
THROUGHPUT_S = float(db.scaled(30, 5))
# BENCH_PG_PARTS: "all" (default) or "reads" (the page and report targets only, without the check-in
# burst and the two-servers throughput, which start gunicorns and take minutes).
PARTS = os.environ.get("BENCH_PG_PARTS", "all")
if PARTS not in ("all", "reads"):
    raise SystemExit("BENCH_PG_PARTS 只能是 all 或 reads")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if not db.server_url():
    raise SystemExit("bench-pg 需要 PostgreSQL：请设置 BENCH_DATABASE_URL（或 DATABASE_URL）为 postgres://…")
PART = "province_" + f"{SCALE:g}".replace(".", "_")
DB = db.select(PART, "unused.sqlite3")

from contextlib import ExitStack  # noqa: E402

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import bench._django  # noqa: E402, F401  (Django on bench.settings and the database above)
from bench import checkin, province_data, run  # noqa: E402
from redvest.accounts.models import RoleAssignment, User  # noqa: E402
from redvest.core.db import analyze  # noqa: E402
from redvest.core.replica import replica_alias, replica_reads, replica_status  # noqa: E402
from redvest.dashboards.services.rollups import dashboards_refresh  # noqa: E402
from redvest.orgs.models import OrgNode  # noqa: E402
from redvest.reports.figures import record_figures  # noqa: E402
from redvest.volunteers.models import Volunteer  # noqa: E402


def _prepare(wanted: province_data.Sizes) -> tuple[float | None, str]:
    """Generate when needed; returns (seconds generating or None when reused, a note)."""
    state = province_data.present(wanted)
    if state is False:
        _log(f"== {DB} 的数据与生成器不符：重建数据库")
        url = os.environ["BENCH_PART_DATABASE_URL"]
        connection.close()
        db.drop_database(url)
        db.ensure_database(url)
        state = None
    db.migrate()
    seconds = None
    if state is None:
        _log(f"== 生成省级数据（规模 {SCALE:g}）：{wanted}")
        seconds = province_data.generate(wanted)
    # VACUUM (ANALYZE) outside the load's transaction, as autovacuum would do on a live server: the
    # visibility map lets capped counts read an index alone. Quick when nothing changed since the last.
    _log("== VACUUM (ANALYZE)")
    t0 = time.monotonic()
    analyze()
    vacuum = f"VACUUM (ANALYZE) {time.monotonic() - t0:.0f} s"
    if seconds is not None:
        return seconds, f"generated in {seconds:.0f} s, {vacuum}"
    return None, f"reused (generated earlier in {province_data.marker_seconds()} s), {vacuum}"


def _timed(fn: Any, runs: int) -> tuple[float, float]:
    fn()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95 + 0.5) - 1)]


def _counted(fn: Any) -> tuple[Any, int, int]:
    """Runs fn once; returns its result, the queries it ran on every database, and those on the replica."""
    with ExitStack() as stack:
        captured = {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections}
        result = fn()
    alias = replica_alias()
    on_replica = len(captured[alias].captured_queries) if alias else 0
    return result, sum(len(c.captured_queries) for c in captured.values()), on_replica


def _page(user: User, url: str) -> dict[str, Any]:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.get(url)
    response, queries_n, on_replica = _counted(lambda: client.get(url))

    def get() -> None:
        client.get(url)

    p50, p95 = _timed(get, RUNS)
    return {
        "status": response.status_code,
        "queries": queries_n,
        "replica": on_replica,
        "p50_ms": p50,
        "p95_ms": p95,
    }


def _function(fn: Any) -> dict[str, Any]:
    _result, queries_n, on_replica = _counted(fn)
    p50, p95 = _timed(fn, RUNS)
    return {"status": 200, "queries": queries_n, "replica": on_replica, "p50_ms": p50, "p95_ms": p95}


def _report_figures(path: str, start: datetime.date, end: datetime.date) -> Any:
    """What a quarterly draft runs (reports.services.filing): the figures, read from the replica when usable."""
    with replica_reads(within_writes=True):
        return record_figures([path], start, end)


def measure() -> tuple[list[dict[str, Any]], dict[str, Any], float]:
    province, county = User.objects.get(username="province"), User.objects.get(username="county")
    root = OrgNode.objects.get_root_nodes().order_by("path").first()
    county_node = RoleAssignment.objects.select_related("org").get(user=county).org
    assert root is not None  # generated
    middle = Volunteer.objects.order_by("pk").values_list("pk", flat=True)[Volunteer.objects.count() // 2]
    index = middle - Volunteer.objects.order_by("pk").values_list("pk", flat=True).first()
    phone = province_data._person(index)[1]
    year = datetime.date(2026, 1, 1).year
    quarter = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    _log("== 看板汇总全量刷新")
    t0 = time.monotonic()
    dashboards_refresh(full=True)
    refresh_s = time.monotonic() - t0
    base = _page(county, f"/bench/baseline/?id={middle}")
    rows: list[dict[str, Any]] = []
    targets: list[tuple[str, str, Any, str]] = [
        ("list", "volunteer list (county)", county, "/volunteers/"),
        ("list", "volunteer list (province)", province, "/volunteers/"),
        ("list", "search by name (county)", county, f"/volunteers/?q={quote('王')}"),
        ("list", "search by phone (province)", province, f"/volunteers/?phone={phone}"),
        ("ranking", "hours ranking (county)", county, f"/records/ranking/?year={year}"),
        ("ranking", "hours ranking (province)", province, f"/records/ranking/?year={year}"),
        ("dashboard", "dashboard (county)", county, f"/dashboards/{county_node.pk}/"),
        ("dashboard", "dashboard (province)", province, f"/dashboards/{root.pk}/"),
    ]
    for group, label, user, url in targets:
        _log(f"== {label}")
        rows.append({"group": group, "target": label, "url": url, **_page(user, url)})
    for label, path in (
        ("report figures (county quarter)", county_node.path),
        ("report figures (province)", root.path),
    ):
        _log(f"== {label}")
        rows.append({"group": "ranking", "target": label, "url": "record_figures()"})
        rows[-1].update(_function(lambda p=path: _report_figures(p, *quarter)))
    return rows, base, refresh_s


def checkin_burst() -> str:
    """The check-in burst of bench.run (300 at once against the bare insert) on a gunicorn serving this
    province database."""
    _log("== 签到并发（300 人同时）")
    prepared = checkin.prepare()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    server = run.Server(env)
    try:
        boot_s = server.wait_ready()
        bursts = checkin.burst(server.base, prepared)
    finally:
        server.stop()
    counts = checkin.verify(prepared["activity_id"])
    return f"gunicorn ready after {boot_s:.1f} s\n" + run.checkin_report(bursts, counts)


def _throughput(bases: list[str], seconds: float) -> float:
    """Requests per second of THREADS clients, each signed in through the login form, cycling over a mix of
    pages (volunteer list pages, a search, the ranking) for `seconds`; client i starts on server i mod n
    and alternates, so two servers share the load evenly."""
    paths = ["/volunteers/", "/volunteers/?page=2", f"/volunteers/?q={quote('王')}", "/records/ranking/?year=2026"]
    sessions = {b: run.login(b, ("county", province_data.PASSWORD)) for b in bases}
    done, errors = [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        own = {b: requests.Session() for b in bases}
        for b in bases:
            own[b].cookies.update(sessions[b].cookies)
        n = i
        while time.monotonic() < deadline:
            base = bases[n % len(bases)]
            status = own[base].get(base + paths[n % len(paths)], timeout=60).status_code
            with lock:
                done[0] += 1
                errors[0] += status != 200
            n += 1

    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(client, range(THREADS)))
    if errors[0]:
        raise RuntimeError(f"吞吐测试中有 {errors[0]} 个请求失败")
    return done[0] / (time.monotonic() - started)


def two_servers() -> str:
    """Throughput through two app servers against one: BENCH_APP_URLS (two base URLs, e.g. the cluster's)
    or two local gunicorns started here, 2 workers each."""
    urls = [u for u in os.environ.get("BENCH_APP_URLS", "").split(",") if u]
    servers: list[run.Server] = []
    try:
        if not urls:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
            for _ in range(2):  # one after the other: the second must see the first's port taken
                servers.append(run.Server(env))
                servers[-1].wait_ready()
            urls = [s.base for s in servers]
        _log("== 吞吐：一台应用服务器")
        one = _throughput(urls[:1], THROUGHPUT_S)
        _log("== 吞吐：两台应用服务器")
        two = _throughput(urls[:2], THROUGHPUT_S)
    finally:
        for server in servers:
            server.stop()
    where = (
        "BENCH_APP_URLS"
        if os.environ.get("BENCH_APP_URLS")
        else "two local gunicorns (2 sync workers each) on this host"
    )
    verdict = "ok" if two >= 1.7 * one else "NOT MET"
    return (
        f"two app servers ({where}), {THREADS} signed-in clients for {THROUGHPUT_S:.0f} s each, pages mixed: "
        f"one server {one:.1f} req/s, two {two:.1f} req/s, x{two / one:.2f} (target >= 1.7): {verdict}"
    )


def report(rows: list[dict[str, Any]], base: dict[str, Any], refresh_s: float, note: str, load: str) -> str:
    sizes = province_data.counts()
    lines = [
        f"bench-pg {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, scale {SCALE:g} ({'smoke' if db.small() else f'{RUNS} runs'}); "
        f"database {DB} ({note})",
        "data: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()),
        f"machine: {load}; full rollup refresh {refresh_s:.1f} s",
        f"baseline /bench/baseline/ (one primary-key query behind the same login): p50 {base['p50_ms']:.1f} ms, "
        f"p95 {base['p95_ms']:.1f} ms, {base['queries']} queries",
        "",
        f"{'target':<34}{'p50 ms':>9}{'p95 ms':>9}{'/base':>8}{'queries':>9}{'replica':>9}{'target':>9}  verdict",
    ]
    for r in rows:
        limit = TARGETS_MS[r["group"]]
        ok = r["status"] == 200 and r["p95_ms"] <= limit
        r["ok"] = ok
        verdict = "ok" if ok else ("SLOW" if r["status"] == 200 else f"HTTP {r['status']}")
        lines.append(
            f"{r['target']:<34}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{'x' + format(r['p95_ms'] / base['p95_ms'], '.1f'):>8}"
            f"{r['queries']:>9}{r['replica']:>9}{'≤' + format(limit, '.0f'):>9}  {verdict}"
        )
    status = replica_status(fresh=True)
    if not replica_alias():
        lines.append("no replica configured (BENCH_REPLICA_URL): every read was on the primary")
    else:
        lines.append(
            f"replica {connections[replica_alias()].settings_dict['HOST']}:{connections[replica_alias()].settings_dict['PORT']}"
            f" {status.state}, lag {status.lag_seconds} s; 'replica' = the queries of one request that it answered"
        )
    return "\n".join(lines)


def _write_readme(text: str) -> None:
    readme = README.read_text()
    block = f"{BEGIN}\n```\n{text}\n```\n{END}"
    if BEGIN in readme:
        readme = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, readme, flags=re.S)
    else:
        readme += f"\n{block}\n"
    README.write_text(readme)


def main() -> int:
    wanted = province_data.sizes(SCALE)
    _seconds, note = _prepare(wanted)
    load = db.load()
    rows, base, refresh_s = measure()
    extra = [checkin_burst(), two_servers()] if PARTS == "all" else []
    text = report(rows, base, refresh_s, note, f"before {load}, after {db.load()}")
    text += "".join(f"\n\n{part}" for part in extra)
    print(text)
    results = db.results_dir()
    results.mkdir(parents=True, exist_ok=True)
    (results / ("bench-pg-quick.txt" if db.small() else "bench-pg.txt")).write_text(text + "\n")
    if not db.small() and PARTS == "all" and os.environ.get("BENCH_PG_README", "1") != "0":
        _write_readme(text)
    print(json.dumps({"scale": SCALE, "baseline": base, "targets": rows}, ensure_ascii=False, default=str))
    return db.exit_status(targets_met=all(r["ok"] for r in rows), errors=any(r["status"] != 200 for r in rows))


if __name__ == "__main__":
    sys.exit(main())
