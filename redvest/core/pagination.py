"""The one page helper for pages (HTML views); API lists use ninja's @paginate (core.api_pagination).

Counts are capped: a list counts at most `settings.LIST_COUNT_CAP` + 1 rows (COUNT over a LIMITed
subquery), so a page costs the same in a county of 1,000 volunteers and in a province of 1,000,000;
below the cap the figure is exact, above it the page says "共 10,000+ 条" and its page links stop at
the cap. Lists whose pages go deep (the volunteer ledger, the hours ranking) also page by key
(`paginate_keyset`): "下一页"/"上一页" carry an opaque, signed cursor (`?after=` / `?before=`) holding the
sort key of the last (first) row shown, so page 3,000 costs what page 1 costs; `?page=N` still works
up to the cap (OFFSET stays below it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet

from redvest.core.errors import InvalidCursor

T = TypeVar("T")

MAX_SIZE = 200
CURSOR_SALT = "redvest.pagination.cursor"


class PageNumbers:
    """What the pager (`_pagination.html`) reads, for any page-like object with `count`, `number` and
    `size`: a selector's own page dataclass inherits it, so every pager shows the same links and total."""

    count: int
    number: int
    size: int
    capped: bool = False  # more than `count` rows: `count` is the cap
    by_key: bool = False  # paged by key: the links carry `after` / `before` cursors, not page numbers
    after: str = ""  # the cursors for the next and the previous page ("" when there is none)
    before: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_next(self) -> bool:
        return bool(self.after) if self.by_key else self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return bool(self.before) if self.by_key else self.number > 1

    @property
    def count_label(self) -> str:
        """The total as shown: "1,234", or "10,000+" past the cap."""
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


@dataclass
class Page(PageNumbers, Generic[T]):
    items: list[T]
    count: int
    number: int
    size: int
    capped: bool = False
    start: int = 0  # rows before this page (the rank of its first row is start + 1)
    by_key: bool = False
    after: str = ""
    before: str = ""


def parse_page(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _size(size: int | None) -> int:
    return min(max(1, size or settings.PAGE_SIZE), MAX_SIZE)


def count_capped(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """(rows, False) when the queryset holds at most `cap` rows, else (cap, True): one query that reads
    at most cap + 1 rows whatever the table's size (ordering dropped, so the database may stop early)."""
    cap = settings.LIST_COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return (cap, True) if found > cap else (found, False)


def paginate(qs: QuerySet[Any] | Sequence[Any], *, page: int = 1, size: int | None = None) -> Page[Any]:
    """One page of a queryset (one capped COUNT, one slice) or of a list already computed; a page past the
    last (or past the cap) is the last page. The API's lists use core.api_pagination instead."""
    size = _size(size)
    if isinstance(qs, QuerySet):
        count, capped = count_capped(qs)
    else:
        count, capped = len(qs), False
    number = min(max(1, page), max(1, -(-count // size)))
    offset = (number - 1) * size
    items = list(qs[offset : offset + size])
    return Page(items=items, count=count, number=number, size=size, capped=capped, start=offset)


# ---- keyset paging ------------------------------------------------------------------------------


def _fields(ordering: Sequence[str]) -> list[tuple[str, bool]]:
    """("-minutes", "volunteer_id") → [("minutes", True), ("volunteer_id", False)] (name, descending)."""
    return [(f.removeprefix("-"), f.startswith("-")) for f in ordering]


def _beyond(ordering: Sequence[str], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the row with these key values in `ordering`. The leading
    redundant bound (minutes <= m) lets the database walk the sort index from the cursor."""
    fields = _fields(ordering)
    either = Q()
    for i, (name, desc) in enumerate(fields):
        step = "lt" if desc == forward else "gt"
        term = Q(**{n: v for (n, _), v in zip(fields[:i], values[:i], strict=True)})
        either |= term & Q(**{f"{name}__{step}": values[i]})
    lead, lead_desc = fields[0]
    bound = Q(**{f"{lead}__{'lte' if lead_desc == forward else 'gte'}": values[0]})
    return bound & either


def _encode(ordering: Sequence[str], values: Sequence[Any], position: int) -> str:
    return signing.dumps([*values, position], salt=f"{CURSOR_SALT}:{','.join(ordering)}")


def _decode(ordering: Sequence[str], cursor: str, field: str) -> tuple[list[Any], int]:
    try:
        data = signing.loads(cursor, salt=f"{CURSOR_SALT}:{','.join(ordering)}")
    except signing.BadSignature as exc:
        raise InvalidCursor(field) from exc
    if (
        not isinstance(data, list)
        or len(data) != len(ordering) + 1
        or not all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in data)
        or not isinstance(data[-1], int)
        or data[-1] < 0
    ):
        raise InvalidCursor(field)
    return data[:-1], data[-1]


def keyset_cursor(ordering: Sequence[str], row: Any, position: int) -> str:
    """The cursor naming `row` (its key values) at `position` (rows before it in the list)."""
    return _encode(ordering, [getattr(row, name) for name, _ in _fields(ordering)], position)


def paginate_keyset(
    qs: QuerySet[Any],
    *,
    ordering: Sequence[str],
    page: int = 1,
    after: str = "",
    before: str = "",
    size: int | None = None,
) -> Page[Any]:
    """One page of `qs` sorted by `ordering` (its last field unique, e.g. ("-minutes", "volunteer_id")):
    after a cursor, before one, or page `page` by OFFSET (clamped to the cap). One capped COUNT and one
    query of size + 1 rows whatever the depth. A cursor that was not made here (edited, cut, from
    another list) raises InvalidCursor naming its parameter."""
    size = _size(size)
    qs = qs.order_by(*ordering)
    count, capped = count_capped(qs)
    more_before = False
    if after:
        values, start = _decode(ordering, after, "after")
        rows = list(qs.filter(_beyond(ordering, values, forward=True))[: size + 1])
        more_after, items = len(rows) > size, rows[:size]
    elif before:
        values, end = _decode(ordering, before, "before")
        reverse = [f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in ordering]
        rows = list(qs.filter(_beyond(ordering, values, forward=False)).order_by(*reverse)[: size + 1])
        more_before, items = len(rows) > size, rows[:size][::-1]
        # nothing before this page: it is the top, whatever the cursor's position said (rows may have left)
        start, more_after = (max(0, end - len(items)) if more_before else 0), True
    else:
        number = min(max(1, page), max(1, -(-count // size)))
        start = (number - 1) * size
        rows = list(qs[start : start + size + 1])
        more_after, items = len(rows) > size, rows[:size]
    return Page(
        items=items,
        count=max(count, start + len(items)) if not capped else count,
        number=start // size + 1,
        size=size,
        capped=capped,
        start=start,
        by_key=True,
        after=keyset_cursor(ordering, items[-1], start + len(items)) if items and more_after else "",
        before=keyset_cursor(ordering, items[0], start) if items and (start > 0 or more_before) else "",
    )
