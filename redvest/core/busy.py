"""A database lock timeout is load, not a bug: answer 503 with Retry-After and a Chinese message, never 500.

SQLite says "database is locked" once its busy timeout passes while another connection writes;
PostgreSQL raises lock_not_available (lock_timeout / NOWAIT), serialization_failure or
deadlock_detected. Django wraps each as `OperationalError` with the driver's error as `__cause__`.
The middleware covers the pages and the API (ninja re-raises unknown errors), `install_api_handler`
the API under DEBUG too, and `server_error` whatever fails outside a view (e.g. saving the session).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

BUSY_CODE = "database_busy"
BUSY_MESSAGE = "系统繁忙：数据正被其他操作占用，请稍后重试"
RETRY_AFTER_SECONDS = 5
SQLITE_LOCKED = ("database is locked", "database table is locked")
# lock_not_available, serialization_failure, deadlock_detected
POSTGRES_BUSY_STATES = frozenset({"55P03", "40001", "40P01"})


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True for a lock wait that timed out or a transaction the database refused to serialise."""
    if not isinstance(exc, OperationalError):
        return False
    if any(text in str(exc).lower() for text in SQLITE_LOCKED):
        return True
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in POSTGRES_BUSY_STATES


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 + Retry-After: JSON `{"code","message","errors"}` under /api/, a small Chinese page otherwise
    (standalone: it must render without touching the busy database)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": BUSY_CODE, "message": BUSY_MESSAGE, "errors": {}}, status=503)
    else:
        html = render_to_string("core/busy.html", {"message": BUSY_MESSAGE, "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _log(request: HttpRequest, exc: BaseException) -> None:
    logger.warning("database busy on %s %s: %s", request.method, request.path, exc)


class LockTimeoutMiddleware:
    """Turns a lock timeout raised by a view into the 503 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_lock_timeout(exception):
            return None
        _log(request, exception)
        return busy_response(request)


def install_api_handler(api: NinjaAPI) -> None:
    """The same answer inside the API (ninja's own fallback shows a traceback under DEBUG)."""

    def on_operational_error(request: HttpRequest, exc: OperationalError | type[OperationalError]) -> HttpResponse:
        if not isinstance(exc, OperationalError) or not is_lock_timeout(exc):
            raise exc
        _log(request, exc)
        return busy_response(request)

    api.add_exception_handler(OperationalError, on_operational_error)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a lock timeout outside any view (middleware, session save) is still a 503."""
    exc = sys.exc_info()[1]
    if is_lock_timeout(exc):
        return busy_response(request)
    return django_server_error(request, template_name=template_name)
