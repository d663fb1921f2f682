"""Publicity at county scale: 50,000 volunteers each with a commitment (a third with a measurable target),
200,000 credit service records behind the activity targets, 500 training sessions and 200,000 attendance
marks. Times the public wall (first page of the county, and filtered by setting and year), the admin
commitment list with progress, and the county's training-hours report, against a primary-key fetch
measured in the same run.

    .venv/bin/python -m bench.publicity_bench

Its own SQLite file (`var/bench-publicity.sqlite3`; PUBLICITY_BENCH_SQLITE_PATH picks another): migrates
and fills it once (later runs reuse it). The last line of stdout is JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from typing import Any

from bench import db

DB = db.select("publicity", "bench-publicity.sqlite3", override=os.environ.get("PUBLICITY_BENCH_SQLITE_PATH"))

import bench._django  # noqa: E402, F401  (Django on bench.settings and the file above)
from bench.timing import p50_p95_ms  # noqa: E402

VOLUNTEERS = db.scaled(50_000, 100)
RECORDS = db.scaled(200_000, 300)
SESSIONS = db.scaled(500, 5)
MARKS = db.scaled(200_000, 100)
TOWNS, COMMUNITIES = db.scaled(16, 2), db.scaled(20, 2)
YEAR = 2026
RUNS = db.scaled(7, 2)
BASELINE_RUNS = db.scaled(200, 10)
BUDGET_MS = {
    # The wall counts a subtree's commitments through the volunteer and org joins (50,000 in one county).
    "wall, county first page": 500.0,
    "wall, village 2026": 200.0,
    "commitments admin, first page": 150.0,
    "training hours, county": 1000.0,
}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _generate() -> None:
    from django.db import transaction

    from redvest.accounts.models import Role, RoleAssignment, User
    from redvest.activities.models import Activity
    from redvest.core.crypto import blind_index, encrypt, mask_phone
    from redvest.orgs.models import OrgKind, OrgNode
    from redvest.publicity.models import AttendanceMark, Commitment, Enrolment, TrainingSession
    from redvest.records.models import ServiceRecord, ServiceTotal
    from redvest.volunteers.models import Volunteer

    if Commitment.objects.exists():
        return
    rng = random.Random(19)
    started = time.monotonic()
    tz = datetime.timezone(datetime.timedelta(hours=8))
    with transaction.atomic():
        root = OrgNode.objects.add_root({"name": "基准县", "kind": OrgKind.ORG_DEPT})
        communities: list[OrgNode] = []
        for t in range(TOWNS):
            town = OrgNode.objects.add_child(root, {"name": f"镇{t}", "kind": OrgKind.TOWN})
            town.refresh_from_db()
            for c in range(COMMUNITIES):
                communities.append(
                    OrgNode.objects.add_child(
                        town, {"name": f"镇{t}{'村' if c % 2 else '社区'}{c}", "kind": OrgKind.COMMUNITY}
                    )
                )
            root.refresh_from_db()
        admin = User.objects.create(username="bench-publicity-admin", name="县管理员")
        RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, org=root)
        encrypted = encrypt("13800000000")
        volunteers = Volunteer.objects.bulk_create(
            [
                Volunteer(
                    number=f"P{n:09d}",
                    org=communities[n % len(communities)],
                    name=f"志愿者{n}",
                    gender="M",
                    birth_date=datetime.date(1980, 1, 1),
                    id_number_encrypted=encrypted,
                    id_number_hash=f"bench-publicity-{n}",
                    id_number_masked="330***********0000",
                    phone_encrypted=encrypted,
                    phone_hash=blind_index("13800000000"),
                    phone_masked=mask_phone("13800000000"),
                    political_status="party_member",
                    status="registered",
                )
                for n in range(VOLUNTEERS)
            ],
            batch_size=2_000,
        )
        settings = ("community", "village", "enterprise")
        kinds = ("", "minutes", "activities")
        Commitment.objects.bulk_create(
            [
                Commitment(
                    volunteer=v,
                    year=YEAR,
                    setting=settings[n % 3],
                    text="每月参加两次志愿服务",
                    target_kind=kinds[n % 3],
                    target_value={"": None, "minutes": 1440, "activities": 12}[kinds[n % 3]],
                )
                for n, v in enumerate(volunteers)
            ],
            batch_size=5_000,
        )
        ServiceTotal.objects.bulk_create(
            [
                ServiceTotal(volunteer=v, org_id=v.org_id, year=YEAR, kind="credit", minutes=rng.randint(0, 3000))
                for v in volunteers
            ],
            batch_size=5_000,
        )
        start = datetime.datetime(YEAR, 3, 1, 9, tzinfo=tz)
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    org=communities[n % len(communities)],
                    title=f"活动{n}",
                    category="community",
                    start_at=start + datetime.timedelta(days=n % 120),
                    end_at=start + datetime.timedelta(days=n % 120, hours=2),
                    place="社区",
                    latitude=Decimal("30.970000"),
                    longitude=Decimal("119.910000"),
                    recruit_start=start - datetime.timedelta(days=10),
                    recruit_end=start,
                    quota=50,
                    checkin_secret=f"bench-{n}",
                )
                for n in range(2_000)
            ],
            batch_size=2_000,
        )
        ServiceRecord.objects.bulk_create(
            [
                ServiceRecord(
                    volunteer=volunteers[n % VOLUNTEERS],
                    activity=activities[n % len(activities)],
                    kind="credit",
                    source="attendance",
                    category="community",
                    minutes=120,
                    served_on=datetime.date(YEAR, 3, 1) + datetime.timedelta(days=n % 120),
                )
                for n in range(RECORDS)
            ],
            batch_size=5_000,
        )
        sessions = TrainingSession.objects.bulk_create(
            [
                TrainingSession(
                    title=f"培训{n}",
                    org=communities[n % len(communities)] if n % 5 else root,
                    category="skills",
                    trainer="老师",
                    place="会议室",
                    starts_at=start + datetime.timedelta(days=n % 300),
                    ends_at=start + datetime.timedelta(days=n % 300, hours=2),
                    minutes=120,
                    capacity=1000,
                )
                for n in range(SESSIONS)
            ]
        )
        per_session = MARKS // SESSIONS
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(session=s, volunteer=volunteers[(i * 97 + k) % VOLUNTEERS])
                for i, s in enumerate(sessions)
                for k in range(per_session)
            ],
            batch_size=5_000,
        )
        AttendanceMark.objects.bulk_create(
            [
                AttendanceMark(enrolment=e, volunteer_id=e.volunteer_id, session_id=e.session_id, attended=n % 7 != 0)
                for n, e in enumerate(enrolments)
            ],
            batch_size=5_000,
        )
    _log(
        f"  生成宣传基准数据 {VOLUNTEERS} 人、{RECORDS} 条服务记录、{MARKS} 条培训出勤，用时 {time.monotonic() - started:.0f} 秒"
    )


def main() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from redvest.accounts.models import User
    from redvest.core.pagination import paginate
    from redvest.orgs.models import OrgNode
    from redvest.publicity.models import Commitment
    from redvest.publicity.selectors import commitment_list, commitment_progress, training_hours_report, wall

    db.migrate()
    _generate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    root = OrgNode.objects.get_root_nodes().first()
    if root is None:
        raise SystemExit("基准库没有组织节点")
    some_pk = Commitment.objects.order_by("pk").values_list("pk", flat=True)[VOLUNTEERS // 2]
    base_p50, base_p95 = p50_p95_ms(lambda: Commitment.objects.filter(pk=some_pk).first(), BASELINE_RUNS)

    def admin_page() -> Any:
        user = User.objects.get(username="bench-publicity-admin")  # fresh grants, as one request
        page = paginate(commitment_list(user=user, year=YEAR), page=1)
        return commitment_progress(page.items)

    def hours() -> Any:
        user = User.objects.get(username="bench-publicity-admin")
        return training_hours_report(
            user=user, org=root, start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 12, 31)
        ).items

    targets = {
        "wall, county first page": lambda: wall(org=root).page.items,
        "wall, village 2026": lambda: wall(org=root, year=YEAR, setting="village").page.items,
        "commitments admin, first page": admin_page,
        "training hours, county": hours,
    }
    results: list[dict[str, Any]] = []
    for name, fn in targets.items():
        with CaptureQueriesContext(connection) as queries:
            sample = fn()
        p50, p95 = p50_p95_ms(fn, RUNS)
        results.append(
            {
                "target": name,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "x_baseline": round(p50 / base_p50, 1) if base_p50 else None,
                "queries": len(queries),
                "budget_ms": BUDGET_MS[name],
                "sample": f"{len(sample)} rows",
            }
        )
    print(f"数据：{VOLUNTEERS} 条承诺，{RECORDS} 条服务记录，{SESSIONS} 场培训 {MARKS} 条出勤")
    print(f"基准：按主键取一条承诺 p50 {base_p50:.2f} ms，p95 {base_p95:.2f} ms（{BASELINE_RUNS} 次）")
    print(f"{'target':<32}{'p50 ms':>10}{'p95 ms':>10}{'/base':>10}{'queries':>9}{'budget ms':>11}  verdict")
    failed = False
    for r in results:
        ok = r["p50_ms"] <= r["budget_ms"]
        failed |= not ok
        print(
            f"{r['target']:<32}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['x_baseline']:>10}{r['queries']:>9}"
            f"{r['budget_ms']:>11}  {'ok' if ok else 'SLOW'}"
        )
    print(json.dumps({"baseline_p50_ms": round(base_p50, 3), "results": results}, ensure_ascii=False))
    return db.exit_status(targets_met=not failed)


if __name__ == "__main__":
    sys.exit(main())
