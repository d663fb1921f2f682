"""The SQLite JSON probe does not wait for the write lock (a worker starting during an import saw E180)."""

from __future__ import annotations

import copy

import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError

from redvest.core.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def _second_connection(busy_ms: int) -> DatabaseWrapper:
    """A new connection to the same file that gives up on a lock after `busy_ms`."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    options = settings_dict["OPTIONS"]
    options["timeout"] = busy_ms / 1000
    options["init_command"] = options["init_command"].replace("busy_timeout=20000", f"busy_timeout={busy_ms}")
    return DatabaseWrapper(settings_dict, alias="second")


@pytest.mark.django_db(transaction=True)
def test_json_support_is_detected_while_another_connection_holds_the_write_lock() -> None:
    second = _second_connection(busy_ms=300)
    try:
        with transaction.atomic():  # BEGIN IMMEDIATE: this connection now holds the write lock
            connection.cursor().execute("UPDATE volunteers_volunteerimport SET message = message")
            with pytest.raises(OperationalError, match="database is locked"), second.cursor() as cursor:
                cursor.execute("UPDATE volunteers_volunteerimport SET message = message")
            # Django's own probe waited for the lock here and cached False: fields.E180 on every JSONField.
            assert second.features.supports_json_field is True
    finally:
        second.close()
