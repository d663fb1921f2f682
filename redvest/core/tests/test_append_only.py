"""Every append-only table goes through the one guard in core and refuses with a core AppendOnlyError."""

from __future__ import annotations

import pytest
from django.apps import apps

from redvest.core.append_only import AppendOnlyModel
from redvest.core.errors import AppendOnlyError

pytestmark = pytest.mark.django_db


def _append_only_models() -> list[type[AppendOnlyModel]]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def test_service_records_points_entries_and_audit_entries_share_the_core_guard() -> None:
    labels = {m._meta.label for m in _append_only_models()}
    assert {"records.ServiceRecord", "points.PointsTransaction", "points.PointsEntry", "audit.AuditEntry"} <= labels


@pytest.mark.parametrize("model", _append_only_models(), ids=lambda m: m._meta.label)
def test_bulk_update_and_delete_are_refused_with_the_tables_own_append_only_error(model: type[AppendOnlyModel]) -> None:
    with pytest.raises(AppendOnlyError) as updating:
        model._default_manager.all().update(pk=1)
    with pytest.raises(AppendOnlyError) as deleting:
        model._default_manager.all().delete()
    assert type(updating.value) is type(deleting.value) is model.append_only_error
    assert updating.value.status == 409 and updating.value.message
