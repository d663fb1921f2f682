"""Points bank at scale: 5,000,000 ledger entries and 100,000 party members.

`python -m bench.points_bench` sets Django up on its own SQLite file (`var/points-bench.sqlite3`,
or `BENCH_SQLITE_PATH` / `BENCH_DATABASE_URL` as bench.settings reads them), migrates, generates
the data once (raw executemany in chunks: about two minutes on two cores; skipped when present) and
measures, each as a median and as a multiple of a baseline (one primary-key fetch of a ledger row,
timed in the same run):

    balance read       one row (PointsAccount.balance), O(1) whatever the history
    statement page     GET /points/statement/ for a volunteer with 50,000 entries      (≤ 100 ms)
    redemption         redemption_reserve: lock, checks, stock, escrow transaction     (≤ 30 ms)
    counter confirm    redemption_confirm of that reservation
    index ranking      pioneer ranking page 1 over 100,000 members, count included    (≤ 1 s)

The harness can call `run(report)` instead, with Django already set up on a separate database;
`report(name, seconds, limit_seconds_or_None, detail)` is called once per measurement and
`run` returns the rows. `main()` prints the table and, last, one JSON line.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench import db

if "DJANGO_SETTINGS_MODULE" not in os.environ or __name__ == "__main__":
    DB = db.select("points", "points-bench.sqlite3")

TOTAL_ENTRIES = db.scaled(5_000_000, 2_000)
MEMBERS = db.scaled(100_000, 100)
HEAVY_ENTRIES = db.scaled(50_000, 100)  # the measured volunteer's history
TOWNS = db.scaled(20, 2)
COMMUNITIES_PER_TOWN = db.scaled(10, 2)
CHUNK_TXNS = 100_000
REPEAT = db.scaled(1, 0)  # smoke mode: each measurement runs a couple of times only
PASSWORD = "redvest-bench-pw"

Report = Callable[[str, float, float | None, str], None]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- data -----------------------------------------------------------------------------------------


def _tree() -> tuple[Any, list[Any]]:
    from redvest.orgs.models import OrgKind, OrgNode

    root = OrgNode.objects.add_root({"name": "基准县", "kind": OrgKind.ORG_DEPT, "code": "330599"})
    communities = []
    for t in range(TOWNS):
        root.refresh_from_db()
        town = OrgNode.objects.add_child(root, {"name": f"基准镇{t:02d}", "kind": OrgKind.TOWN})
        for c in range(COMMUNITIES_PER_TOWN):
            town.refresh_from_db()
            name = f"基准镇{t:02d}社区{c:02d}"
            communities.append(OrgNode.objects.add_child(town, {"name": name, "kind": OrgKind.COMMUNITY}))
    root.refresh_from_db()
    return root, communities


def _members(communities: list[Any]) -> int:
    """100,000 registered party members, bulk-inserted (encrypted columns hold placeholders)."""
    from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus

    birth = datetime.date(1980, 1, 1)
    batch: list[Volunteer] = []
    for i in range(MEMBERS):
        batch.append(
            Volunteer(
                number=f"PB{i:010d}",
                org=communities[i % len(communities)],
                name=f"党员{i}",
                gender="M" if i % 2 else "F",
                birth_date=birth,
                id_number_encrypted="-",
                id_number_hash=f"bench-id-{i}",
                id_number_masked="330***********000X",
                phone_encrypted="-",
                phone_hash=f"bench-phone-{i}",
                phone_masked="138****0000",
                political_status=PoliticalStatus.PARTY_MEMBER,
                status=VolunteerStatus.REGISTERED,
            )
        )
        if len(batch) == 5000:
            Volunteer.objects.bulk_create(batch)
            batch = []
    Volunteer.objects.bulk_create(batch)
    first = Volunteer.objects.order_by("pk").values_list("pk", flat=True).first()
    return int(first or 0)


@contextmanager
def _secondary_indexes_dropped(tables: list[str]) -> Iterator[None]:
    """SQLite: drop the tables' secondary indexes while the rows go in, then build each once, sorted
    (far cheaper than 5,000,000 random B-tree inserts). Other databases keep their indexes."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tables,
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        _log("   重建索引")
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def _ledger(*, account_ids: list[int], bank_id: int, heavy_index: int, year: int) -> list[int]:
    """2,500,000 transactions bank → volunteer (5,000,000 entries), with running balances; returns
    each volunteer account's final balance (same order as account_ids)."""
    from django.db import connection, transaction

    txns_total = TOTAL_ENTRIES // 2
    every = max(1, txns_total // HEAVY_ENTRIES)
    start = datetime.datetime(year, 1, 1, 8, tzinfo=datetime.UTC)
    pool = [
        connection.ops.adapt_datetimefield_value(start + datetime.timedelta(seconds=s))
        for s in range(0, 300 * 86400, 300 * 86400 // 10_000)
    ]
    day = connection.ops.adapt_datefield_value(start.date())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM points_pointstransaction")
        txn_id = int(cursor.fetchone()[0])
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM points_pointsentry")
        entry_id = int(cursor.fetchone()[0])
    balances = [0] * len(account_ids)
    bank_balance = 0
    n = len(account_ids)
    txn_sql = (
        "INSERT INTO points_pointstransaction (id, kind, point_type, memo, earned_on, created_at) "
        "VALUES (%s, 'earn', 'service', '志愿服务积分', %s, %s)"
    )
    entry_sql = (
        "INSERT INTO points_pointsentry (id, transaction_id, account_id, delta, balance_after, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    done = 0
    with _secondary_indexes_dropped(["points_pointsentry", "points_pointstransaction"]):
        while done < txns_total:
            count = min(CHUNK_TXNS, txns_total - done)
            txn_rows = []
            entry_rows = []
            for i in range(done, done + count):
                who = heavy_index if i % every == 0 else i % n
                delta = 1 + (i * 7919) % 30
                at = pool[i * len(pool) // txns_total]
                txn_id += 1
                balances[who] += delta
                bank_balance -= delta
                txn_rows.append((txn_id, day, at))
                entry_rows.append((entry_id + 1, txn_id, bank_id, -delta, bank_balance, at))
                entry_rows.append((entry_id + 2, txn_id, account_ids[who], delta, balances[who], at))
                entry_id += 2
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(txn_sql, txn_rows)
                cursor.executemany(entry_sql, entry_rows)
            done += count
            if done % 500_000 == 0 or done == txns_total:
                _log(f"   流水 {done * 2:,} / {TOTAL_ENTRIES:,}")
    return balances


def generate() -> None:
    """Build the data once; a database that already holds it is left alone."""
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from redvest.accounts.models import Role, RoleAssignment, User
    from redvest.orgs.models import OrgNode
    from redvest.points.models import (
        AccountKind,
        MemberYearTotal,
        PioneerConfig,
        PioneerEntry,
        PointsAccount,
        PointsEarnedYear,
        PointsEntry,
        PointsTransaction,
        PointType,
        RewardItem,
    )
    from redvest.records.models import RecordKind, ServiceTotal
    from redvest.volunteers.models import Volunteer

    if (PointsEntry.objects.aggregate(m=Max("id"))["m"] or 0) >= TOTAL_ENTRIES:
        _log("== 基准数据已存在，跳过生成")
        return
    began = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    year = datetime.date.today().year
    _log("== 生成组织树、10万党员、10万积分账户")
    with transaction.atomic():
        root, communities = _tree()
        first_pk = _members(communities)
        admin = User.objects.create(username="bench-admin", name="基准管理员", password=make_password(PASSWORD))
        RoleAssignment.objects.create(user=admin, role=Role.ORG_ADMIN, org=root)
        volunteer_user = User.objects.create(username="bench-vol", name="基准志愿者", password=make_password(PASSWORD))
        heavy = Volunteer.objects.get(pk=first_pk)
        heavy.user = volunteer_user
        heavy.save(update_fields=["user"])
        PointsAccount.objects.bulk_create(
            [
                PointsAccount(kind=AccountKind.VOLUNTEER, volunteer_id=pk, name="")
                for pk in Volunteer.objects.order_by("pk").values_list("pk", flat=True)
            ],
            batch_size=5000,
        )
        bank = PointsAccount.objects.create(kind=AccountKind.BANK, org=root, name="基准县好人好事银行")
        PointsAccount.objects.create(kind=AccountKind.ESCROW, org=root, name="基准县兑换冻结")
        RewardItem.objects.create(org=root, title="基准兑换物品", points_cost=5, stock=1_000_000)
        PioneerConfig.objects.create(org=root)
        towns = OrgNode.objects.filter(path__startswith=root.path, depth=2).order_by("path")
        for town in towns[:3]:  # members weighed by their own town's config: the CASE path
            PioneerConfig.objects.create(org=town, hour_weight_centi=80)
    rows = list(
        PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER)
        .order_by("volunteer_id")
        .values_list("pk", "volunteer_id")
    )
    account_ids = [pk for pk, _v in rows]
    volunteer_ids = [v for _pk, v in rows]
    heavy_index = volunteer_ids.index(heavy.pk)
    _log("== 生成 5,000,000 条积分流水")
    balances = _ledger(account_ids=account_ids, bank_id=bank.pk, heavy_index=heavy_index, year=year)
    _log("== 回写余额与年度合计")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE points_pointsaccount SET balance = %s WHERE id = %s",
            list(zip(balances, account_ids, strict=True)),
        )
        cursor.execute("UPDATE points_pointsaccount SET balance = %s WHERE id = %s", [-sum(balances), bank.pk])
        PointsEarnedYear.objects.bulk_create(
            [
                PointsEarnedYear(volunteer_id=v, point_type=PointType.SERVICE, year=year, points=b)
                for v, b in zip(volunteer_ids, balances, strict=True)
            ],
            batch_size=5000,
        )
        ServiceTotal.objects.bulk_create(
            [
                ServiceTotal(volunteer_id=v, year=year, kind=RecordKind.CREDIT, minutes=(v * 37) % 6000)
                for v in volunteer_ids
            ],
            batch_size=5000,
        )
        adjustments: dict[int, int] = {v: 5 if v % 2 else -5 for v in volunteer_ids[::50]}
        MemberYearTotal.objects.bulk_create(
            [
                MemberYearTotal(
                    volunteer_id=v,
                    year=year,
                    points_earned=b,
                    bonus=max(adjustments.get(v, 0), 0),
                    deduction=min(adjustments.get(v, 0), 0),
                )
                for v, b in zip(volunteer_ids, balances, strict=True)
            ],
            batch_size=5000,
        )
        PioneerEntry.objects.bulk_create(
            [
                PioneerEntry(
                    volunteer_id=v,
                    year=year,
                    category="award" if v % 2 else "complaint",
                    score=5 if v % 2 else -5,
                    reason="基准",
                )
                for v in volunteer_ids[::50]
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        # The ledger went in with explicit ids: move PostgreSQL's identity sequences past them.
        for statement in connection.ops.sequence_reset_sql(no_style(), [PointsTransaction, PointsEntry]):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    _log(f"== 生成完成，用时 {time.perf_counter() - began:.0f} 秒")


# ---- measurements ---------------------------------------------------------------------------------


def _median(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> float:
    if not REPEAT:
        repeat, warmup = min(repeat, 2), min(warmup, 1)
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def run(report: Report) -> list[dict[str, Any]]:
    """Measure on the database Django is set up with (generating the data first if missing)."""
    from django.db import connection, reset_queries
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.points.models import AccountKind, PointsAccount, PointsEntry, RewardItem
    from redvest.points.selectors import pioneer_ranking
    from redvest.points.services import redemption_cancel, redemption_confirm, redemption_reserve

    generate()
    rows: list[dict[str, Any]] = []
    max_entry = int(PointsEntry.objects.aggregate(m=Max("id"))["m"] or 1)
    probe = iter(range(1, max_entry, max(1, max_entry // 1000)))

    def baseline_fetch() -> None:
        PointsEntry.objects.only("id", "delta").get(pk=next(probe))

    baseline = _median(baseline_fetch, repeat=200)
    rows.append({"name": "baseline", "seconds": baseline, "limit": None, "detail": "按主键取一条流水"})

    vol_user = User.objects.get(username="bench-vol")
    admin = User.objects.get(username="bench-admin")
    volunteer = vol_user.volunteer  # type: ignore[attr-defined]  # reverse one-to-one
    account = PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=volunteer)

    def balance_read() -> None:
        PointsAccount.objects.filter(pk=account.pk).values_list("balance", flat=True).get()

    with CaptureQueriesContext(connection) as ctx:
        balance_read()
    balance_queries = len(ctx)
    rows.append(
        {
            "name": "balance read",
            "seconds": _median(balance_read, repeat=200),
            "limit": None,
            "detail": f"{balance_queries} 条查询，读一行",
        }
    )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(vol_user)
    history = PointsEntry.objects.filter(account=account).count()

    def statement_page() -> None:
        response = client.get("/points/statement/")
        if response.status_code != 200:
            raise RuntimeError(f"statement page answered {response.status_code}")

    statement_page()
    reset_queries()  # each request resets the log; start the capture from an empty one
    with CaptureQueriesContext(connection) as ctx:
        statement_page()
    page_queries = len(ctx)
    rows.append(
        {
            "name": "statement page",
            "seconds": _median(statement_page, repeat=30),
            "limit": 0.100,
            "detail": f"该志愿者 {history:,} 条流水，{page_queries} 条查询（含会话、导航与通知数）",
        }
    )

    item = RewardItem.objects.get(title="基准兑换物品")
    made = []

    def reserve() -> None:
        made.append(redemption_reserve(actor=vol_user, volunteer=volunteer, item=item))

    rows.append(
        {
            "name": "redemption",
            "seconds": _median(reserve, repeat=40),
            "limit": 0.030,
            "detail": "预约：锁账户、校验、扣库存、冻结积分",
        }
    )
    pending = iter(made)

    def confirm() -> None:
        redemption_confirm(actor=admin, redemption=next(pending))

    rows.append(
        {
            "name": "counter confirm",
            "seconds": _median(confirm, repeat=30),
            "limit": None,
            "detail": "柜台核销：冻结 → 银行，含站内通知",
        }
    )
    for leftover in pending:
        redemption_cancel(actor=vol_user, redemption=leftover)

    root = OrgNode.objects.get(name="基准县")
    year = datetime.date.today().year
    total = {"n": 0}

    def ranking() -> None:
        total["n"] = pioneer_ranking(user=admin, org=root, year=year).count

    seconds = _median(ranking, repeat=5, warmup=1)
    rows.append(
        {"name": "index ranking", "seconds": seconds, "limit": 1.0, "detail": f"{total['n']:,} 名党员，第1页（含总数）"}
    )

    for row in rows:
        row["ratio"] = row["seconds"] / baseline if baseline else None
        report(row["name"], row["seconds"], row["limit"], row["detail"])
    return rows


def main() -> None:
    from django.conf import settings

    import bench._django  # noqa: F401  (Django on bench.settings, our own SQLite file by default)

    _log(f"== 数据库：{settings.DATABASES['default']['NAME']}")
    db.migrate()
    lines: list[str] = []

    def report(name: str, seconds: float, limit: float | None, detail: str) -> None:
        lines.append(
            f"{name:<16} {seconds * 1000:>9.2f} ms  {'≤ ' + format(limit * 1000, '.0f') + ' ms' if limit else '':<10} {detail}"
        )

    rows = run(report)
    baseline = rows[0]["seconds"]
    print(f"{'指标':<16} {'中位数':>12}  {'目标':<10} 说明（基线：{baseline * 1000:.3f} ms）")
    for line, row in zip(lines, rows, strict=True):
        ok = "" if row["limit"] is None else ("  达标" if row["seconds"] <= row["limit"] else "  超出")
        print(f"{line}  ×{row['ratio']:.0f} 基线{ok}")
    print(
        json.dumps(
            {r["name"]: {"ms": round(r["seconds"] * 1000, 3), "x_baseline": round(r["ratio"], 1)} for r in rows},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
