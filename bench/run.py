"""`make bench`: time the product's hot pages on gunicorn against a bare baseline view.

1. Prepare two databases (migrate, generate, count each page's queries in-process): the large
   one (100,000 volunteers, 1,000 teams, 5,000 org nodes) and a 1% one, to show the query count
   per page does not grow with the data.
2. Start gunicorn (2 workers) on a free port of 127.0.0.1 with bench.settings and the large
   database; log in as the county org admin through the real login form (CSRF and session
   cookie) and get an API token from POST /api/v1/auth/token.
3. Per target: warm up, then sequential requests and concurrent ones (4 client threads), bounded
   in count and time; report p50/p95 and the p95 as a multiple of the baseline's p95.
4. Print the table and stop gunicorn (also on error); `make bench` (bench.suite) files it in
   bench/results/latest.txt with the other parts.

Readiness is awaited for up to 5 minutes (a loaded machine can take more than 30 s to boot gunicorn),
and the load average is printed with the results. `BENCH_DATABASE_URL` (PostgreSQL) puts both databases
on that server (`<name>_pages`, `<name>_pages_small`, see bench.db); BENCH_SMALL=1 is the smoke mode
(200 and 50 volunteers, a few requests per target, a 20-person burst).

Only 127.0.0.1 is ever contacted. A page that answers 404 is reported as "missing".
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import requests

from bench import checkin, db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = db.results_dir()
HOST = "127.0.0.1"
WORKERS = 2
THREADS = 4
WARMUP = db.scaled(10, 2)
SEQUENTIAL = db.scaled(100, 5)
CONCURRENT = db.scaled(200, 8)
BUDGET_S = 60.0  # per target, sequential and concurrent together
READY_TIMEOUT_S = float(os.environ.get("BENCH_READY_TIMEOUT_S", 300))
LARGE_SIZE = "quick" if db.small() else "large"
SMALL_SIZE = "tiny" if db.small() else "small"
TARGET_P95_MS = 100.0
LOGIN = ("county", "redvest-demo")


@dataclass
class Timing:
    name: str
    url: str
    status: str = "ok"
    sequential: list[float] = field(default_factory=list)
    concurrent: list[float] = field(default_factory=list)
    errors: int = 0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _env(*, large: bool) -> dict[str, str]:
    """The children's environment: bench.settings on the large or the small database of this part."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("BENCH_SQLITE_PATH", None)
    env.pop("BENCH_PART_DATABASE_URL", None)
    env.pop("BENCH_PART_REPLICA_URL", None)
    if large:
        env.update(db.part_env("pages", "bench.sqlite3"))
    else:
        env.update(db.part_env("pages_small", "bench-small.sqlite3"))
    return env


def prepare(size: str) -> dict[str, Any]:
    print(f"== 准备 {size} 数据库并统计查询数", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", "--size", size],
        cwd=ROOT,
        env=_env(large=size == LARGE_SIZE),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def free_port() -> int:
    """A free port of 127.0.0.1: the first free one of BENCH_PORTS ("8850-8869") when set, else any."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:  # taken
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError(f"BENCH_PORTS {first}-{last} 中没有空闲端口")


class Server:
    """gunicorn as a child process, stopped by its own pid."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / f"gunicorn-{self.port}.log"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "redvest.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Poll /healthz until it answers 200; returns the seconds it took (the boot on a loaded machine)."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn 启动失败，见 {self.log_path}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:  # not listening or still booting
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn 未在{timeout:.0f}秒内就绪（{db.load()}）")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def login(base: str, credentials: tuple[str, str] = LOGIN) -> requests.Session:
    """The real login form: GET for the CSRF token and cookie, POST the credentials."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError("登录页没有 CSRF 令牌")
    username, password = credentials
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"以 {username} 登录失败（HTTP {response.status_code}）")
    return session


def api_token(base: str) -> str:
    username, password = LOGIN
    response = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": password}, timeout=30)
    response.raise_for_status()
    return str(response.json()["token"])


def _get(session: requests.Session, url: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = session.get(url, allow_redirects=False, timeout=30)
    _ = response.content
    return response.status_code, (time.perf_counter() - started) * 1000


def time_target(name: str, url: str, make_session: Callable[[], requests.Session]) -> Timing:
    timing = Timing(name=name, url=url)
    session = make_session()
    status, _ = _get(session, url)
    if status != 200:
        timing.status = "missing" if status == 404 else f"HTTP {status}"
        return timing
    for _ in range(WARMUP - 1):
        _get(session, url)
    deadline = time.monotonic() + BUDGET_S
    for _ in range(SEQUENTIAL):
        if time.monotonic() > deadline:
            break
        status, ms = _get(session, url)
        timing.sequential.append(ms)
        timing.errors += status != 200

    def client(count: int) -> list[tuple[int, float]]:
        own = make_session()
        out = []
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            out.append(_get(own, url))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        for batch in pool.map(client, [CONCURRENT // THREADS] * THREADS):
            timing.concurrent += [ms for _, ms in batch]
            timing.errors += sum(status != 200 for status, _ in batch)
    return timing


def _fmt_ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.1f}" if values else "—"


def _verdict(t: Timing, constant: bool) -> str:
    problems = []
    if percentile(t.sequential, 0.95) > TARGET_P95_MS:
        problems.append("SLOW")
    elif percentile(t.concurrent, 0.95) > TARGET_P95_MS:
        problems.append("slow-under-load")
    if not constant:
        problems.append("QUERIES-GROW")
    if t.errors:
        problems.append(f"{t.errors}-ERRORS")
    return " ".join(problems) or "ok"


def report(timings: list[Timing], small: dict[str, Any], large: dict[str, Any], db_label: str, load: str) -> str:
    base = next((t for t in timings if t.name == "baseline" and t.status == "ok"), None)
    rows: list[tuple[str, ...]] = [
        (
            "target",
            "seq p50",
            "seq p95",
            "/base",
            "conc p50",
            "conc p95",
            "/base",
            "n",
            "queries 1%",
            "queries 100%",
            "verdict",
        ),
    ]
    for t in timings:
        q_small, q_large = small["queries"].get(t.name, "—"), large["queries"].get(t.name, "—")
        if t.status != "ok" or not t.sequential or not t.concurrent:
            rows.append((t.name, *["—"] * 6, "0", str(q_small), str(q_large), t.status))
            continue
        seq95, conc95 = percentile(t.sequential, 0.95), percentile(t.concurrent, 0.95)
        seq_ratio = f"x{seq95 / percentile(base.sequential, 0.95):.1f}" if base else "—"
        conc_ratio = f"x{conc95 / percentile(base.concurrent, 0.95):.1f}" if base else "—"
        constant = isinstance(q_large, int) and q_small == q_large
        rows.append(
            (
                t.name,
                _fmt_ms(t.sequential, 0.5),
                f"{seq95:.1f}",
                seq_ratio,
                _fmt_ms(t.concurrent, 0.5),
                f"{conc95:.1f}",
                conc_ratio,
                str(len(t.sequential) + len(t.concurrent)),
                str(q_small),
                str(q_large),
                _verdict(t, constant),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        f"RedVest benchmark {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"data: {large['rows']['volunteers']:,} volunteers, {large['rows']['teams']:,} teams, "
        f"{large['rows']['org_nodes']:,} org nodes ({db_label}); query counts also at "
        f"{small['rows']['volunteers']:,} volunteers / {small['rows']['teams']} teams / {small['rows']['org_nodes']} nodes",
        f"server: gunicorn, {WORKERS} sync workers on {HOST}; machine: {load}",
        f"per target: {WARMUP} warm-up, {SEQUENTIAL} sequential requests (seq), then {CONCURRENT} from {THREADS} client "
        f"threads at once (conc); times in ms, /base = p95 divided by the baseline's p95",
        "signed in as the county org admin (whole county in scope) through the login form; the API with a bearer token",
        f"target: p95 <= {TARGET_P95_MS:.0f} ms and the same query count at both sizes",
        "",
    ]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    lines.append("")
    lines += [f"{t.name}: {t.url}" for t in timings]
    return "\n".join(lines)


def _machine() -> str:
    return f"{db.load()} before timing"


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _checkin_prepare() -> dict[str, Any]:
    print(f"== 准备签到并发数据（{checkin.VOLUNTEERS} 名已审核志愿者）", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.checkin", "prepare"],
        cwd=ROOT,
        env=_env(large=True),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _checkin_verify(activity_id: int) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.checkin", "verify", str(activity_id)],
        cwd=ROOT,
        env=_env(large=True),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def checkin_report(bursts: tuple[checkin.Burst, checkin.Burst], counts: dict[str, int]) -> str:
    baseline, burst = bursts
    ratio = burst.throughput / baseline.throughput if baseline.throughput else 0.0
    n = checkin.VOLUNTEERS
    exact = counts["attendance_rows"] == n and counts["attendance_volunteers"] == n
    lines = [
        f"check-in burst (issue 4): {n} requests released at once ({n} client threads), one per volunteer, "
        f"on the same gunicorn ({WORKERS} sync workers); baseline = POST /bench/insert/ (token lookup + one INSERT) "
        "with the same tokens and concurrency",
        "",
        "target           wall s  req/s   /base   p50 ms   p95 ms   statuses",
    ]
    for b in bursts:
        share = f"x{b.throughput / baseline.throughput:.2f}" if baseline.throughput else "—"
        lines.append(
            f"{b.name:<16} {b.seconds:>6.2f}  {b.throughput:>6.1f}  {share:>6}  "
            f"{_fmt_ms(b.latencies, 0.5):>7}  {_fmt_ms(b.latencies, 0.95):>7}   "
            + ", ".join(f"{k}×{v}" for k, v in sorted(b.statuses.items()))
        )
    lines += [
        f"attendance rows {counts['attendance_rows']}, distinct volunteers {counts['attendance_volunteers']} "
        f"(expected {n} and {n}: {'no loss, no duplicate' if exact else 'MISMATCH'}); "
        f"baseline rows {counts['insert_rows']}",
        f"throughput ratio x{ratio:.2f} (target >= {checkin.TARGET_RATIO}): "
        + ("ok" if ratio >= checkin.TARGET_RATIO and exact else "NOT MET"),
    ]
    return "\n".join(lines)


def harness() -> tuple[str, int]:
    """The gunicorn part of `make bench`: page targets and the check-in burst; returns the text and the
    exit status (1 when a check-in was lost or duplicated, 3 when a target was missed)."""
    small = prepare(SMALL_SIZE)
    large = prepare(LARGE_SIZE)
    env = _env(large=True)
    db_label = env.get("BENCH_PART_DATABASE_URL", "").rsplit("/", 1)[-1] or env["BENCH_SQLITE_PATH"]
    load = _machine()
    prepared = _checkin_prepare()
    server = Server(env)
    try:
        boot_s = server.wait_ready()
        load += f"; gunicorn ready after {boot_s:.1f} s"
        print(f"== gunicorn 就绪：{server.base}（{boot_s:.1f} 秒）", file=sys.stderr, flush=True)
        logged_in = login(server.base)
        token = api_token(server.base)

        def page_session() -> requests.Session:
            session = requests.Session()
            session.cookies.update(logged_in.cookies)
            return session

        def api_session() -> requests.Session:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            return session

        timings = []
        for name, path in large["targets"].items():
            print(f"== {name}", file=sys.stderr, flush=True)
            make = api_session if path.startswith("/api/") else page_session
            timings.append(time_target(name, f"{server.base}{path}", make))
        print("== check-in burst", file=sys.stderr, flush=True)
        bursts = checkin.burst(server.base, prepared)
    finally:
        server.stop()
    for t in timings:
        t.url = t.url.removeprefix(server.base)
    text = report(timings, small, large, db_label, load)
    counts = _checkin_verify(prepared["activity_id"])
    text += "\n\n" + checkin_report(bursts, counts)
    baseline, burst = bursts
    exact = counts["attendance_rows"] == counts["attendance_volunteers"] == checkin.VOLUNTEERS
    met = burst.throughput >= checkin.TARGET_RATIO * baseline.throughput and all(
        t.status == "ok" and t.sequential and percentile(t.sequential, 0.95) <= TARGET_P95_MS for t in timings
    )
    return text + f"\nafter: {db.load()}", db.exit_status(targets_met=met, errors=not exact)


def main() -> int:
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    text, status = harness()
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
