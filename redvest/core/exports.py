"""Background exports that an app below dashboards asks for from its own page (the volunteer ledger
with the list's filters, the pioneer ranking, training hours).

An export of unbounded size never runs inside a request: the owning app declares an `ExportKind` (its
columns and how to count and read its rows, in chunks) from its `AppConfig.ready()`, and its service
checks access, decides the masking and writes the audit row, then calls `export_enqueue`. The job
itself — the `DataExport` row with its progress, heartbeat, retry and download — belongs to dashboards
(数据导出), which registers the queue from its `ready()` (dashboards sits above every app, so the
apps reach it through this registry, never by import). The rows are written by `core.excel`'s
streaming writers in either format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass(frozen=True)
class ExportSource:
    """What a background export reads: the requesting user's scope, the org it was asked for, the
    parameters the page passed (JSON), and whether ID numbers and phones are written in full."""

    user: User
    org: Any  # an orgs.OrgNode or None (core does not import orgs)
    params: dict[str, Any]
    sensitive: bool


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: `count` is the total for the progress bar (one query), `rows` yields each
    row's values in column order, a chunk of rows per query batch (never one query per row)."""

    key: str
    label: str
    headers: tuple[str, ...]
    count: Callable[[ExportSource], int]
    rows: Callable[[ExportSource], Iterator[Sequence[Any]]]
    widths: tuple[int, ...] = ()
    title: Callable[[ExportSource], str] | None = None  # a line above the header, when the sheet has one


@dataclass(frozen=True)
class ExportTicket:
    """A queued export: its id, the page fragment polled for its progress, and its API address."""

    id: int
    status_url: str
    api_url: str
    download_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


ExportQueue = Callable[..., ExportTicket]
_kinds: dict[str, ExportKind] = {}
_queue: list[ExportQueue] = []


def export_kind_register(kind: ExportKind) -> None:
    """Called from the owning app's `ready()`; the same key registered again keeps the latest."""
    _kinds[kind.key] = kind


def export_kinds() -> dict[str, ExportKind]:
    return dict(_kinds)


def export_queue_register(queue: ExportQueue) -> None:
    """Called once from dashboards' `ready()`: the function that creates and queues the job."""
    _queue[:] = [queue]


def export_enqueue(
    *, kind: str, actor: User, org: Any, params: dict[str, Any], fmt: str, sensitive: bool
) -> ExportTicket:
    """Queue a registered kind of export (inside the caller's transaction: the job starts on commit)."""
    if kind not in _kinds:
        raise LookupError(f"export kind {kind!r} is not registered")
    if not _queue:
        raise LookupError("no export queue registered (dashboards is not installed)")
    return _queue[0](kind=kind, actor=actor, org=org, params=params, fmt=fmt, sensitive=sensitive)


def export_started(request: HttpRequest, ticket: ExportTicket, *, label: str, back_url: str = "") -> HttpResponse:
    """The page (or, for htmx, the fragment) a user sees after asking for an export: the job's progress,
    polled until the download link appears."""
    context = {"ticket": ticket, "label": label, "back_url": back_url}
    if getattr(request, "htmx", False):
        return render(request, "core/_export_started.html", context, status=202)
    return render(request, "core/export_started.html", context)
