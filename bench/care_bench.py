"""Care pairing at county scale: 20,000 people in need, 30,000 pairings and 300,000 visits. Times the
overdue list (first page, a county admin's subtree, most overdue first), a quarter's `visit_stats` for
the county (the figure reports and dashboards read) and the daily `care_remind` run, against a
primary-key fetch measured in the same run.

    .venv/bin/python -m bench.care_bench

Its own SQLite file (`var/bench-care.sqlite3`; CARE_BENCH_SQLITE_PATH picks another): migrates and
fills it once (later runs reuse it). The reminder run is timed inside a rolled-back transaction so
every run sends the same reminders. The last line of stdout is JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from typing import Any

from bench import db

DB = db.select("care", "bench-care.sqlite3", override=os.environ.get("CARE_BENCH_SQLITE_PATH"))

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)
from bench.timing import p50_p95_ms  # noqa: E402

RECIPIENTS = db.scaled(20_000, 40)
PAIRINGS_PER_TEAM_EVERY = 2  # every second person also has a team: 30,000 pairings
VISITS = db.scaled(300_000, 200)
TOWNS, COMMUNITIES = db.scaled(16, 2), db.scaled(20, 2)
RUNS = db.scaled(7, 2)
BASELINE_RUNS = db.scaled(200, 10)
TODAY = datetime.date(2026, 7, 1)
BUDGET_MS = {"overdue list, first page": 100.0, "visit_stats, county quarter": 1000.0, "care_remind, one day": 30000.0}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _generate() -> None:
    from django.db import transaction

    from redvest.accounts.models import Role, RoleAssignment, User
    from redvest.care.models import CareCategory, CarePairing, CareRecipient, CareVisit
    from redvest.core.crypto import blind_index, encrypt, mask_phone
    from redvest.orgs.models import OrgKind, OrgNode
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer

    if CareRecipient.objects.exists():
        return
    rng = random.Random(11)
    started = time.monotonic()
    with transaction.atomic():
        root = OrgNode.objects.add_root({"name": "基准县", "kind": OrgKind.ORG_DEPT})
        communities: list[OrgNode] = []
        for t in range(TOWNS):
            town = OrgNode.objects.add_child(root, {"name": f"镇{t}", "kind": OrgKind.TOWN})
            for c in range(COMMUNITIES):
                communities.append(
                    OrgNode.objects.add_child(town, {"name": f"镇{t}社区{c}", "kind": OrgKind.COMMUNITY})
                )
            root.refresh_from_db()
        admin = User.objects.create(username="bench-care-admin", name="县管理员")
        RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, org=root)
        encrypted = encrypt("13800000000")
        volunteers = Volunteer.objects.bulk_create(
            [
                Volunteer(
                    number=f"B{n:09d}",
                    org=communities[n % len(communities)],
                    name=f"志愿者{n}",
                    gender="M",
                    birth_date=datetime.date(1980, 1, 1),
                    id_number_encrypted=encrypted,
                    id_number_hash=f"bench-care-{n}",
                    id_number_masked="330***********0000",
                    phone_encrypted=encrypted,
                    phone_hash=blind_index("13800000000"),
                    phone_masked=mask_phone("13800000000"),
                    political_status="party_member",
                    status="registered",
                )
                for n in range(RECIPIENTS // 2)
            ],
            batch_size=2_000,
        )
        users = User.objects.bulk_create([User(username=f"bench-care-{n}") for n in range(len(volunteers))])
        for volunteer, user in zip(volunteers, users, strict=True):
            volunteer.user = user
        Volunteer.objects.bulk_update(volunteers, ["user"], batch_size=2_000)
        teams = Team.objects.bulk_create(
            [
                Team(name=f"服务队{n}", org=communities[n], kind="detachment", leader=volunteers[n])
                for n in range(len(communities))
            ]
        )
        categories = CareCategory.values
        recipients = CareRecipient.objects.bulk_create(
            [
                CareRecipient(
                    org=communities[n % len(communities)],
                    name=f"对象{n}",
                    gender="F",
                    category=categories[n % len(categories)],
                    phone_masked="139****0000",
                )
                for n in range(RECIPIENTS)
            ],
            batch_size=2_000,
        )
        pairings = []
        for n, recipient in enumerate(recipients):
            due = TODAY + datetime.timedelta(days=rng.randint(-40, 30))
            started_on = TODAY - datetime.timedelta(days=400)
            pairings.append(
                CarePairing(
                    recipient=recipient,
                    volunteer=volunteers[n % len(volunteers)],
                    started_on=started_on,
                    next_visit_due=due,
                )
            )
            if n % PAIRINGS_PER_TEAM_EVERY == 0:
                pairings.append(
                    CarePairing(
                        recipient=recipient, team=teams[n % len(teams)], started_on=started_on, next_visit_due=due
                    )
                )
        pairings = CarePairing.objects.bulk_create(pairings, batch_size=2_000)
        visits = []
        for n in range(VISITS):
            pairing = pairings[n % len(pairings)]
            day = TODAY - datetime.timedelta(days=rng.randint(1, 365))
            visits.append(
                CareVisit(
                    recipient_id=pairing.recipient_id,
                    pairing=pairing,
                    visited_on=day,
                    due_on=day + datetime.timedelta(days=rng.randint(-5, 10)),
                    duration_minutes=30,
                )
            )
        CareVisit.objects.bulk_create(visits, batch_size=5_000)
    _log(
        f"  生成结对帮扶基准数据 {RECIPIENTS} 人、{len(pairings)} 对、{VISITS} 次走访，用时 {time.monotonic() - started:.0f} 秒"
    )


def _remind_once() -> Any:
    from django.db import transaction

    from redvest.care.services import care_remind

    with transaction.atomic():
        result = care_remind(today=TODAY)
        transaction.set_rollback(True)
    return result


def main() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from redvest.accounts.models import User
    from redvest.care.models import CareVisit
    from redvest.care.selectors import overdue_pairings, visit_stats
    from redvest.core.pagination import paginate
    from redvest.orgs.models import OrgNode

    db.migrate()
    _generate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    root = OrgNode.get_root_nodes().first()
    if root is None:
        raise SystemExit("基准库没有组织节点")
    some_pk = CareVisit.objects.order_by("pk").values_list("pk", flat=True)[VISITS // 2]
    base_p50, base_p95 = p50_p95_ms(lambda: CareVisit.objects.filter(pk=some_pk).first(), BASELINE_RUNS)

    def overdue_page() -> Any:
        user = User.objects.get(username="bench-care-admin")  # fresh grants, as one request
        return paginate(overdue_pairings(user=user, today=TODAY), page=1).items

    targets = {
        "overdue list, first page": overdue_page,
        "visit_stats, county quarter": lambda: visit_stats(
            root.path, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), today=TODAY
        ),
        "care_remind, one day": _remind_once,
    }
    results = []
    for name, fn in targets.items():
        with CaptureQueriesContext(connection) as queries:
            sample = fn()
        p50, p95 = p50_p95_ms(fn, RUNS if name != "care_remind, one day" else 3)
        results.append(
            {
                "target": name,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "x_baseline": round(p50 / base_p50, 1) if base_p50 else None,
                "queries": len(queries),
                "budget_ms": BUDGET_MS[name],
                "sample": str(sample if not isinstance(sample, list) else f"{len(sample)} rows")[:120],
            }
        )
    print(f"数据：{RECIPIENTS} 名帮扶对象，{VISITS} 次走访，统计日 {TODAY}")
    print(f"基准：按主键取一条走访记录 p50 {base_p50:.2f} ms，p95 {base_p95:.2f} ms（{BASELINE_RUNS} 次）")
    print(f"{'target':<30}{'p50 ms':>10}{'p95 ms':>10}{'/base':>10}{'queries':>9}{'budget ms':>11}  verdict")
    failed = False
    for r in results:
        ok = r["p50_ms"] <= r["budget_ms"]
        failed |= not ok
        print(
            f"{r['target']:<30}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['x_baseline']:>10}{r['queries']:>9}"
            f"{r['budget_ms']:>11}  {'ok' if ok else 'SLOW'}"
        )
        print(f"{'':<30}{r['sample']}")
    print(json.dumps({"baseline_p50_ms": round(base_p50, 3), "results": results}, ensure_ascii=False))
    return db.exit_status(targets_met=not failed)


if __name__ == "__main__":
    sys.exit(main())
