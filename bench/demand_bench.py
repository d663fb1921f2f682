"""Demand and dispatch speed: intake POST, recommendation over 100,000 volunteers, SLA sweep over
200,000 requests, each against a single primary-key fetch measured in the same run.

    .venv/bin/python -m bench.demand_bench            # builds var/demand-bench.sqlite3 once, then measures
    .venv/bin/python -m bench.demand_bench --rebuild  # start from an empty database

Uses its own SQLite file (never the demo, product or the other benchmark's database; set
DEMAND_BENCH_SQLITE_PATH to choose another file). Everything runs in-process through the full
Django stack (middleware, session auth, django-ninja, services) on bench.settings with DEBUG off.
Budgets: intake POST p50 ≤ 50 ms, recommendation p50 ≤ 50 ms, SLA sweep ≤ 1 s.
The last line of stdout is JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench import db

DB = db.select(
    "demand", "demand-bench.sqlite3", override=os.environ.get("DEMAND_BENCH_SQLITE_PATH"), fresh="--rebuild" in sys.argv
)

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

import bench._django  # noqa: E402,F401  (sets Django up on bench.settings before the model imports)
from redvest.accounts.models import Role, RoleAssignment, User  # noqa: E402
from redvest.core.crypto import encrypt  # noqa: E402
from redvest.demand.access import dispatch_area_paths  # noqa: E402
from redvest.demand.models import OPEN_STATUSES, RequestStatus, ServiceItem, ServiceRequest  # noqa: E402
from redvest.demand.selectors.recommend import recommend  # noqa: E402
from redvest.demand.services import sla_sweep  # noqa: E402
from redvest.demo.tree import PlannedNode, write_tree  # noqa: E402
from redvest.orgs.models import OrgKind, OrgNode, Station  # noqa: E402
from redvest.teams.models import Specialty, Team  # noqa: E402
from redvest.volunteers.models import Volunteer, VolunteerStatus  # noqa: E402

SEED = 96345
VOLUNTEERS = db.scaled(100_000, 300)
REQUESTS = db.scaled(200_000, 400)
TOWNS, COMMUNITIES_PER_TOWN = db.scaled(20, 2), db.scaled(50, 3)
NEWLY_OVERDUE = db.scaled(2_000, 20)  # requests whose arrival clock runs out just before the measured sweep
SKILLS = ("应急救护", "法律咨询", "心理疏导", "驾驶", "电脑操作", "家电维修", "医疗护理", "教育辅导", "理发", "烹饪")
AVAILABILITY = ("周末", "工作日晚上", "节假日", "工作日白天", "随叫随到", "周末及节假日", "")
CENTRE = (30.97, 119.91)
BUDGET_MS = {"intake": 50.0, "recommend": 50.0, "sweep": 1000.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- Data -------------------------------------------------------------------------------------


def _tree(rng: random.Random) -> tuple[OrgNode, list[tuple[OrgNode, tuple[float, float]]]]:
    root = PlannedNode(key="root", name="基准县委组织部", kind=OrgKind.ORG_DEPT, code="330599")
    root.add("hotline", "基准县96345热线中心", OrgKind.HOTLINE)
    places: list[tuple[PlannedNode, PlannedNode, tuple[float, float]]] = []
    for t in range(TOWNS):
        town = root.add(f"town:{t}", f"镇街{t:02d}", OrgKind.TOWN)
        for c in range(COMMUNITIES_PER_TOWN):
            community = town.add(f"community:{t}:{c}", f"镇街{t:02d}社区{c:02d}", OrgKind.COMMUNITY)
            post = community.add(f"post:{t}:{c}", f"镇街{t:02d}社区{c:02d}驿站", OrgKind.POST)
            point = (CENTRE[0] + rng.uniform(-0.3, 0.3), CENTRE[1] + rng.uniform(-0.3, 0.3))
            places.append((post, community, point))
    index = write_tree(root)
    Station.objects.bulk_create(
        [
            Station(
                node=planned.node,
                address=f"{planned.name}地址",
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lng:.6f}"),
                opening_hours="每天 08:00-20:00",
            )
            for planned, _community, (lat, lng) in places
        ]
    )
    return index["root"].node, [(community.node, point) for _post, community, point in places]


def build() -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    call_command("load_service_menu", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with transaction.atomic():
        root, communities = _tree(rng)
        hotline = OrgNode.objects.get(kind=OrgKind.HOTLINE, path__startswith=root.path)
        dispatcher = User.objects.create_user(username="bench-dispatcher", password="redvest-bench-pw", name="调度员")
        RoleAssignment.objects.create(user=dispatcher, role=Role.DISPATCHER, org=hotline)
        Team.objects.bulk_create(
            [
                Team(
                    name=f"{c.name}服务队",
                    kind="detachment",
                    org=c,
                    specialty=rng.choice([s for s, _ in Specialty.choices]),
                )
                for c, _ in communities
            ]
        )
        log(f"  树与站点、队伍：{time.perf_counter() - started:.1f}s")
        phone = encrypt("13800000000")
        rows = []
        for i in range(VOLUNTEERS):
            community, _ = communities[i % len(communities)]
            rows.append(
                Volunteer(
                    number=f"B{i:09d}",
                    org=community,
                    name=f"志愿者{i}",
                    gender="M" if i % 2 else "F",
                    birth_date=datetime.date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
                    id_number_encrypted=phone,
                    id_number_hash=f"bench-id-{i}",
                    id_number_masked="330***********0000",
                    phone_encrypted=phone,
                    phone_hash=f"bench-phone-{i}",
                    phone_masked="138****0000",
                    skills=rng.sample(SKILLS, rng.randint(0, 3)),
                    availability=rng.choice(AVAILABILITY),
                    political_status="party_member",
                    status=VolunteerStatus.REGISTERED,
                )
            )
        Volunteer.objects.bulk_create(rows, batch_size=5000)
        log(f"  {VOLUNTEERS} 名志愿者：{time.perf_counter() - started:.1f}s")
        items = list(ServiceItem.objects.all())
        now = timezone.now()
        batch: list[ServiceRequest] = []
        for i in range(REQUESTS):
            community, (lat, lng) = communities[i % len(communities)]
            item = items[i % len(items)]
            created = now - datetime.timedelta(minutes=rng.randint(60, 90 * 24 * 60))
            open_now = i % 50 == 0
            batch.append(
                ServiceRequest(
                    number=f"B{i:011d}",
                    token=f"bench{i:027d}",
                    channel="hotline",
                    item=item,
                    category=item.category,
                    area=community,
                    description="基准数据",
                    address="基准地址",
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lng:.6f}"),
                    status=RequestStatus.ACCEPTED if open_now else RequestStatus.CLOSED,
                    created_at=created,
                    updated_at=created,
                    responded_at=None if open_now else created + datetime.timedelta(minutes=20),
                    resolved_at=None if open_now else created + datetime.timedelta(hours=3),
                    # Open ones are due in the future except the ones the measured sweep resets.
                    arrival_due_at=now + datetime.timedelta(days=30)
                    if open_now
                    else created + datetime.timedelta(minutes=30),
                    resolution_due_at=now + datetime.timedelta(days=31)
                    if open_now
                    else created + datetime.timedelta(hours=24),
                )
            )
            if len(batch) == 5000:
                ServiceRequest.objects.bulk_create(batch)
                batch = []
        ServiceRequest.objects.bulk_create(batch)
    log(f"  {REQUESTS} 张工单：{time.perf_counter() - started:.1f}s")


def present() -> bool:
    try:
        return Volunteer.objects.count() >= VOLUNTEERS and ServiceRequest.objects.count() >= REQUESTS
    except DatabaseError:  # no tables yet: build
        return False


# ---- Timing -----------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def measure() -> dict[str, Any]:
    rng = random.Random(SEED + 1)
    max_pk = ServiceRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    baseline = timed(lambda: ServiceRequest.objects.get(pk=rng.randint(1, max_pk)), 500)

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench-dispatcher"))
    community_stations = list(Station.objects.values_list("latitude", "longitude")[:200])
    counter = iter(range(10**9))

    def intake() -> None:
        lat, lng = rng.choice(community_stations)
        body = {
            "item": "SH001",
            "description": "卫生间水管漏水",
            "address": "基准路1号",
            "latitude": str(lat),
            "longitude": str(lng),
            "caller_phone": f"139{next(counter) % 10**8:08d}",
            "idempotency_key": f"bench-{time.time_ns()}",
        }
        response = client.post("/api/v1/demand/requests", json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(response.content[:300])

    timed(intake, 5)  # warm up
    intake_ms = timed(intake, 100)

    dispatcher = User.objects.get(username="bench-dispatcher")

    within = dispatch_area_paths(dispatcher)
    open_requests = list(
        ServiceRequest.objects.filter(status__in=OPEN_STATUSES).select_related("item", "area").order_by("pk")[:500]
    )
    skilled = list(ServiceItem.objects.exclude(required_skills=[]))

    def one_recommendation() -> None:
        request = rng.choice(open_requests)
        request.item = rng.choice(skilled)
        recommend(request=request, now=timezone.now(), within=within)

    timed(one_recommendation, 5)
    recommend_ms = timed(one_recommendation, 100)

    now = timezone.now()
    reset = list(ServiceRequest.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)[:NEWLY_OVERDUE])
    ServiceRequest.objects.filter(pk__in=reset).update(
        arrival_due_at=now - datetime.timedelta(minutes=1),
        resolution_due_at=now + datetime.timedelta(days=1),
        arrival_breached_at=None,
        escalation_level=0,
        escalated_to=None,
    )
    started = time.perf_counter()
    first = sla_sweep(now=now)
    sweep_ms = (time.perf_counter() - started) * 1000
    idle_ms = timed(lambda: sla_sweep(now=timezone.now()), 10)

    base = statistics.median(baseline)

    def row(name: str, samples: list[float], budget: float) -> dict[str, Any]:
        median = statistics.median(samples)
        return {
            "name": name,
            "p50_ms": round(median, 2),
            "p95_ms": round(p(samples, 0.95), 2),
            "ratio_to_pk_fetch": round(median / base, 1),
            "budget_ms": budget,
            "ok": median <= budget,
        }

    return {
        "database": DB,
        "engine": connection.vendor,
        "volunteers": Volunteer.objects.count(),
        "requests": ServiceRequest.objects.count(),
        "baseline_pk_fetch_ms": round(base, 3),
        "rows": [
            row("intake POST /api/v1/demand/requests", intake_ms, BUDGET_MS["intake"]),
            row("recommendation (100k volunteers)", recommend_ms, BUDGET_MS["recommend"]),
            row(f"SLA sweep, {first.arrival_overdue} newly overdue", [sweep_ms], BUDGET_MS["sweep"]),
            row("SLA sweep, nothing due", idle_ms, BUDGET_MS["sweep"]),
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="delete the benchmark database first")
    args = parser.parse_args()
    del args  # --rebuild was applied when the database was chosen (bench.db.select(fresh=True))
    db.migrate()
    if not present():
        log(f"== 生成基准数据到 {DB}（约1～3分钟）")
        build()
    log("== 测量")
    result = measure()
    print(f"数据：{result['volunteers']} 名志愿者，{result['requests']} 张工单（{result['engine']}）")
    print(f"基准：按主键取一行 p50 {result['baseline_pk_fetch_ms']} ms")
    print(f"{'项目':<40}{'p50 ms':>10}{'p95 ms':>10}{'倍数':>8}{'预算 ms':>10}  结果")
    for r in result["rows"]:
        print(
            f"{r['name']:<40}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['ratio_to_pk_fetch']:>8}{r['budget_ms']:>10}  "
            f"{'达标' if r['ok'] else '超出'}"
        )
    print(json.dumps(result, ensure_ascii=False))
    return db.exit_status(targets_met=all(r["ok"] for r in result["rows"]))


if __name__ == "__main__":
    raise SystemExit(main())
