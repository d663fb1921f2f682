"""The audit log is append-only by the same core guard as the service and points ledgers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.errors import AuditAppendOnly
from redvest.audit.models import AuditEntry
from redvest.audit.services import audit_record
from redvest.core.append_only import AppendOnlyModel
from redvest.orgs.tests.factories import OrgTree
from redvest.points.models import PointsEntry, PointsTransaction
from redvest.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def _entry() -> AuditEntry:
    tree = OrgTree()
    return audit_record(actor=UserFactory(), action="update", target=tree.town_a, org=tree.town_a, after={"name": "甲"})


def test_audit_entry_cannot_be_saved_again() -> None:
    entry = _entry()
    entry.reason = "改写历史"
    with pytest.raises(AuditAppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_audit_entry_cannot_be_deleted_one_by_one_or_in_bulk() -> None:
    entry = _entry()
    with pytest.raises(AuditAppendOnly):
        entry.delete()
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_entry_cannot_be_bulk_updated() -> None:
    entry = _entry()
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改写")
    entry.reason = "改写"
    with pytest.raises(AuditAppendOnly), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_audit_entry_with_a_preset_id_is_refused_instead_of_overwriting() -> None:
    entry = _entry()
    with pytest.raises(AuditAppendOnly):
        AuditEntry(pk=entry.pk, action="delete", target_type="x", target_id="1").save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "update"


def test_deleting_the_actor_keeps_the_audit_row() -> None:
    entry = _entry()
    assert entry.actor is not None
    entry.actor.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_id is None and kept.after == {"name": "甲"}


def test_the_error_is_a_chinese_conflict() -> None:
    error = AuditAppendOnly()
    assert error.status == 409 and "审计日志只能追加" in error.message


@pytest.mark.parametrize("model", [AuditEntry, ServiceRecord, PointsEntry, PointsTransaction])
def test_every_ledger_uses_the_one_core_guard(model: Any) -> None:
    assert issubclass(model, AppendOnlyModel)
    assert model.objects.none().update.__qualname__ == "AppendOnlyQuerySet.update"
