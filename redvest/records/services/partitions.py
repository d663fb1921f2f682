"""The ledger's yearly partitions on PostgreSQL (migration 0010 partitioned `records_servicerecord` by
`served_on`); nothing to do on SQLite, where the ledger is one table."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from redvest.records.models import ServiceRecord

logger = logging.getLogger(__name__)

LEDGER = ServiceRecord._meta.db_table
DEFAULT_PARTITION = f"{LEDGER}_default"


@dataclass(frozen=True)
class LedgerPartitions:
    created: list[int] = field(default_factory=list)
    moved_rows: int = 0


def ledger_partition_name(year: int) -> str:
    """The partition holding served_on from 1 January of `year` to 1 January of the next."""
    return f"{LEDGER}_y{year}"


def _exists(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return bool(cursor.fetchone()[0])


def _partition_add(cursor: Any, year: int) -> int:
    """Create the year's partition; returns how many rows of that year moved out of the default one."""
    name = ledger_partition_name(year)
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    bounds = f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    year_rows = "served_on >= %s AND served_on < %s"
    cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE {year_rows}", [start, end])
    waiting = int(cursor.fetchone()[0])
    if not waiting:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {LEDGER} {bounds}")
        return 0
    # PostgreSQL refuses a partition for rows the default partition still holds. Detached, the default
    # partition is a plain table without the ledger's append-only trigger, so the rows are moved (not
    # deleted from the ledger); it is attached again before the transaction commits.
    cursor.execute(f"ALTER TABLE {LEDGER} DETACH PARTITION {DEFAULT_PARTITION}")
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {LEDGER} {bounds}")
    cursor.execute(f"INSERT INTO {name} SELECT * FROM {DEFAULT_PARTITION} WHERE {year_rows}", [start, end])
    cursor.execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE {year_rows}", [start, end])
    cursor.execute(f"ALTER TABLE {LEDGER} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")
    return waiting


@transaction.atomic
def ledger_partitions_ensure(*, today: datetime.date, years_ahead: int = 1) -> LedgerPartitions:
    """Make sure the ledger has the partitions of `today`'s year and the `years_ahead` years after it; rows of
    such a year waiting in the default partition move into the new one in the same transaction. Idempotent;
    nothing on SQLite or on a ledger that is not partitioned."""
    if connection.vendor != "postgresql":
        return LedgerPartitions()
    years = range(today.year, today.year + years_ahead + 1)
    created: list[int] = []
    moved = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [LEDGER])
        if cursor.fetchone() is None:
            return LedgerPartitions()
        if all(_exists(cursor, ledger_partition_name(year)) for year in years):
            return LedgerPartitions()
        # Two runs at once take turns here (the lock conflicts with itself, not with reads and inserts).
        cursor.execute(f"LOCK TABLE {LEDGER} IN SHARE UPDATE EXCLUSIVE MODE")
        for year in years:
            if _exists(cursor, ledger_partition_name(year)):
                continue
            moved += _partition_add(cursor, year)
            created.append(year)
    logger.info("ledger partitions created for %s, %d rows moved out of the default partition", created, moved)
    return LedgerPartitions(created=created, moved_rows=moved)
