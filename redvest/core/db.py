"""Database upkeep shared by the bulk loads."""

from __future__ import annotations

from django.db import connection, models

# A load smaller than this is left to autovacuum, which analyses a table once a tenth of it has changed.
BULK_ROWS = 1000


def analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics for these tables (none named: every table, for a whole-database load such
    as seed_demo or a benchmark's generator) after a bulk load, on PostgreSQL; nothing on SQLite.

    Until autovacuum gets round to a freshly filled table, the planner takes it for empty and reads all of
    it for a page of twenty rows. Outside a transaction this is VACUUM (ANALYZE), which also marks the
    pages all-visible so counts over an index read the index alone (a town's volunteers: 13 ms instead
    of 337 ms at 100,000); inside one (a caller's atomic block, a test) plain ANALYZE."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {names}")
