"""Django's SQLite backend with one fix: the JSON support probe takes no write lock.

Django probes `SELECT JSON(...)` inside `transaction.atomic()`, which with our
`transaction_mode: IMMEDIATE` is `BEGIN IMMEDIATE`: it waits for the write lock. While a long import
held it, the probe timed out, cached "no JSON support" for the connection's life and the system checks
of a starting worker (or `migrate`) reported fields.E180 ("SQLite does not support JSONFields") for every
JSONField. A plain SELECT in autocommit needs no lock, so probe that way; inside a transaction we hold
the lock already and a savepoint is enough. A lock error is raised, never read as "unsupported".
"""

from __future__ import annotations

from django.db import transaction
from django.db.backends.sqlite3 import base, features
from django.db.utils import OperationalError
from django.utils.functional import cached_property

from redvest.core.busy import is_lock_timeout


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def supports_json_field(self) -> bool:  # type: ignore[override]  # a cached_property in Django too
        with self.connection.cursor() as cursor:
            try:
                if self.connection.in_atomic_block:
                    with transaction.atomic(self.connection.alias):
                        cursor.execute('SELECT JSON(\'{"a": "b"}\')')
                else:
                    cursor.execute('SELECT JSON(\'{"a": "b"}\')')
            except OperationalError as exc:
                if is_lock_timeout(exc):
                    raise
                return False
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
