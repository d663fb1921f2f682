"""The service-record ledger partitioned by year on PostgreSQL (issue 13 item 6); nothing on SQLite.

`records_servicerecord` becomes `PARTITION BY RANGE (served_on)`: one partition per year present in the
data and for last, this and next year (`records_servicerecord_y2026` holds 2026-01-01 ≤ served_on <
2027-01-01), plus `records_servicerecord_default` for any other date. The scheduler's
`ledger_partitions_ensure` job adds next year's partition before the year turns.

PostgreSQL wants every unique constraint of a partitioned table to contain the partition key, so:

- the primary key becomes (id, served_on). Django keeps `id` as the primary key: ids come from the one
  identity sequence, so they stay unique in practice;
- `reverses` (one-to-one) becomes UNIQUE (reverses_id, served_on); a trigger requires a reversal to carry
  the served_on of the entry it reverses (the service copies it), so this is as strict as before;
- the nine foreign keys into the ledger (ServiceRecord.reverses and .corrects, RecordDispute.record,
  Anomaly.record, CorrectionProposal.record and .correction, PointsTransaction.service_record,
  PointsClaim.service_record, RecordPosting.record) can no longer be foreign keys to `id`. Each becomes a
  constraint trigger, deferred like Django's foreign keys, that refuses a value with no ledger row. The
  other direction (a referenced row deleted or its id changed) is closed by `records_ledger_append_only`:
  the database refuses DELETE and UPDATE of ledger rows, except Django's SET_NULL of `created_by` when a
  user is deleted.

The model state is unchanged (the fields keep db_constraint=True), so SQLite keeps its foreign keys. A
later AlterField on one of the nine finds no foreign key to drop and so adds none; a new ForeignKey to
ServiceRecord fails on PostgreSQL ("no unique constraint matching given keys") and needs
`db_constraint=False` plus a `ledger_ref_<column>` trigger like these.

Runs under one ACCESS EXCLUSIVE lock and copies every row (docs/operations.md: minutes at 10M rows).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations
from django.utils import timezone

LEDGER = "records_servicerecord"
OLD = "records_servicerecord_unpartitioned"
PKEY = "records_servicerecord_pkey"
REVERSES_KEY = "records_servicerecord_reverses_id_key"
REVERSES_SERVED_KEY = "records_servicerecord_reverses_id_served_on_key"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION records_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Deleting a user nulls their link on the rows they wrote (Django's SET_NULL); history stays.
    IF TG_OP = 'UPDATE' AND NEW.created_by_id IS NULL
       AND (to_jsonb(NEW) - 'created_by_id') = (to_jsonb(OLD) - 'created_by_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'records_servicerecord is append-only: % of row % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE OR REPLACE FUNCTION records_ledger_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ref bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
BEGIN
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {LEDGER} WHERE id = ref) THEN
        RAISE EXCEPTION '%.% = %: no such row in {LEDGER}', TG_TABLE_NAME, TG_ARGV[0], ref
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION records_ledger_reversal_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reverses_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM {LEDGER} WHERE id = NEW.reverses_id AND served_on = NEW.served_on
    ) THEN
        RAISE EXCEPTION '{LEDGER}.reverses_id = %: no such row served on %', NEW.reverses_id, NEW.served_on
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
"""


def _rows(cursor: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def _years_present(cursor: Any, table: str) -> list[int]:
    """Distinct years of served_on, one index probe per year (a loose scan of the served_on index)."""
    rows = _rows(
        cursor,
        f"""
        WITH RECURSIVE y(year) AS (
            SELECT EXTRACT(YEAR FROM MIN(served_on))::int FROM {table}
            UNION ALL
            SELECT (SELECT EXTRACT(YEAR FROM MIN(served_on))::int FROM {table}
                    WHERE served_on >= make_date(y.year + 1, 1, 1))
            FROM y WHERE y.year IS NOT NULL
        )
        SELECT year FROM y WHERE year IS NOT NULL
        """,
    )
    return [row[0] for row in rows]


def _shape(cursor: Any) -> dict[str, Any]:
    """What the rebuild carries over from the table now named LEDGER."""
    plain_indexes = _rows(
        cursor,
        """
        SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        ORDER BY i.relname
        """,
        [LEDGER],
    )
    outgoing = _rows(
        cursor,
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype = 'f' AND confrelid <> conrelid ORDER BY conname
        """,
        [LEDGER],
    )
    keys = [
        row[0]
        for row in _rows(
            cursor,
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [LEDGER],
        )
    ]
    (sequence,) = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [LEDGER])[0]
    if sequence is None:
        raise RuntimeError(f"{LEDGER}.id has no identity sequence")
    last_value, is_called = _rows(cursor, f"SELECT last_value, is_called FROM {sequence}")[0]
    return {
        "indexes": plain_indexes,
        "outgoing": outgoing,
        "keys": keys,
        "sequence": (last_value, is_called),
    }


def _detach_old(cursor: Any, shape: dict[str, Any]) -> None:
    """Free every name the new table takes: drop the old table's keys, indexes, outgoing foreign keys and
    identity (its sequence state is in `shape`), then rename it to OLD."""
    for name, _definition in shape["outgoing"]:
        cursor.execute(f'ALTER TABLE {LEDGER} DROP CONSTRAINT "{name}"')
    for name in shape["keys"]:
        cursor.execute(f'ALTER TABLE {LEDGER} DROP CONSTRAINT "{name}"')
    for name, _definition in shape["indexes"]:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(f"ALTER TABLE {LEDGER} ALTER COLUMN id DROP IDENTITY")
    cursor.execute(f"ALTER TABLE {LEDGER} RENAME TO {OLD}")


def _finish_new(cursor: Any, shape: dict[str, Any]) -> None:
    """Copy the rows into the new LEDGER, then build its indexes, foreign keys and identity as before."""
    cursor.execute(f"INSERT INTO {LEDGER} SELECT * FROM {OLD}")
    for _name, definition in shape["indexes"]:
        cursor.execute(definition)
    for name, definition in shape["outgoing"]:
        cursor.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{name}" {definition}')
    last_value, is_called = shape["sequence"]
    cursor.execute(
        f"ALTER TABLE {LEDGER} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME {LEDGER}_id_seq)"
    )
    cursor.execute(f"SELECT setval('{LEDGER}_id_seq', %s, %s)", [last_value, is_called])
    cursor.execute(f"DROP TABLE {OLD}")


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LEDGER} IN ACCESS EXCLUSIVE MODE")
        if _rows(cursor, "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [LEDGER]):
            return
        shape = _shape(cursor)
        this_year = timezone.localdate().year
        years = sorted({*_years_present(cursor, LEDGER), this_year - 1, this_year, this_year + 1})
        incoming = _rows(
            cursor,
            """
            SELECT c.conname, c.conrelid::regclass::text, a.attname
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND cardinality(c.conkey) = 1
            ORDER BY 2, 3
            """,
            [LEDGER],
        )
        for name, table, _column in incoming:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        _detach_old(cursor, shape)

        cursor.execute(
            f"CREATE TABLE {LEDGER} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE "
            "INCLUDING COMMENTS) PARTITION BY RANGE (served_on)"
        )
        for year in years:
            start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
            cursor.execute(
                f"CREATE TABLE {LEDGER}_y{year} PARTITION OF {LEDGER} FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        cursor.execute(f"CREATE TABLE {LEDGER}_default PARTITION OF {LEDGER} DEFAULT")
        _finish_new(cursor, shape)
        cursor.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{PKEY}" PRIMARY KEY (id, served_on)')
        cursor.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{REVERSES_SERVED_KEY}" UNIQUE (reverses_id, served_on)')

        cursor.execute(FUNCTIONS)
        cursor.execute(
            f"CREATE TRIGGER records_ledger_append_only BEFORE UPDATE OR DELETE ON {LEDGER} "
            "FOR EACH ROW EXECUTE FUNCTION records_ledger_append_only()"
        )
        for _name, table, column in incoming:
            if table == LEDGER and column == "reverses_id":
                check, columns = "records_ledger_reversal_check()", "reverses_id, served_on"
            else:
                check, columns = f"records_ledger_reference_check('{column}')", column
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER ledger_ref_{column} AFTER INSERT OR UPDATE OF {columns} ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.{column} IS NOT NULL) EXECUTE FUNCTION {check}"
            )
        cursor.execute(f"ANALYZE {LEDGER}")


def unpartition(apps: Any, schema_editor: Any) -> None:
    """Back to one table with its foreign keys (Django's own names, from the model state)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LEDGER} IN ACCESS EXCLUSIVE MODE")
        if not _rows(cursor, "SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [LEDGER]):
            return
        triggers = _rows(
            cursor,
            """
            SELECT tgname, tgrelid::regclass::text FROM pg_trigger
            WHERE tgparentid = 0 AND NOT tgisinternal
              AND (tgname LIKE 'ledger\\_ref\\_%' OR tgname = 'records_ledger_append_only')
            """,
        )
        for name, table in triggers:
            cursor.execute(f'DROP TRIGGER "{name}" ON {table}')
        cursor.execute(
            "DROP FUNCTION records_ledger_append_only(), records_ledger_reference_check(), "
            "records_ledger_reversal_check()"
        )
        shape = _shape(cursor)
        _detach_old(cursor, shape)
        cursor.execute(
            f"CREATE TABLE {LEDGER} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE "
            "INCLUDING COMMENTS)"
        )
        _finish_new(cursor, shape)
        cursor.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{PKEY}" PRIMARY KEY (id)')
        cursor.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{REVERSES_KEY}" UNIQUE (reverses_id)')
    ServiceRecord = apps.get_model("records", "ServiceRecord")
    for model in apps.get_models():
        for field in model._meta.local_fields:
            if field.remote_field is not None and field.remote_field.model is ServiceRecord and field.db_constraint:
                schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    # Every foreign key into the ledger must exist before it is replaced by a trigger (points' three).
    dependencies = [
        ("records", "0009_record_org"),
        ("points", "0002_member_year_total"),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
