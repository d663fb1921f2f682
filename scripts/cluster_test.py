"""`make cluster-test`: proves the production layout of `make cluster` (scripts/cluster.sh) holds, printing one
figure per claim and exiting non-zero when one fails:

  (a) load spreads over both app servers            (e) a write on one app server is read on the other
  (b) an app server killed under 60 s of load        (f) the replica stopped: dashboards from the primary
  (c) the worker killed during an import and export  (g) backup and restore round-trip
  (d) one run per period with two schedulers         (h) point-in-time recovery from the WAL archive

It talks HTTP to nginx and to the app servers directly (API tokens and a web session of the demo logins),
SQL to the primary for the checks a client cannot see, and drives failures through scripts/cluster.sh.
    .venv/bin/python scripts/cluster_test.py [--keep-up] [--load-seconds 60]
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "scripts" / "cluster.sh"
VAR = ROOT / "var" / "cluster"
NGINX = f"http://127.0.0.1:{os.environ.get('CLUSTER_NGINX_PORT', '8870')}"
APPS = {
    "app1": f"http://127.0.0.1:{os.environ.get('CLUSTER_APP1_PORT', '8871')}",
    "app2": f"http://127.0.0.1:{os.environ.get('CLUSTER_APP2_PORT', '8872')}",
}
PRIMARY = f"postgresql://postgres@127.0.0.1:{os.environ.get('CLUSTER_PG_PRIMARY_PORT', '55401')}/redvest"
PITR = f"postgresql://postgres@127.0.0.1:{os.environ.get('CLUSTER_PG_PITR_PORT', '55404')}/redvest"
PASSWORD = "redvest-demo"
RUN = uuid.uuid4().hex[:8]
STALE_SECONDS = 10  # TASK_HEARTBEAT_STALE_SECONDS in the cluster's env file
RETRYABLE = {502, 503, 504}


class Failed(Exception):
    """A figure below its bar."""


def cluster(*args: str) -> str:
    out = subprocess.run([str(CLUSTER), *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise Failed(f"scripts/cluster.sh {' '.join(args)}: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def sql(query: str, *params: Any, dsn: str = PRIMARY) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, connect_timeout=5, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description is not None else []  # type: ignore[arg-type]  # queries are literals here


def api(base: str, username: str) -> requests.Session:
    session = requests.Session()
    r = session.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}, timeout=30)
    if r.status_code != 200:
        raise Failed(f"token for {username}: {r.status_code} {r.text[:200]}")
    session.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return session


def web(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    r = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if r.status_code != 302:
        raise Failed(f"web login for {username}: {r.status_code}")
    return session


# ---- the data the figures use -------------------------------------------------------------------------


@dataclass
class Demo:
    item: str
    root_org: int
    team: str


def demo_data() -> Demo:
    item = sql(
        "SELECT i.code FROM demand_serviceitem i WHERE i.is_active AND NOT i.is_errand AND NOT EXISTS "
        "(SELECT 1 FROM demand_serviceattribute a WHERE a.item_id = i.id AND a.required) ORDER BY i.sort_order, i.id LIMIT 1"
    )
    root = sql("SELECT id FROM orgs_orgnode WHERE depth = 1 ORDER BY path LIMIT 1")
    team = sql("SELECT name FROM teams_team ORDER BY id LIMIT 1")
    return Demo(item=item[0][0], root_org=root[0][0], team=team[0][0])


def request_payload(demo: Demo, n: str) -> dict[str, Any]:
    return {
        "channel": "hotline",
        "item": demo.item,
        "description": f"集群测试 {n}",
        "address": "雉城街道",
        "caller_name": "测试来电",
        "caller_phone": f"139{random.randint(10_000_000, 99_999_999)}",
    }


def stored_requests(prefix: str, dsn: str = PRIMARY) -> dict[str, list[int]]:
    """The requests in the database whose client key starts with prefix (the key is in the description: the
    service stores only a hash of it), by key."""
    found: dict[str, list[int]] = {}
    rows = sql(
        "SELECT description, id FROM demand_servicerequest WHERE description LIKE %s ORDER BY id",
        f"集群测试 {prefix}%",
        dsn=dsn,
    )
    for description, pk in rows:
        found.setdefault(description.removeprefix("集群测试 "), []).append(pk)
    return found


def nginx_upstreams(prefix: str) -> Counter[str]:
    """Which app server answered each request whose X-Request-ID starts with prefix (nginx's access log)."""
    ports = {url.rsplit(":", 1)[1]: name for name, url in APPS.items()}
    counts: Counter[str] = Counter()
    pattern = re.compile(r"up=(\S+) .* rid=(\S+)$")
    for line in (VAR / "log" / "nginx-access.log").read_text(errors="replace").splitlines():
        m = pattern.search(line)
        if m and m.group(2).startswith(prefix):
            last = m.group(1).split(",")[-1].strip()
            counts[ports.get(last.rsplit(":", 1)[-1], last)] += 1
    return counts


# ---- (a) ----------------------------------------------------------------------------------------------


def fig_a(demo: Demo) -> str:
    s = api(NGINX, "dispatcher")
    prefix = f"ct-a-{RUN}-"

    def one(i: int) -> int:
        return s.get(
            f"{NGINX}/api/v1/demand/requests", params={"page_size": 5}, headers={"X-Request-ID": f"{prefix}{i:04d}"}
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(one, range(200)))
    # nginx logs a request after answering it: wait (up to 10 s) for the last lines to reach the log.
    deadline = time.monotonic() + 10
    while sum((counts := nginx_upstreams(prefix)).values()) < 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    total = sum(counts.values())
    shares = {name: counts[name] / total for name in APPS} if total else {}
    text = (
        f"load spread: {total} requests via nginx → "
        + ", ".join(f"{n} {counts[n]} ({shares.get(n, 0):.0%})" for n in APPS)
        + f"; statuses {dict(statuses)}"
    )
    if statuses.get(200) != 200 or total != 200 or min(shares.values()) < 0.3:
        raise Failed(text)
    return text


# ---- (b) ----------------------------------------------------------------------------------------------


@dataclass
class Load:
    acked: dict[str, int] = field(default_factory=dict)
    reads: int = 0
    retried: int = 0
    client_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def with_retry(load: Load, call: Callable[[], requests.Response], what: str) -> requests.Response | None:
    """A client that retries a refused connection or a 502/503/504 (a write with the same Idempotency-Key);
    what still fails after that reaches the user and is counted."""
    for _ in range(12):
        try:
            r = call()
        except requests.RequestException:
            r = None  # refused, reset, timed out, or the answer cut off when its app server died
        if r is not None and r.status_code not in RETRYABLE:
            if r.status_code >= 400:
                with load.lock:
                    load.client_errors.append(f"{what}: {r.status_code} {r.text[:120]}")
                return None
            return r
        with load.lock:
            load.retried += 1
        time.sleep(0.25)
    with load.lock:
        load.client_errors.append(f"{what}: still failing after 12 tries")
    return None


def fig_b(demo: Demo, seconds: int) -> str:
    load = Load()
    end = time.monotonic() + seconds
    prefix = f"ct-b-{RUN}-"

    def client(n: int) -> None:
        s = api(NGINX, "dispatcher")
        seq = 0
        while time.monotonic() < end:
            seq += 1
            key = f"{prefix}{n}-{seq}"
            payload = request_payload(demo, key)
            r = with_retry(
                load,
                lambda p=payload, k=key: s.post(
                    f"{NGINX}/api/v1/demand/requests", json=p, headers={"Idempotency-Key": k}, timeout=30
                ),
                "write",
            )
            if r is not None:
                with load.lock:
                    load.acked[key] = r.json()["id"]
            for path in ("/api/v1/demand/requests?page_size=10", "/api/v1/demand/board?page_size=10"):
                if with_retry(load, lambda p=path: s.get(f"{NGINX}{p}", timeout=30), "read") is not None:
                    with load.lock:
                        load.reads += 1

    def chaos() -> None:
        time.sleep(seconds / 3)
        cluster("kill", "app1")
        time.sleep(seconds / 3)
        cluster("start", "app1")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    killer = threading.Thread(target=chaos)
    for t in [*threads, killer]:
        t.start()
    for t in [*threads, killer]:
        t.join()
    stored = stored_requests(prefix)
    lost = [k for k, pk in load.acked.items() if stored.get(k) != [pk]]
    duplicated = [k for k, pks in stored.items() if len(pks) > 1]
    unacked = [k for k in stored if k not in load.acked]
    text = (
        f"{seconds} s of load, app1 killed (SIGKILL) at {seconds // 3} s and back at {2 * seconds // 3} s: "
        f"{len(load.acked)} writes acknowledged, {len(lost)} lost, {len(duplicated)} duplicated, "
        f"{len(unacked)} stored unacknowledged; "
        f"{load.reads} reads; {load.retried} requests retried by clients; {len(load.client_errors)} errors reached a client"
    )
    if lost or duplicated or unacked or load.client_errors or not load.acked:
        raise Failed(text + ("; first error: " + load.client_errors[0] if load.client_errors else ""))
    return text


# ---- (c) ----------------------------------------------------------------------------------------------


def _id_number(day: int, seq: int) -> str:
    """A valid 18-digit resident ID (GB 11643 check digit): born `day` days after 1950-01-01, sequence `seq`."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=day)
    body = f"330522{birth:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def import_workbook(demo: Demo, rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "证件号码", "手机号", "政治面貌", "服务队"])  # the template's required columns
    base = random.randint(0, 15_000)  # birth days: a run's numbers differ from earlier runs'
    phone_base = random.randint(10_000_000, 89_999_999)
    for i in range(rows):
        sheet.append(
            [f"导入{i}", _id_number(base + i // 1000, i % 1000), f"138{phone_base + i}", "中共党员", demo.team]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _kill_worker_while_running(
    what: str, start: Callable[[], int], status: Callable[[int], dict[str, Any]], terminal: set[str]
) -> tuple[str, dict[str, Any]]:
    # A small job (the demo county's export takes about a second) can finish between two polls: start
    # another, up to five times, until one is caught running.
    for attempt in range(1, 6):
        job = start()
        t0 = time.monotonic()
        while True:
            state = status(job)
            if state["status"] == "running" or state["status"] in terminal:
                break
            if time.monotonic() - t0 > 120:
                raise Failed(f"{what} #{job} never started: {state}")
            time.sleep(0.02)
        if state["status"] == "running":
            what = f"{what} (attempt {attempt})" if attempt > 1 else what
            break
    else:
        raise Failed(f"{what}: five jobs all finished before the worker could be killed")
    progress = state.get("percent")
    cluster("kill", "worker")
    killed = time.monotonic()
    # A worker restarted by systemd (RestartSec) finds the job silent for longer than the stale window and
    # resumes or fails it at start; the scheduler's jobs_sweep does the same if it restarts sooner.
    time.sleep(STALE_SECONDS + 1)
    cluster("start", "worker")
    while True:
        state = status(job)
        if state["status"] in terminal:
            break
        if time.monotonic() - killed > 180:
            raise Failed(f"{what} #{job} stuck in {state['status']} 180 s after the worker was killed")
        time.sleep(0.5)
    message = state.get("message") or state.get("error") or ""
    outcome = state["status"]
    if outcome == "failed" and not message:
        raise Failed(f"{what} #{job} failed without a message")
    at = f" at {progress}%" if progress is not None else ""
    text = f"{what} killed{at} → {outcome} in {time.monotonic() - killed:.0f} s" + (f" ({message})" if message else "")
    return text, state


def fig_c(demo: Demo) -> str:
    admin = api(NGINX, "county")
    rows = 3000
    xlsx = import_workbook(demo, rows)

    def import_start() -> int:
        r = admin.post(
            f"{NGINX}/api/v1/volunteers/imports",
            files={"file": ("集群测试.xlsx", xlsx)},
            data={"org": demo.root_org, "dry_run": "false", "skip_bad_rows": "true"},
            timeout=60,
        )
        if r.status_code != 202:
            raise Failed(f"import upload: {r.status_code} {r.text[:200]}")
        return int(r.json()["id"])

    def import_status(pk: int) -> dict[str, Any]:
        return dict(admin.get(f"{NGINX}/api/v1/volunteers/imports/{pk}", timeout=30).json())

    imported, state = _kill_worker_while_running("import", import_start, import_status, {"done", "failed", "previewed"})
    if state["status"] == "done":
        # A resumed import must account for every row: created, or refused with its reason (a row whose ID
        # number an earlier run or the demo already holds is refused as a duplicate, never silently lost).
        created, bad = state["created_count"], state["bad_rows"]
        if created + bad != rows:
            raise Failed(f"import resumed with {created} created + {bad} refused of {rows} rows")
        reasons = "; ".join(f"第{e['row']}行 {e['message']}" for e in state["errors"][:3])
        imported += f"; {created} created, {bad} refused" + (f" ({reasons})" if reasons else "")

    today = datetime.date.today()

    def export_start() -> int:
        r = admin.post(
            f"{NGINX}/api/v1/dashboards/exports",
            json={
                "table": "volunteers",
                "org_id": demo.root_org,
                "start": f"{today.year - 1}-01-01",
                "end": str(today),
            },
            timeout=60,
        )
        if r.status_code != 202:
            raise Failed(f"export request: {r.status_code} {r.text[:200]}")
        return int(r.json()["id"])

    def export_status(pk: int) -> dict[str, Any]:
        return dict(admin.get(f"{NGINX}/api/v1/dashboards/exports/{pk}", timeout=30).json())

    exported, _ = _kill_worker_while_running("export", export_start, export_status, {"done", "failed"})
    return f"{imported}; {exported}"


# ---- (e) ----------------------------------------------------------------------------------------------


def fig_e(demo: Demo) -> str:
    one, other = APPS["app1"], APPS["app2"]
    writer, reader = api(one, "dispatcher"), api(other, "dispatcher")
    key = f"ct-e-{RUN}"
    t0 = time.monotonic()
    r = writer.post(f"{one}/api/v1/demand/requests", json=request_payload(demo, key), headers={"Idempotency-Key": key})
    if r.status_code != 201:
        raise Failed(f"write on app1: {r.status_code} {r.text[:200]}")
    pk = r.json()["id"]
    got = reader.get(f"{other}/api/v1/demand/requests/{pk}")
    elapsed = (time.monotonic() - t0) * 1000
    if got.status_code != 200 or got.json()["description"] != f"集群测试 {key}":
        raise Failed(f"request #{pk} written on app1, read on app2: {got.status_code}")
    session = web(one, "county")
    profile = session.get(f"{other}/accounts/profile/", allow_redirects=False)
    if profile.status_code != 200:
        raise Failed(f"a session opened on app1 is not valid on app2: {profile.status_code}")
    return f"request #{pk} written on app1 and read on app2 in {elapsed:.0f} ms; a web session opened on app1 is valid on app2"


# ---- (f) ----------------------------------------------------------------------------------------------


def fig_f(demo: Demo) -> str:
    session = web(NGINX, "county")
    pages = [
        "/dashboards/",
        f"/dashboards/{demo.root_org}/",
        f"/dashboards/{demo.root_org}/data.json",
        "/dashboards/exports/",
        "/publicity/wall/",
        "/evaluation/public/",
    ]
    cluster("stop", "replica")
    try:
        statuses: Counter[int] = Counter()
        for _ in range(3):
            for page in pages:
                statuses[session.get(f"{NGINX}{page}", timeout=60).status_code] += 1
        health = requests.get(f"{NGINX}/healthz", timeout=30)
    finally:
        cluster("start", "replica")
    text = f"replica stopped: {sum(statuses.values())} dashboard/public page loads → {dict(sorted(statuses.items()))}; /healthz {health.status_code} {health.text[:160]}"
    if any(code >= 500 for code in statuses) or statuses.get(200) != sum(statuses.values()):
        raise Failed(text)
    return text


# ---- (d) ----------------------------------------------------------------------------------------------

EVERY_MINUTE_JOB = "sla_sweep"


def fig_d(since: datetime.datetime) -> str:
    """Two schedulers (scheduler, scheduler2) have run since `since`, both enqueuing each job (no Redis lock
    in the cluster): every full minute since then must show two enqueues of the every-minute job and one run."""
    task_path = sql(
        "SELECT task_path FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s LIMIT 1",
        f"%.{EVERY_MINUTE_JOB}%",
    )
    if not task_path:
        raise Failed(f"no {EVERY_MINUTE_JOB} task was ever enqueued")
    deadline = time.monotonic() + 200
    while True:
        # Periods fully inside the window whose enqueued tasks have all been taken by the worker.
        enqueued = {
            p: (n, pending)
            for p, n, pending in sql(
                "SELECT date_trunc('minute', enqueued_at), count(*), count(*) FILTER (WHERE status IN ('READY', 'RUNNING')) "
                "FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND enqueued_at >= %s GROUP BY 1",
                task_path[0][0],
                since + datetime.timedelta(minutes=1),
            )
        }
        runs = dict(
            sql(
                "SELECT period_start, count(*) FROM core_scheduledrun WHERE job = %s AND period_start >= %s GROUP BY 1",
                EVERY_MINUTE_JOB,
                since + datetime.timedelta(minutes=1),
            )
        )
        settled = {p: n for p, (n, pending) in enqueued.items() if not pending}
        if len([p for p, n in settled.items() if n >= 2]) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(5)
    doubled = [p for p, n in settled.items() if n >= 2]
    wrong = {p: runs.get(p, 0) for p in settled if runs.get(p, 0) != 1}
    text = (
        f"two schedulers, {EVERY_MINUTE_JOB} every minute: {len(settled)} periods, {sum(settled.values())} enqueues "
        f"({len(doubled)} periods enqueued by both), runs per period {sorted(Counter(runs.get(p, 0) for p in settled).items())}"
    )
    if len(doubled) < 2 or wrong:
        raise Failed(text + (f"; periods not run exactly once: {wrong}" if wrong else ""))
    return text


# ---- (g) ----------------------------------------------------------------------------------------------

COMPARED_TABLES = [
    "accounts_user",
    "orgs_orgnode",
    "volunteers_volunteer",
    "activities_activity",
    "records_servicerecord",
    "points_pointsentry",
    "demand_servicerequest",
]
RESTORE_DB = "redvest_restore"


def _counts(dsn: str) -> dict[str, int]:
    return {table: sql(f"SELECT count(*) FROM {table}", dsn=dsn)[0][0] for table in COMPARED_TABLES}


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def fig_g(demo: Demo) -> str:
    backups = VAR / "backups"
    media = VAR / "app" / "media"
    restored_media = VAR / "restore-media"
    t0 = time.monotonic()
    before, files_before = _counts(PRIMARY), _files(media)
    out = cluster("manage", "backup", str(backups))
    took_backup = time.monotonic() - t0
    match = re.search(r"备份完成：(\S+)", out)
    if not match:
        raise Failed(f"manage.py backup printed no path: {out[-300:]}")
    path = Path(match.group(1))
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    sql(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
    sql(f"CREATE DATABASE {RESTORE_DB} OWNER redvest")
    shutil.rmtree(restored_media, ignore_errors=True)
    restored_media.mkdir(parents=True)
    t1 = time.monotonic()
    target = PRIMARY.replace("postgres@", "redvest@").rsplit("/", 1)[0] + f"/{RESTORE_DB}"
    cluster(
        "manage-with",
        f"DATABASE_URL={target}",
        "DATABASE_REPLICA_URL=",
        f"MEDIA_ROOT={restored_media}",
        "restore",
        str(path),
        "--yes",
    )
    took_restore = time.monotonic() - t1
    after, files_after = _counts(PRIMARY.rsplit("/", 1)[0] + f"/{RESTORE_DB}"), _files(restored_media)
    sql(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
    shutil.rmtree(restored_media, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)
    differ = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    text = (
        f"backup ({size / 1_048_576:.1f} MB, {len(files_before)} uploaded files) in {took_backup:.0f} s, restored into an "
        f"empty database in {took_restore:.0f} s: {sum(before.values())} rows in {len(before)} tables "
        f"{'identical' if not differ else f'DIFFER {differ}'}, files {'identical' if files_before == files_after else 'DIFFER'}"
    )
    if differ or files_before != files_after:
        raise Failed(text)
    return text


# ---- (h) PITR -----------------------------------------------------------------------------------------


def fig_h(demo: Demo) -> str:
    t0 = time.monotonic()
    cluster("pitr-base")
    s = api(NGINX, "dispatcher")
    keep, lose = f"ct-h-{RUN}-before", f"ct-h-{RUN}-after"
    r = s.post(f"{NGINX}/api/v1/demand/requests", json=request_payload(demo, keep), headers={"Idempotency-Key": keep})
    if r.status_code != 201:
        raise Failed(f"write before the recovery point: {r.status_code}")
    target = sql("SELECT clock_timestamp()")[0][0]
    time.sleep(1.5)
    r = s.post(f"{NGINX}/api/v1/demand/requests", json=request_payload(demo, lose), headers={"Idempotency-Key": lose})
    if r.status_code != 201:
        raise Failed(f"write after the recovery point: {r.status_code}")
    segment = sql("SELECT pg_walfile_name(pg_current_wal_lsn())")[0][0]
    sql("SELECT pg_switch_wal()")
    while not (VAR / "wal-archive" / segment).exists():
        if time.monotonic() - t0 > 120:
            raise Failed(f"WAL segment {segment} never reached the archive")
        time.sleep(0.2)
    archived = len(list((VAR / "wal-archive").iterdir()))
    cluster("pitr-restore", target.isoformat())
    try:
        found = stored_requests(f"ct-h-{RUN}-", dsn=PITR)
    finally:
        cluster("stop", "pitr")
    text = (
        f"point-in-time recovery: base backup + archived WAL ({archived} segments in the archive) replayed to "
        f"{target:%H:%M:%S.%f} in {time.monotonic() - t0:.0f} s: the write before is {'there' if found.get(keep) else 'MISSING'}, "
        f"the write 1.5 s later {'is there (WRONG)' if found.get(lose) else 'is not'}"
    )
    if not found.get(keep) or found.get(lose):
        raise Failed(text)
    return text


# ---- driver -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-up", action="store_true", help="leave the cluster running afterwards")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="the cluster is already up: do not run `up`")
    parser.add_argument("--only", default="abcdefgh", help="the figures to run, e.g. 'ae'")
    args = parser.parse_args()
    started = time.monotonic()
    if not args.reuse:
        subprocess.run([str(CLUSTER), "up"], check=True)
    print(f"cluster up in {time.monotonic() - started:.0f} s", flush=True)
    figures: list[tuple[str, Callable[[Demo], str]]] = [
        ("a", fig_a),
        ("e", fig_e),
        ("b", lambda d: fig_b(d, args.load_seconds)),
        ("c", fig_c),
        ("f", fig_f),
        ("g", fig_g),
        ("h", fig_h),
    ]
    failures = 0
    try:
        demo = demo_data()
        since = sql("SELECT now()")[0][0]
        if "d" in args.only:
            cluster("start", "scheduler2")
        figures.append(("d", lambda d: fig_d(since)))
        for letter, run in figures:
            if letter not in args.only:
                continue
            t0 = time.monotonic()
            try:
                text = run(demo)
                print(f"({letter}) ok   {text}  [{time.monotonic() - t0:.0f} s]", flush=True)
            except Exception as exc:  # one figure failing must not hide the others
                failures += 1
                print(f"({letter}) FAIL {exc}  [{time.monotonic() - t0:.0f} s]", flush=True)
    finally:
        if not args.keep_up:
            subprocess.run([str(CLUSTER), "down"], check=False)
    print(
        f"cluster-test: {'all figures hold' if not failures else f'{failures} failed'} in {time.monotonic() - started:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
