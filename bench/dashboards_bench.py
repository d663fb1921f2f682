"""Dashboards at 100,000 volunteers / 1,000,000 service records: each dashboard (the county root and a
town), the big screen page and its JSON ≤ 300 ms, with a baseline measured the same way in the same run.

    .venv/bin/python -m bench.dashboards_bench

Its own SQLite file (`var/bench-dashboards.sqlite3`): migrates, fills the ledger once with the records
bench's generator (`redvest.records.benchdata.generate_records`), adds a year of demand requests with
callbacks and a station per town (once), then times the full rollup refresh and an incremental one, and
requests each target through Django's test client (session login, full middleware and templates) as a
system admin at the root and an org admin of a town. Prints p50/p95, p50 as a multiple of the baseline
(`/bench/baseline/` through the same client) and the query count; the last line of stdout is JSON.
"""

from __future__ import annotations

import datetime
import json
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

from bench import db

RUNS = db.scaled(30, 2)
TARGET_MS = 300
REQUESTS = db.scaled(20_000, 100)
RECORDS, VOLUNTEERS, ACTIVITIES = db.scaled(1_000_000, 2_000), db.scaled(100_000, 200), db.scaled(20_000, 50)
DB = db.select("dashboards", "bench-dashboards.sqlite3")

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _demand_and_stations() -> None:
    """A year of requests in every town (most resolved, a third called back) and one station per town."""
    from django.utils import timezone

    from redvest.demand.models import Callback, Rating, ServiceItem, ServiceRequest
    from redvest.orgs.models import OrgKind, OrgNode, Station

    if ServiceRequest.objects.count() >= REQUESTS:
        return
    rng = random.Random(20261205)
    root = OrgNode.objects.get_root_nodes().order_by("path").first()
    assert root is not None  # generate_records made the tree
    towns = list(OrgNode.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"))
    for i, town in enumerate(towns):
        if not OrgNode.objects.filter(path__startswith=town.path, kind=OrgKind.SERVICE_POINT).exists():
            town.refresh_from_db()
            node = OrgNode.objects.add_child(town, {"name": f"{town.name}服务点", "kind": OrgKind.SERVICE_POINT})
            Station.objects.create(
                node=node,
                latitude=Decimal("30.90") + Decimal(i % 5) / 50,
                longitude=Decimal("119.80") + Decimal(i // 5) / 40,
            )
    items = []
    for n, category in enumerate(("life", "policy", "dispute", "elderly", "hardship")):
        item, _ = ServiceItem.objects.get_or_create(
            code=f"BENCH{n}", defaults={"name": f"基准服务{n}", "category": category}
        )
        items.append(item)
    now = timezone.now()
    ratings = [Rating.SATISFIED] * 8 + [Rating.BASIC, Rating.UNSATISFIED]
    requests = []
    for n in range(REQUESTS):
        created = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
        item = items[n % len(items)]
        resolved = n % 10 != 0
        requests.append(
            ServiceRequest(
                number=f"B{n:09d}",
                token=secrets.token_hex(12),
                channel="hotline",
                item=item,
                category=item.category,
                area=towns[n % len(towns)],
                status="closed" if resolved else "pending",
                created_at=created,
                updated_at=created,
                responded_at=created + datetime.timedelta(minutes=rng.randrange(5, 50)) if resolved else None,
                resolved_at=created + datetime.timedelta(minutes=rng.randrange(60, 2000)) if resolved else None,
                arrival_due_at=created + datetime.timedelta(minutes=30),
                resolution_due_at=created + datetime.timedelta(hours=24),
            )
        )
    created_rows = ServiceRequest.objects.bulk_create(requests, batch_size=5000)
    callbacks = [
        Callback(
            request=r,
            due_at=r.resolved_at + datetime.timedelta(days=3),
            status="done",
            rating=ratings[i % len(ratings)],
            done_at=r.resolved_at + datetime.timedelta(days=1),
        )
        for i, r in enumerate(created_rows)
        if r.resolved_at is not None and i % 3 == 0 and r.resolved_at + datetime.timedelta(days=1) < now
    ]
    Callback.objects.bulk_create(callbacks, batch_size=5000)
    log(f"  {len(created_rows)} 件诉求、{len(callbacks)} 次回访、每个镇街一个站点")


def _users() -> dict[str, Any]:
    from redvest.accounts.models import Role, RoleAssignment, User
    from redvest.orgs.models import OrgNode

    root = OrgNode.objects.get_root_nodes().order_by("path").first()
    assert root is not None
    town = OrgNode.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path").first()
    assert town is not None
    users = {}
    for name, role, node in (("bench-dash-county", Role.SYSTEM_ADMIN, root), ("bench-dash-town", Role.ORG_ADMIN, town)):
        user, _ = User.objects.get_or_create(username=name, defaults={"name": name})
        RoleAssignment.objects.get_or_create(user=user, role=role, org=node)
        users[name] = user
    return {"root": root, "town": town, "users": users}


def _measure(user: Any, url: str, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for _ in range(3):
        response = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries.captured_queries)  # before the next request resets the log
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "url": url,
        "status": response.status_code,
        "queries": query_count,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def main() -> int:

    from redvest.dashboards.services.rollups import dashboards_refresh
    from redvest.records.benchdata import generate_records
    from redvest.records.models import ServiceRecord
    from redvest.volunteers.models import Volunteer

    db.migrate()
    started = time.monotonic()
    if generate_records(records=RECORDS, volunteers=VOLUNTEERS, activities=ACTIVITIES, out=sys.stderr):
        log(f"  生成 1,000,000 条服务记录，用时 {time.monotonic() - started:.0f} 秒")
    _demand_and_stations()
    t0 = time.monotonic()
    full = dashboards_refresh(full=True)
    full_s = time.monotonic() - t0
    t0 = time.monotonic()
    incremental = dashboards_refresh()
    incremental_s = time.monotonic() - t0
    setup = _users()
    county, town = setup["users"]["bench-dash-county"], setup["users"]["bench-dash-town"]
    root, town_node = setup["root"], setup["town"]
    targets = [
        ("dashboard (county root)", county, f"/dashboards/{root.pk}/"),
        ("dashboard (a town)", town, f"/dashboards/{town_node.pk}/"),
        ("big screen page (county)", county, f"/dashboards/{root.pk}/screen/"),
        ("big screen JSON (county)", county, f"/dashboards/{root.pk}/data.json"),
        ("API dashboard (county)", county, f"/api/v1/dashboards/{root.pk}"),
    ]
    results = []
    for label, user, url in targets:
        results.append({"target": label, **_measure(user, url, RUNS)})
    base = _measure(county, "/bench/baseline/", RUNS)
    print(
        f"数据：{Volunteer.objects.count()} 名志愿者，{ServiceRecord.objects.count()} 条服务记录；"
        f"全量刷新 {full_s:.1f} 秒（{full.rows} 行），增量刷新 {incremental_s:.1f} 秒（{len(incremental.months)} 个月）"
    )
    print(f"基线：GET /bench/baseline/（同一测试客户端，{RUNS} 次）p50 {base['p50_ms']} ms，p95 {base['p95_ms']} ms")
    print(f"{'target':<28}{'p50 ms':>9}{'p95 ms':>9}{'/base':>8}{'queries':>9}{'target ms':>11}  verdict")
    failed = False
    for r in results:
        r["x_baseline"] = round(r["p50_ms"] / base["p50_ms"], 1)
        ok = r["status"] == 200 and r["p50_ms"] <= TARGET_MS
        failed = failed or not ok
        verdict = "ok" if ok else ("SLOW" if r["status"] == 200 else f"HTTP {r['status']}")
        print(
            f"{r['target']:<28}{r['p50_ms']:>9}{r['p95_ms']:>9}{'x' + str(r['x_baseline']):>8}{r['queries']:>9}"
            f"{TARGET_MS:>11}  {verdict}"
        )
    print(
        json.dumps(
            {
                "baseline": base,
                "full_refresh_s": round(full_s, 2),
                "incremental_refresh_s": round(incremental_s, 2),
                "targets": results,
            },
            ensure_ascii=False,
        )
    )
    return db.exit_status(targets_met=not failed, errors=any(r["status"] != 200 for r in results))


if __name__ == "__main__":
    sys.exit(main())
