"""One way to page a queryset, for pages and API alike."""

from __future__ import annotations

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


def paginate(qs: QuerySet[Any], *, page: int = 1, size: int | None = None) -> Page[Any]:
    size = min(max(1, size or settings.PAGE_SIZE), 200)
    count = qs.count()
    number = min(max(1, page), max(1, -(-count // size)))
    offset = (number - 1) * size
    return Page(items=list(qs[offset : offset + size]), count=count, number=number, size=size)
