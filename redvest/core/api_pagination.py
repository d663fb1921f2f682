"""The one API pagination: django-ninja's `@paginate` with the `PageNumber` class below.

A list endpoint declares `response=list[ItemOut]`, returns its (already scoped) queryset or list and
is decorated with `@paginate` from here; ninja adds the `page` and `page_size` query parameters and
answers `{"items": [...], "count": N, "count_capped": false}` with one count and one slice. The count is
capped like the pages' (core.pagination.count_capped): past `settings.LIST_COUNT_CAP` rows, `count` is
the cap and `count_capped` is true, so the count costs the same at any size. Pages (HTML views) use
`redvest.core.pagination.paginate` instead.

Both parameters are bounded so a wrong value is a 422 naming the field (like every schema error), never
a database error: `page` stops at the 32-bit range, so OFFSET = (page - 1) × page_size stays far below
PostgreSQL's bigint limit. A page past the last one is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, get_type_hints

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field
from ninja.pagination import PageNumberPagination
from ninja.pagination import paginate as ninja_paginate

from redvest.core.pagination import Page, count_capped
from redvest.core.schemas import INT32_MAX

MAX_PAGE_SIZE = 200

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
R = TypeVar("R")


class PageNumber(PageNumberPagination):
    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=INT32_MAX, description="页码，从 1 开始")
        page_size: int = Field(settings.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数（1–200）")

    class Output(PageNumberPagination.Output):
        count: int = Field(description="总条数；超过上限（count_capped 为 true）时为上限")
        count_capped: bool = Field(False, description="总条数超过上限，实际更多")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=settings.PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> dict[str, Any]:
        size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * size
        items = queryset[offset : offset + size]  # first: a Fetched source learns its count from its page
        count, capped = counted(queryset)
        return {self.items_attribute: items, "count": count, "count_capped": capped}


def counted(source: Any) -> tuple[int, bool]:
    """(count, capped) of what a list operation returned: a capped count for a queryset."""
    if isinstance(source, QuerySet):
        return count_capped(source)
    if isinstance(source, (Rows, Fetched)):
        return source.counted()
    return len(source), False


def paginate(handler: F) -> F:
    """ninja's `@paginate(PageNumber)` for a handler returning a queryset or list.

    ninja resolves the handler's parameter annotations in its wrapper's module, where our modules'
    postponed annotations (`from __future__ import annotations`) name nothing; they are resolved here,
    in the handler's own module, first."""
    resolved = get_type_hints(handler, include_extras=True)
    handler.__annotations__.update({name: hint for name, hint in resolved.items() if name != "return"})
    return ninja_paginate(PageNumber)(handler)


class Rows(Generic[T, R]):
    """A queryset or list whose page is turned into output rows after slicing, in one call for the
    page (a batch lookup, or a converter per row), so the work stays one page's worth.

    It is counted once (one capped COUNT for a queryset) and sliced once."""

    def __init__(self, source: QuerySet[Any] | Sequence[T], build: Callable[[list[T]], list[R]]) -> None:
        self.source = source
        self.build = build

    def counted(self) -> tuple[int, bool]:
        return count_capped(self.source) if isinstance(self.source, QuerySet) else (len(self.source), False)

    def __len__(self) -> int:
        return self.counted()[0]

    def __getitem__(self, window: slice) -> list[R]:
        return self.build(list(self.source[window]))


def each(source: QuerySet[Any] | Sequence[T], convert: Callable[[T], R]) -> Rows[T, R]:
    """`source` with every row of the page passed through `convert`."""
    return Rows(source, lambda rows: [convert(row) for row in rows])


class Fetched(Generic[R]):
    """A selector that pages itself (it orders in Python, or computes figures for one page only), as
    something ninja can paginate: its one slice, at (page - 1) × size, becomes one call
    `fetch(page, size)` returning a `Page`, and len() is that page's count (ninja slices first, then
    counts, so the count costs nothing more). A page past the last one is empty, as for a queryset."""

    def __init__(self, fetch: Callable[[int, int], Page[Any]], convert: Callable[[Any], R] | None = None) -> None:
        self.fetch = fetch
        self.convert = convert
        self.count: int | None = None
        self.capped = False

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = int(window.start or 0), int(window.stop)
        size = max(1, stop - start)
        number = start // size + 1
        found = self.fetch(number, size)
        self.count, self.capped = found.count, found.capped
        if found.number != number:  # the selector fell back to its last page
            return []
        return [self.convert(row) for row in found.items] if self.convert else list(found.items)

    def counted(self) -> tuple[int, bool]:
        if self.count is None:
            self[0:1]
        return int(self.count or 0), self.capped

    def __len__(self) -> int:
        return self.counted()[0]
