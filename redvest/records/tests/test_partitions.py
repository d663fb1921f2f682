"""The ledger partitioned by year on PostgreSQL (migration 0010): where rows land, the yearly job, and the
integrity the database still enforces without foreign keys into the ledger."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import org_node
from redvest.records.models import ServiceRecord
from redvest.records.services import LedgerPartitions, ledger_partitions_ensure
from redvest.records.services.partitions import DEFAULT_PARTITION, ledger_partition_name
from redvest.records.tasks import ledger_partitions_ensure_periodic
from redvest.records.tests.factories import (
    AnomalyFactory,
    CorrectionProposalFactory,
    RecordDisputeFactory,
    ServiceRecordFactory,
)
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> OrgNode:
    return org_node()


on_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitioning is PostgreSQL's")
MISSING_ID = 2_000_000_000


def _partition_of(record: ServiceRecord) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM records_servicerecord WHERE id = %s", [record.pk])
        return str(cursor.fetchone()[0])


def _check_deferred() -> None:
    """Run the deferred checks now (they run at commit; a test never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _refused(sql: str, params: list[object], match: str) -> None:
    with pytest.raises(IntegrityError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@on_postgres
def test_the_ledger_is_partitioned_by_range_of_served_on() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'records_servicerecord'::regclass"
        )
        assert cursor.fetchall() == [("r", "served_on")]
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'records_servicerecord'::regclass")
        this_year = timezone.localdate().year
        # last, this and next year, and the default partition
        assert cursor.fetchone()[0] >= 4
    for year in (this_year - 1, this_year, this_year + 1):
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [ledger_partition_name(year)])
            assert cursor.fetchone()[0] is not None


@on_postgres
def test_rows_land_in_the_partition_of_their_year_or_the_default_one(org: OrgNode) -> None:
    today = timezone.localdate()
    this_year = ServiceRecordFactory(volunteer=VolunteerFactory(org=org), served_on=today)
    last_year = ServiceRecordFactory(volunteer=this_year.volunteer, served_on=today.replace(year=today.year - 1))
    long_ago = ServiceRecordFactory(volunteer=this_year.volunteer, served_on=datetime.date(2001, 5, 1))
    assert _partition_of(this_year) == ledger_partition_name(today.year)
    assert _partition_of(last_year) == ledger_partition_name(today.year - 1)
    assert _partition_of(long_ago) == DEFAULT_PARTITION
    # Django still reads and locks a row by id alone.
    assert ServiceRecord.objects.get(pk=long_ago.pk).served_on == datetime.date(2001, 5, 1)
    with transaction.atomic():
        assert ServiceRecord.objects.select_for_update(of=("self",)).get(pk=this_year.pk) == this_year


@on_postgres
def test_the_job_creates_next_years_partition_once(org: OrgNode) -> None:
    ahead = timezone.localdate().year + 2  # the migration made up to next year
    first = ledger_partitions_ensure(today=datetime.date(ahead - 1, 12, 1), years_ahead=1)
    assert first == LedgerPartitions(created=[ahead], moved_rows=0)
    assert ledger_partitions_ensure(today=datetime.date(ahead - 1, 12, 1), years_ahead=1) == LedgerPartitions()
    record = ServiceRecordFactory(volunteer=VolunteerFactory(org=org), served_on=datetime.date(ahead, 3, 1))
    assert _partition_of(record) == ledger_partition_name(ahead)


@on_postgres
def test_the_periodic_task_ensures_this_and_next_year() -> None:
    result = ledger_partitions_ensure_periodic.enqueue().return_value
    assert result["skipped"] is False
    assert result["result"] == {"created": [], "moved_rows": 0}  # the migration made both already


@on_postgres
def test_rows_waiting_in_the_default_partition_move_into_the_new_one(org: OrgNode) -> None:
    year = timezone.localdate().year + 3
    volunteer = VolunteerFactory(org=org)
    waiting = [ServiceRecordFactory(volunteer=volunteer, served_on=datetime.date(year, m, 1)) for m in (1, 12)]
    other = ServiceRecordFactory(volunteer=volunteer, served_on=datetime.date(year + 1, 1, 1))
    assert {_partition_of(r) for r in [*waiting, other]} == {DEFAULT_PARTITION}
    _check_deferred()  # the inserts' checks, pending until commit, would block moving rows

    assert ledger_partitions_ensure(today=datetime.date(year, 1, 1), years_ahead=0) == LedgerPartitions(
        created=[year], moved_rows=2
    )
    assert [_partition_of(r) for r in waiting] == [ledger_partition_name(year)] * 2
    assert _partition_of(other) == DEFAULT_PARTITION
    assert list(ServiceRecord.objects.filter(volunteer=volunteer).order_by("id")) == [*waiting, other]
    with connection.cursor() as cursor:  # the default partition is attached again, with the ledger's trigger
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = 'records_ledger_append_only'",
            [DEFAULT_PARTITION],
        )
        assert cursor.fetchone()[0] == 1
    _refused("DELETE FROM records_servicerecord WHERE id = %s", [other.pk], "append-only")


@on_postgres
def test_the_database_refuses_updating_or_deleting_a_ledger_row(org: OrgNode) -> None:
    record = ServiceRecordFactory(volunteer=VolunteerFactory(org=org))
    _refused("UPDATE records_servicerecord SET minutes = 1 WHERE id = %s", [record.pk], "append-only")
    _refused("UPDATE records_servicerecord SET id = id + 1000 WHERE id = %s", [record.pk], "append-only")
    _refused("DELETE FROM records_servicerecord WHERE id = %s", [record.pk], "append-only")
    assert ServiceRecord.objects.get(pk=record.pk).minutes == record.minutes


@on_postgres
def test_deleting_the_user_who_wrote_an_entry_still_nulls_the_link(org: OrgNode) -> None:
    user = UserFactory()
    record = ServiceRecordFactory(volunteer=VolunteerFactory(org=org), created_by=user)
    user.delete()
    reloaded = ServiceRecord.objects.get(pk=record.pk)
    assert reloaded.created_by_id is None
    assert reloaded.minutes == record.minutes


@on_postgres
@pytest.mark.parametrize("column", ["reverses_id", "corrects_id"])
def test_a_ledger_entry_fixing_a_missing_entry_is_refused(org: OrgNode, column: str) -> None:
    volunteer = VolunteerFactory(org=org)
    ServiceRecordFactory(volunteer=volunteer, **{column: MISSING_ID})
    with pytest.raises(IntegrityError, match=f"{column} = {MISSING_ID}"):
        _check_deferred()


@on_postgres
def test_a_reversal_on_another_day_than_the_entry_it_reverses_is_refused(org: OrgNode) -> None:
    old = ServiceRecordFactory(volunteer=VolunteerFactory(org=org))
    ServiceRecordFactory(volunteer=old.volunteer, reverses=old, served_on=old.served_on - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError, match="no such row served on"):
        _check_deferred()


@on_postgres
def test_a_second_reversal_of_one_entry_is_refused(org: OrgNode) -> None:
    old = ServiceRecordFactory(volunteer=VolunteerFactory(org=org))
    ServiceRecordFactory(volunteer=old.volunteer, reverses=old, served_on=old.served_on, minutes=-old.minutes)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecordFactory(volunteer=old.volunteer, reverses=old, served_on=old.served_on, minutes=-old.minutes)
    _check_deferred()  # the first reversal is sound


def _dispute(volunteer: Volunteer) -> int:
    return RecordDisputeFactory(record__volunteer=volunteer).pk


def _anomaly(volunteer: Volunteer) -> int:
    return AnomalyFactory(volunteer=volunteer, record=ServiceRecordFactory(volunteer=volunteer)).pk


def _proposal(volunteer: Volunteer) -> int:
    return CorrectionProposalFactory(record__volunteer=volunteer).pk


@on_postgres
@pytest.mark.parametrize(
    ("table", "column", "make"),
    [
        ("records_recorddispute", "record_id", _dispute),
        ("records_anomaly", "record_id", _anomaly),
        ("records_correctionproposal", "record_id", _proposal),
        ("records_correctionproposal", "correction_id", _proposal),
    ],
)
def test_a_reference_to_a_missing_ledger_entry_is_refused(
    org: OrgNode, table: str, column: str, make: Callable[[Volunteer], int]
) -> None:
    pk = make(VolunteerFactory(org=org))
    _check_deferred()
    _refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", [MISSING_ID, pk], f"{column} = {MISSING_ID}")
    with connection.cursor() as cursor:  # an existing entry is accepted
        entry = ServiceRecordFactory(volunteer=VolunteerFactory(org=org))
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [entry.pk, pk])
    _check_deferred()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's ledger is one table")
def test_the_job_does_nothing_on_sqlite(org: OrgNode) -> None:
    assert ledger_partitions_ensure(today=timezone.localdate()) == LedgerPartitions()
    record = ServiceRecordFactory(volunteer=VolunteerFactory(org=org), served_on=datetime.date(2001, 5, 1))
    assert ServiceRecord.objects.get(pk=record.pk).served_on.year == 2001
