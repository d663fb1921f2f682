"""Import dry runs: row errors by file, row and column in Chinese; duplicates by the keyed ID hash are
linked, not registered twice; transferred time stays out of local totals; a dry run writes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import override_settings

from redvest.audit.models import AuditEntry
from redvest.exchange.models import BatchStatus, ReceivedVolunteer, TransferredService
from redvest.exchange.services import exchange_export_request, exchange_import_check, exchange_import_confirm
from redvest.exchange.tests.factories import county, package_files, package_upload, read_batch, upload_of
from redvest.records.models import ServiceTotal
from redvest.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _export(src, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        batch = exchange_export_request(actor=src.admin, org=src.county)
    return read_batch(batch)


def _rewrite(text: str, edit) -> str:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    for row in body:
        edit(dict(zip(header, row, strict=True)), row, header)
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    return out.getvalue()


def test_dry_run_reports_row_errors_and_writes_nothing(django_capture_on_commit_callbacks) -> None:
    src = county(people=2)
    files = package_files(_export(src, django_capture_on_commit_callbacks))

    def spoil(values, row, header):  # type: ignore[no-untyped-def]
        row[header.index("性别代码")] = "7"
        row[header.index("政治面貌代码")] = "99"

    files["volunteers.csv"] = _rewrite(files["volunteers.csv"], spoil)
    other = county(name="安吉县", code="330523", people=0)
    before = Volunteer.objects.count()
    batch = exchange_import_check(actor=other.admin, org=other.county, upload=package_upload(files))
    assert batch.status == BatchStatus.CHECKED
    fields = {(e["file"], e["row"], e["field"]) for e in batch.row_errors}
    assert ("volunteers.csv", 2, "性别代码") in fields
    assert ("volunteers.csv", 3, "政治面貌代码") in fields
    messages = {e["message"] for e in batch.row_errors}
    assert "性别代码无效（GB/T 2261.1：0、1、2、9）" in messages
    assert Volunteer.objects.count() == before
    assert not TransferredService.objects.exists()


def test_unreadable_package_is_a_file_error() -> None:
    src = county(people=0)
    from redvest.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        exchange_import_check(actor=src.admin, org=src.county, upload=upload_of(b"not a zip"))
    assert "file" in exc.value.errors


def test_known_person_is_a_duplicate_linked_and_time_is_transferred_not_credit(
    django_capture_on_commit_callbacks,
) -> None:
    """Another county's package naming a person already registered here: no second volunteer, their
    time arrives as 转入 and local totals do not move."""
    src = county(people=2)
    data = _export(src, django_capture_on_commit_callbacks)
    # The receiving county is in the same database: its people are the same people (same ID numbers).
    other = county(name="安吉县", code="330523", people=0)
    totals = list(ServiceTotal.objects.order_by("id").values_list("volunteer_id", "kind", "minutes"))
    count = Volunteer.objects.count()
    batch = exchange_import_check(actor=other.admin, org=other.county, upload=upload_of(data))
    assert batch.counts["志愿者"]["duplicates"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        exchange_import_confirm(actor=other.admin, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Volunteer.objects.count() == count
    assert ReceivedVolunteer.objects.filter(duplicate=True).count() == 2
    assert TransferredService.objects.filter(volunteer=src.volunteers[1], kind="credit").get().minutes == 120
    assert list(ServiceTotal.objects.order_by("id").values_list("volunteer_id", "kind", "minutes")) == totals


def test_a_different_exchange_key_is_caught_by_the_hash(django_capture_on_commit_callbacks) -> None:
    src = county(people=1)
    data = _export(src, django_capture_on_commit_callbacks)
    with override_settings(EXCHANGE_HASH_KEY="another-key"):
        batch = exchange_import_check(actor=src.admin, org=src.county, upload=upload_of(data))
    assert {e["field"] for e in batch.row_errors} >= {"证件号码摘要"}


def test_export_and_download_are_audited(django_capture_on_commit_callbacks) -> None:
    src = county(people=1)
    _export(src, django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(action="export", reason__contains="数据交换").exists()
