"""Province-scale data on PostgreSQL for `make bench-pg`, written with COPY (psycopg `cursor.copy()`).

Full size (BENCH_PG_SCALE=1): 30,000 org nodes (a province, 90 counties, their towns and communities),
1,000,000 volunteers, 100,000 activities, 10,000,000 service records (with their yearly totals),
5,000,000 points entries (2,500,000 transactions, an account per volunteer and a bank per county) and
2,000,000 demand requests. BENCH_PG_SCALE=0.01 scales every count down for a quick try.

Deterministic (one seed, rows computed from their index) and reused between runs: a marker table
`bench_province_marker` holds the generator's version and the sizes; a database whose marker matches
is left alone, anything else is rebuilt by the caller on a fresh database. The encrypted columns are
real: each ID number and phone number is encrypted with the product's key (in a process pool) and its
keyed hash computed with the product's function, so search by phone finds the volunteer and the
detail page decrypts. Totals are computed by SQL from the ledger after it is loaded; ANALYZE last (the
bench then runs VACUUM (ANALYZE) outside the transaction).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.activities.models import Activity, ActivityStatus, ServiceCategory
from redvest.core.crypto import blind_index, encrypt, mask_id_number, mask_phone
from redvest.core.validators import id_check_digit
from redvest.demand.models import ServiceItem, ServiceRequest
from redvest.orgs.models import OrgKind, OrgNode
from redvest.points.models import AccountKind, PointsAccount, PointsEntry, PointsTransaction
from redvest.records.models import (
    MonthlyServiceTotal,
    RecordKind,
    RecordSource,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)
from redvest.volunteers.models import Volunteer

VERSION = 2  # 2: entries credited to their volunteer's org (ServiceRecord.org), monthly org totals
SEED = 20261207
MARKER = "bench_province_marker"
FIRST_DAY = datetime.date(2025, 1, 1)
DAYS = 700  # into late 2026: two years of ledger, two partitions' worth
PASSWORD = "redvest-bench-pw"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class Sizes:
    scale: float
    org_nodes: int
    counties: int
    towns_per_county: int
    volunteers: int
    activities: int
    records: int
    points_entries: int
    requests: int


def sizes(scale: float) -> Sizes:
    def n(full: int, least: int) -> int:
        return max(least, round(full * scale))

    counties = n(90, 3)
    return Sizes(
        scale=scale,
        org_nodes=n(30_000, 60),
        counties=counties,
        towns_per_county=15,
        volunteers=n(1_000_000, 500),
        activities=n(100_000, 100),
        records=n(10_000_000, 5_000),
        points_entries=n(5_000_000, 2_000) // 2 * 2,
        requests=n(2_000_000, 1_000),
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- COPY -----------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _defaults(model: type[models.Model], given: list[str]) -> tuple[list[str], str]:
    """The columns COPY must also fill (not given, no NULL allowed or a default set) and their constant text."""
    now = timezone.now()
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            continue
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        columns.append(field.column)
        values.append(_text(value))
    return columns, "\t".join(values)


def copy_rows(model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY rows (tuples for `columns`) into the model's table; every other column gets its default."""
    extra, tail = _defaults(model, columns)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *extra])
    suffix = ("\t" + tail if extra else "") + "\n"
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY FROM STDIN
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(_text(v) for v in row) + suffix)
                count += 1
                if len(buffer) == 20_000:
                    copy.write("".join(buffer))
                    buffer = []
            copy.write("".join(buffer))
    return count


def _next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
        return int(cursor.fetchone()[0])


# ---- marker ---------------------------------------------------------------------------------------


def present(wanted: Sizes) -> bool | None:
    """True when this database holds exactly `wanted`; None when it holds nothing; False otherwise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER])
        if cursor.fetchone()[0] is None:
            # A database created just now has no tables yet: empty, like one migrated without data.
            cursor.execute("SELECT to_regclass(%s)", [OrgNode._meta.db_table])
            migrated = cursor.fetchone()[0] is not None
            return None if not migrated or not OrgNode.objects.exists() else False
        cursor.execute(f"SELECT version, sizes FROM {MARKER}")
        row = cursor.fetchone()
    return row is not None and row[0] == VERSION and json.loads(row[1]) == asdict(wanted)


def _mark(wanted: Sizes, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (version integer, sizes text, seconds integer, made_at timestamptz)")
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, now())", [VERSION, json.dumps(asdict(wanted)), round(seconds)]
        )


def marker_seconds() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seconds FROM {MARKER}")
        return int(cursor.fetchone()[0])


# ---- the tree and the people ----------------------------------------------------------------------


def _tree(s: Sizes) -> tuple[list[int], list[int], dict[int, int]]:
    """Province → counties → towns → communities (the rest); returns the county ids, the town ids and
    each community's county id."""
    first = _next_id(OrgNode)
    rows: list[tuple[Any, ...]] = []
    counties: list[int] = []
    towns: list[int] = []
    communities: dict[int, int] = {}
    root_path = OrgNode._get_path(None, 1, 1)
    towns_total = s.counties * s.towns_per_county
    per_town, extra = divmod(s.org_nodes - 1 - s.counties - towns_total, towns_total)
    rows.append((first, root_path, 1, s.counties, "基准省委组织部", OrgKind.ORG_DEPT.value, "330000"))
    pk = first + 1
    for c in range(s.counties):
        county_pk, county_path = pk, OrgNode._get_path(root_path, 2, c + 1)
        counties.append(county_pk)
        rows.append(
            (county_pk, county_path, 2, s.towns_per_county, f"基准县{c:02d}", OrgKind.ORG_DEPT.value, f"33{c:04d}")
        )
        pk += 1
        for t in range(s.towns_per_county):
            town_pk, town_path = pk, OrgNode._get_path(county_path, 3, t + 1)
            size = per_town + (1 if len(towns) < extra else 0)
            towns.append(town_pk)
            rows.append((town_pk, town_path, 3, size, f"基准县{c:02d}镇{t:02d}", OrgKind.TOWN.value, ""))
            pk += 1
            for m in range(size):
                communities[pk] = county_pk
                path = OrgNode._get_path(town_path, 4, m + 1)
                rows.append((pk, path, 4, 0, f"基准县{c:02d}镇{t:02d}社区{m:03d}", OrgKind.COMMUNITY.value, ""))
                pk += 1
    copy_rows(OrgNode, ["id", "path", "depth", "numchild", "name", "kind", "code"], rows)
    return counties, towns, communities


def _person(i: int) -> tuple[str, str, datetime.date]:
    """Volunteer i's ID number, phone and birth date: unique by construction, checksum-valid."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(i // 1000) * 11 % 11_000)
    first17 = f"{330100 + (i // 1000) % 90:06d}{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + id_check_digit(first17), f"139{i:08d}", birth


def _encrypt_chunk(bounds: tuple[int, int]) -> list[tuple[str, str]]:
    out = []
    for i in range(*bounds):
        id_number, phone, _ = _person(i)
        out.append((encrypt(id_number), encrypt(phone)))
    return out


def _ciphertexts(count: int, chunk: int = 10_000) -> Iterator[tuple[str, str]]:
    """Fernet tokens for every volunteer, computed in a process pool (forked: same settings and keys)."""
    bounds = [(a, min(a + chunk, count)) for a in range(0, count, chunk)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for part in pool.map(_encrypt_chunk, bounds):
            yield from part


def _volunteers(s: Sizes, communities: list[int]) -> tuple[int, list[int]]:
    """Returns the first volunteer id and each volunteer's community id (index = volunteer index)."""
    first = _next_id(Volunteer)
    orgs = [communities[i * 7 % len(communities)] for i in range(s.volunteers)]

    def rows() -> Iterator[tuple[Any, ...]]:
        for i, (id_token, phone_token) in enumerate(_ciphertexts(s.volunteers)):
            id_number, phone, birth = _person(i)
            name = SURNAMES[i % 20] + GIVEN[(i // 20) % 24] + GIVEN[(i // 480) % 24]
            yield (
                first + i,
                f"P{i:011d}",
                orgs[i],
                name,
                "M" if i % 2 else "F",
                birth,
                id_token,
                blind_index(id_number),
                mask_id_number(id_number),
                phone_token,
                blind_index(phone),
                mask_phone(phone),
                "party_member",
                "registered",
            )

    copy_rows(
        Volunteer,
        [
            "id",
            "number",
            "org_id",
            "name",
            "gender",
            "birth_date",
            "id_number_encrypted",
            "id_number_hash",
            "id_number_masked",
            "phone_encrypted",
            "phone_hash",
            "phone_masked",
            "political_status",
            "status",
        ],
        rows(),
    )
    return first, orgs


# ---- ledgers --------------------------------------------------------------------------------------


def _activities(s: Sizes, towns: list[int], rng: random.Random) -> list[tuple[int, str, datetime.datetime, int]]:
    first = _next_id(Activity)
    tz = timezone.get_current_timezone()
    categories = [c.value for c in ServiceCategory]
    acts, rows = [], []
    for n in range(s.activities):
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        start = datetime.datetime.combine(day, datetime.time(8 + rng.randrange(8)), tzinfo=tz)
        minutes = rng.choice((60, 90, 120, 180, 240))
        end = start + datetime.timedelta(minutes=minutes)
        category = categories[n % len(categories)]
        acts.append((first + n, category, start, minutes))
        rows.append(
            (first + n, f"基准活动{n}", towns[n % len(towns)], category, "基准地点", "30.000000", "120.000000")
            + (start, end, start - datetime.timedelta(days=7), start, 50, ActivityStatus.PUBLISHED.value, "bench")
        )
    copy_rows(
        Activity,
        ["id", "title", "org_id", "category", "place", "latitude", "longitude", "start_at", "end_at"]
        + ["recruit_start", "recruit_end", "quota", "status", "checkin_secret"],
        rows,
    )
    return acts


def _records(
    s: Sizes, first_volunteer: int, orgs: list[int], acts: list[tuple[int, str, datetime.datetime, int]]
) -> None:
    """The ledger, each entry credited to its volunteer's org (as `record_append` does), then its totals."""
    rng = random.Random(SEED + 1)
    tz = timezone.get_current_timezone()
    now = timezone.now()

    honour, credit = (
        (RecordKind.HONOUR.value, RecordSource.HONOUR.value),
        (RecordKind.CREDIT.value, RecordSource.ATTENDANCE.value),
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(s.records):
            index = rng.randrange(s.volunteers)
            volunteer, org = first_volunteer + index, orgs[index]
            if n % 50 == 0:  # one in fifty an honour entry: no activity, no times
                served = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
                minutes = rng.randrange(60, 600)
                yield (volunteer, org, None, *honour, "other", minutes, served, None, None, "基准荣誉", now)
                continue
            activity, category, start, planned = acts[rng.randrange(len(acts))]
            minutes = rng.randrange(30, planned + 1)
            end = start + datetime.timedelta(minutes=minutes)
            served = start.astimezone(tz).date()
            yield (volunteer, org, activity, *credit, category, minutes, served, start, end, "", now)

    columns = ["volunteer_id", "org_id", "activity_id", "kind", "source", "category", "minutes", "served_on"]
    copy_rows(ServiceRecord, [*columns, "start_at", "end_at", "reason", "created_at"], rows())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO records_servicetotal (volunteer_id, org_id, year, kind, minutes) "
            "SELECT volunteer_id, org_id, EXTRACT(YEAR FROM served_on)::int, kind, SUM(minutes) "
            "FROM records_servicerecord GROUP BY volunteer_id, org_id, EXTRACT(YEAR FROM served_on), kind"
        )
        cursor.execute(
            "INSERT INTO records_monthlyservicetotal (org_id, month, kind, minutes) "
            "SELECT org_id, date_trunc('month', served_on)::date, kind, SUM(minutes) "
            "FROM records_servicerecord GROUP BY org_id, date_trunc('month', served_on), kind"
        )
        cursor.execute(
            "INSERT INTO records_servicecategorytotal (volunteer_id, year, kind, category, minutes) "
            "SELECT volunteer_id, EXTRACT(YEAR FROM served_on)::int, kind, category, SUM(minutes) "
            "FROM records_servicerecord GROUP BY volunteer_id, EXTRACT(YEAR FROM served_on), kind, category"
        )


def _points(s: Sizes, first_volunteer: int, counties: list[int], county_of: Callable[[int], int]) -> None:
    """An account per volunteer and a bank per county; bank → volunteer earn transactions, two entries each."""
    first_account = _next_id(PointsAccount)
    banks = {county: first_account + s.volunteers + k for k, county in enumerate(counties)}
    accounts = [
        (first_account + i, AccountKind.VOLUNTEER.value, first_volunteer + i, None, "") for i in range(s.volunteers)
    ]
    accounts += [(pk, AccountKind.BANK.value, None, county, "基准县好人好事银行") for county, pk in banks.items()]
    copy_rows(PointsAccount, ["id", "kind", "volunteer_id", "org_id", "name"], accounts)
    first_txn, first_entry = _next_id(PointsTransaction), _next_id(PointsEntry)
    txns = s.points_entries // 2
    start = datetime.datetime(FIRST_DAY.year, 1, 1, 8, tzinfo=datetime.UTC)
    balances = [0] * s.volunteers
    bank_balance = dict.fromkeys(banks.values(), 0)
    copy_rows(
        PointsTransaction,
        ["id", "kind", "point_type", "memo", "earned_on", "created_at"],
        (
            (
                first_txn + t,
                "earn",
                "service",
                "志愿服务积分",
                (start + datetime.timedelta(minutes=t % 1_000_000)).date(),
                start,
            )
            for t in range(txns)
        ),
    )

    def entries() -> Iterator[tuple[Any, ...]]:
        for t in range(txns):
            who = (t * 7919) % s.volunteers
            delta = 1 + t % 30
            bank = banks[county_of(who)]
            balances[who] += delta
            bank_balance[bank] -= delta
            yield (first_entry + 2 * t, first_txn + t, bank, -delta, bank_balance[bank], start)
            yield (first_entry + 2 * t + 1, first_txn + t, first_account + who, delta, balances[who], start)

    copy_rows(PointsEntry, ["id", "transaction_id", "account_id", "delta", "balance_after", "created_at"], entries())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE points_pointsaccount a SET balance = s.total FROM "
            "(SELECT account_id, SUM(delta) AS total FROM points_pointsentry GROUP BY account_id) s "
            "WHERE a.id = s.account_id"
        )


def _requests(s: Sizes, towns: list[int]) -> None:
    rng = random.Random(SEED + 2)
    items = []
    for n, category in enumerate(("life", "policy", "dispute", "elderly", "hardship")):
        item, _ = ServiceItem.objects.get_or_create(
            code=f"PROV{n}", defaults={"name": f"基准服务{n}", "category": category}
        )
        items.append(item)
    now = timezone.now()

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(s.requests):
            created = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            item = items[n % len(items)]
            resolved = n % 10 != 0
            yield (
                f"P{n:011d}",
                f"{n:012d}{SEED:08d}{n % 997:012d}",
                "hotline",
                item.pk,
                item.category,
                towns[n % len(towns)],
                "closed" if resolved else "pending",
                created,
                created,
                created + datetime.timedelta(minutes=rng.randrange(5, 50)) if resolved else None,
                created + datetime.timedelta(minutes=rng.randrange(60, 2000)) if resolved else None,
                created + datetime.timedelta(minutes=30),
                created + datetime.timedelta(hours=24),
            )

    copy_rows(
        ServiceRequest,
        ["number", "token", "channel", "item_id", "category", "area_id", "status", "created_at", "updated_at"]
        + ["responded_at", "resolved_at", "arrival_due_at", "resolution_due_at"],
        rows(),
    )


def _users(counties: list[int]) -> None:
    root = OrgNode.objects.get_root_nodes().order_by("path").first()
    assert root is not None  # written above
    for username, role, org_id in (
        ("province", Role.SYSTEM_ADMIN, root.pk),
        ("county", Role.ORG_ADMIN, counties[0]),
    ):
        user = User.objects.create_user(username=username, password=PASSWORD, name=username)
        RoleAssignment.objects.create(user=user, role=role, org_id=org_id)


@transaction.atomic
def generate(wanted: Sizes) -> float:
    """Load everything into an empty, migrated database in one transaction (a failed run leaves nothing
    behind); returns the seconds it took."""
    started = time.monotonic()
    rng = random.Random(SEED)
    steps: list[tuple[str, float]] = []

    def step(label: str) -> None:
        steps.append((label, time.monotonic()))
        _log(f"  {label}（{time.monotonic() - started:.0f} 秒）")

    counties, towns, communities = _tree(wanted)
    step(f"{wanted.org_nodes:,} 个组织节点")
    first_volunteer, orgs = _volunteers(wanted, list(communities))
    step(f"{wanted.volunteers:,} 名志愿者（证件号、手机号加密）")
    acts = _activities(wanted, towns, rng)
    step(f"{wanted.activities:,} 项活动")
    _records(wanted, first_volunteer, orgs, acts)
    step(f"{wanted.records:,} 条服务记录与年度合计")
    _points(wanted, first_volunteer, counties, lambda i: communities[orgs[i]])
    step(f"{wanted.points_entries:,} 条积分流水")
    _requests(wanted, towns)
    step(f"{wanted.requests:,} 张诉求工单")
    _users(counties)
    with connection.cursor() as cursor:
        models_written = [OrgNode, Volunteer, Activity, ServiceRecord, PointsAccount, PointsTransaction, PointsEntry]
        for statement in connection.ops.sequence_reset_sql(no_style(), models_written):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    step("ANALYZE")
    seconds = time.monotonic() - started
    _mark(wanted, seconds)
    return seconds


def counts() -> dict[str, int]:
    return {
        "org_nodes": OrgNode.objects.count(),
        "volunteers": Volunteer.objects.count(),
        "service_records": ServiceRecord.objects.count(),
        "service_totals": ServiceTotal.objects.count(),
        "category_totals": ServiceCategoryTotal.objects.count(),
        "monthly_org_totals": MonthlyServiceTotal.objects.count(),
        "points_entries": PointsEntry.objects.count(),
        "demand_requests": ServiceRequest.objects.count(),
    }
