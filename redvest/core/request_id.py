"""A request id on every log line: taken from the proxy's X-Request-ID (nginx `$request_id`) or made here,
sent back in the response header, and carried into the background tasks a request enqueues.

Not django-guid (it admits no Django 6 on Python 3.12) nor django-log-request-id (it trusts the header
verbatim and keeps the id in a thread local): the id lives in a context variable, and a header value is
taken only when it looks like an id, so a client cannot write arbitrary text into the logs.

Tasks: a task row created while an id is set stores it beside its arguments (`args_kwargs["request_id"]`,
a key django-tasks-db does not read), so a task enqueued by a task keeps the original id too; the worker
sets it for the task's run (`task_started`) and clears it afterwards (`task_finished`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
TASK_KEY = "request_id"

_current: ContextVar[str | None] = ContextVar("redvest_request_id", default=None)
_task_tokens: dict[str, Token[str | None]] = {}


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str | None:
    """The header's value if it is a plausible id (8–64 letters, digits, `._:-`), else None."""
    if value and _VALID.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    """Outermost but for the metrics middleware: every later middleware's log lines carry the id. The id is
    cleared when the request is finished (`request_finished`), not here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = accepted_request_id(request.META.get(_META_KEY)) or new_request_id()
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def request_finished(sender: Any, **kwargs: Any) -> None:
    """Receiver of Django's `request_finished`: the id stays set until then, so the lines Django writes
    after the middleware (django.request's "Bad Request: …", "Internal Server Error: …") carry it too."""
    _current.set(None)


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record (empty outside a request or task), for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or ""
        return True


def stamp_task_row(sender: type, instance: Any, **kwargs: Any) -> None:
    """pre_save of django-tasks-db's DBTaskResult: a new row remembers the id it was enqueued under."""
    request_id = _current.get()
    if request_id and instance._state.adding and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs.setdefault(TASK_KEY, request_id)


def task_started(sender: type, task_result: Any, **kwargs: Any) -> None:
    """In the worker: the task runs under the id stored in its row (the immediate backend has no row and
    runs inside the request, whose id is already set)."""
    db_result = getattr(task_result, "db_result", None)
    args_kwargs = getattr(db_result, "args_kwargs", None)
    if isinstance(args_kwargs, dict):
        request_id = accepted_request_id(args_kwargs.get(TASK_KEY))
        _task_tokens[str(task_result.id)] = _current.set(request_id)


def task_finished(sender: type, task_result: Any, **kwargs: Any) -> None:
    token = _task_tokens.pop(str(task_result.id), None)
    if token is not None:
        _current.reset(token)
