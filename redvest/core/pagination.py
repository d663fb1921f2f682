"""The one page helper for pages (HTML views); API lists use ninja's @paginate (core.api_pagination)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    count: int
    number: int
    size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def parse_page(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def paginate(qs: QuerySet[Any] | Sequence[Any], *, page: int = 1, size: int | None = None) -> Page[Any]:
    """One page of a queryset (one COUNT, one slice) or of a list already computed; a page past the
    last is the last page. The API's lists use core.api_pagination instead."""
    size = min(max(1, size or settings.PAGE_SIZE), 200)
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    number = min(max(1, page), max(1, -(-count // size)))
    offset = (number - 1) * size
    return Page(items=list(qs[offset : offset + size]), count=count, number=number, size=size)
