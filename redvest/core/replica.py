"""Read routing to a streaming replica (`DATABASE_REPLICA_URL`), with the primary as the fallback.

Reads go to the replica only where code opts in: views decorated with `read_from_replica` (dashboards,
public pages) and blocks under `replica_reads()` (report draft figures, export rows). Everything else,
every write and every read inside a write transaction, goes to the primary. A request that has just
written reads its own writes: `PinPrimaryAfterWrite` pins the writing request to the primary and sets a
short cookie (`REPLICA_PIN_SECONDS`) that pins the same client's next requests too. The replica is
probed at most every `REPLICA_CHECK_SECONDS`; down or lagging past `REPLICA_MAX_LAG_SECONDS`, reads stay
on the primary, and a view whose replica query fails is run again on the primary: never a 5xx for it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)

PIN_COOKIE = "rv_primary"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Tables read right after their write in the same request wherever they are (login, lockout).
_PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})

# PostgreSQL: seconds the standby's replay is behind; 0 when it has replayed all it received (an idle
# primary writes nothing, so the last replay timestamp ages without any lag) or on a primary.
_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

OK = "ok"
LAGGING = "lagging"
DOWN = "down"
OFF = "off"


@dataclass(frozen=True)
class ReplicaStatus:
    state: str  # ok | lagging | down | off
    lag_seconds: float | None = None
    checked: float = 0.0  # time.monotonic() of the probe


@dataclass
class _Scope:
    within_writes: bool
    used: bool = False  # a query went to the replica
    wrote: bool = False  # a write went to the primary: later reads follow it there


_scope: ContextVar[_Scope | None] = ContextVar("redvest_replica_scope", default=None)
_request_pinned: ContextVar[bool] = ContextVar("redvest_replica_pinned", default=False)
_request_wrote: ContextVar[bool] = ContextVar("redvest_replica_wrote", default=False)
_status: dict[str, ReplicaStatus] = {}


def replica_alias() -> str:
    """The replica's alias in DATABASES, or "" when none is configured."""
    return str(getattr(settings, "REPLICA_DATABASE", "") or "")


def _probe(alias: str) -> ReplicaStatus:
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            cursor.execute(_LAG_SQL if conn.vendor == "postgresql" else "SELECT 0")
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica %s unreachable: reads stay on the primary", alias, exc_info=True)
        with suppress(DatabaseError):
            conn.close()
        return ReplicaStatus(DOWN, None, time.monotonic())
    lag = float(row[0] or 0) if row else 0.0
    state = OK if lag <= settings.REPLICA_MAX_LAG_SECONDS else LAGGING
    return ReplicaStatus(state, round(lag, 3), time.monotonic())


def replica_status(*, fresh: bool = False) -> ReplicaStatus:
    """The replica's state, probed at most every REPLICA_CHECK_SECONDS in this process (`fresh`: now)."""
    alias = replica_alias()
    if not alias:
        return ReplicaStatus(OFF)
    known = _status.get(alias)
    if not fresh and known is not None and time.monotonic() - known.checked < settings.REPLICA_CHECK_SECONDS:
        return known
    _status[alias] = status = _probe(alias)
    return status


def replica_mark_down() -> None:
    """A query on the replica failed: read from the primary until the next probe is due."""
    alias = replica_alias()
    if alias:
        _status[alias] = ReplicaStatus(DOWN, None, time.monotonic())


@contextmanager
def replica_reads(*, within_writes: bool = False) -> Iterator[_Scope]:
    """Reads inside may go to the replica (when configured, healthy, and this request has not written).
    `within_writes`: also inside a write transaction and after a write in the block — for reads of other
    tables whose few seconds of lag do not matter (a report's figures, an export's rows)."""
    scope = _Scope(within_writes=within_writes)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def read_from_replica(view: F) -> F:
    """A read-only view (GET/HEAD) or API operation reads from the replica; if a replica query fails, it runs
    again on the primary. The session and the signed-in user are loaded from the primary first."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in READ_METHODS or not replica_alias():
            return view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018  (loads the session and user from the primary, outside the scope)
        with replica_reads() as scope:
            try:
                return view(request, *args, **kwargs)
            except DatabaseError:
                if not scope.used:
                    raise
                logger.warning("replica query failed: %s answered from the primary", request.path, exc_info=True)
                replica_mark_down()
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]  # same signature as `view`


class ReplicaRouter:
    """Reads in a `replica_reads` scope go to the replica when it is usable; all else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        scope = _scope.get()
        alias = replica_alias()
        # Every read is decided here (never None): Django would otherwise follow a row's own database.
        if scope is None or not alias or _request_pinned.get() or model._meta.app_label in _PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if not scope.within_writes and (scope.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, alias):
            return DEFAULT_DB_ALIAS  # rows related to a row read from the primary are read there too
        if replica_status().state != OK:
            return DEFAULT_DB_ALIAS
        scope.used = True
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _request_wrote.set(True)
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == settings.REPLICA_ALIAS else None


class PinPrimaryAfterWrite:
    """Pins a writing request (POST/PUT/PATCH/DELETE, or any request that wrote) to the primary, and the
    same client's requests for REPLICA_PIN_SECONDS after it (a cookie), so users read their own writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not replica_alias():
            return self.get_response(request)
        writes = request.method not in READ_METHODS
        pinned = _request_pinned.set(writes or PIN_COOKIE in request.COOKIES)
        wrote = _request_wrote.set(False)
        try:
            response = self.get_response(request)
            if writes or _request_wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        finally:
            _request_wrote.reset(wrote)
            _request_pinned.reset(pinned)
        return response
