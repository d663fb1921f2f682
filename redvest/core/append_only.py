"""One guard for every append-only table (service records, points ledger, audit log).

A row is written once: saving an existing row, deleting it, and bulk `update()`/`delete()` (which would
bypass totals, balances and the trail) raise the model's `append_only_error`, a subclass of the 409
`core.errors.AppendOnlyError` with a Chinese message naming the table. Corrections are new rows. Deleting
a referenced user or org still nulls the link (Django's collector updates rows without going through the
queryset), so history survives them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from redvest.core.errors import AppendOnlyError


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused (`bulk_update` goes through `update` too)."""

    def _refuse(self) -> AppendOnlyError:
        error: type[AppendOnlyError] = getattr(self.model, "append_only_error", AppendOnlyError)
        return error()

    def update(self, **kwargs: Any) -> int:
        raise self._refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise self._refuse()


class AppendOnlyModel(models.Model):
    """Insert only. A preset primary key is refused too: Django would try an UPDATE of that row first."""

    append_only_error: ClassVar[type[AppendOnlyError]] = AppendOnlyError

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise self.append_only_error()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise self.append_only_error()
