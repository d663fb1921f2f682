"""On PostgreSQL the service-record ledger is partitioned (records migration 0010) and the three points
references into it are constraint triggers, not foreign keys: each still refuses an id with no ledger row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from redvest.activities.models import ServiceCategory
from redvest.points.models import ClaimSource, PointsTransaction, RecordPosting
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import PointsClaimFactory
from redvest.records.models import RecordKind, RecordSource, ServiceRecord
from redvest.records.services import record_append

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the ledger is partitioned on PostgreSQL")
MISSING_ID = 2_000_000_000


def _record(bank: Bank) -> ServiceRecord:
    return record_append(
        actor=None,
        volunteer=bank.volunteer,
        kind=RecordKind.CREDIT,
        source=RecordSource.MAKEUP,
        category=ServiceCategory.COMMUNITY,
        minutes=120,
        served_on=timezone.localdate(),
    )


def _check_deferred() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [
        ("points_pointstransaction", "service_record_id", "id"),
        ("points_pointsclaim", "service_record_id", "id"),
        ("points_recordposting", "record_id", "record_id"),
    ],
)
def test_a_points_row_pointing_at_a_missing_ledger_entry_is_refused(
    bank: Bank, table: str, column: str, key: str
) -> None:
    record = _record(bank)  # posts its points: a RecordPosting and an earning transaction
    rows = {
        "points_pointstransaction": PointsTransaction.objects.get(service_record=record).pk,
        "points_pointsclaim": PointsClaimFactory(
            volunteer=bank.volunteer, source=ClaimSource.SERVICE, service_record=_record(bank)
        ).pk,
        "points_recordposting": RecordPosting.objects.get(record=record).pk,
    }
    _check_deferred()
    refused = pytest.raises(IntegrityError, match=f"{column} = {MISSING_ID}")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {key} = %s", [MISSING_ID, rows[table]])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert RecordPosting.objects.get(record=record).points == 20
