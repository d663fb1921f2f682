"""After a bulk load the planner has statistics on PostgreSQL (inside a transaction: ANALYZE; outside:
VACUUM (ANALYZE)); SQLite needs none and runs nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redvest.core.db import analyze
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import OrgTree


def _reltuples() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [OrgNode._meta.db_table])
        return float(cursor.fetchone()[0])


@pytest.mark.django_db
def test_analyze_gives_the_planner_the_rows_just_loaded() -> None:
    OrgTree()
    with CaptureQueriesContext(connection) as queries:
        analyze(OrgNode)
    if connection.vendor != "postgresql":
        assert queries.captured_queries == []
        return
    assert queries.captured_queries[0]["sql"] == f'ANALYZE "{OrgNode._meta.db_table}"'
    assert _reltuples() == OrgNode.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_also_vacuums(django_assert_num_queries: Any) -> None:
    OrgTree()
    with CaptureQueriesContext(connection) as queries:
        analyze(OrgNode)
    if connection.vendor == "postgresql":
        assert queries.captured_queries[0]["sql"] == f'VACUUM (ANALYZE) "{OrgNode._meta.db_table}"'
        assert _reltuples() == 4
    else:
        assert queries.captured_queries == []
