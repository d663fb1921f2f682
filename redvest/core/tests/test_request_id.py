"""The request id: header in and out, on every log line (JSON when LOG_FORMAT=json), and into the tasks a
request enqueues, as the worker runs them."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from redvest.accounts.tests.factories import UserFactory
from redvest.core import request_id
from redvest.core.request_id import RequestIdFilter, RequestIdMiddleware, current_request_id
from redvest.core.services import notification_send

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": django_settings.TASK_QUEUES}}


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The settings' JSON formatter and request-id filter on a buffer, for the loggers the tests write to."""
    stream = io.StringIO()
    formatter = logging.config.DictConfigurator(django_settings.LOGGING).configure_formatter(
        dict(django_settings.LOGGING["formatters"]["json"])
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("redvest", "django.tasks", "django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield stream
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_a_response_carries_a_new_request_id(client: Client) -> None:
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.mark.django_db
def test_a_request_id_that_is_not_an_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected\nline')
    assert response["X-Request-ID"] != 'x" injected\nline'
    assert len(response["X-Request-ID"]) == 32


def test_a_json_log_line_carries_the_request_id(json_log: io.StringIO) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        logging.getLogger("redvest.core").warning("数据库繁忙")
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-2026-12-07-0001")
    RequestIdMiddleware(view)(request)
    logging.getLogger("redvest.core").warning("请求之后、结束之前")  # as Django's "Bad Request: …" line
    request_id.request_finished(sender=None)  # what Django's request_finished signal calls
    first, after = lines(json_log)
    assert first["request_id"] == "req-2026-12-07-0001"
    assert first["message"] == "数据库繁忙"
    assert first["level"] == "WARNING"
    assert first["logger"] == "redvest.core"
    assert first["time"].endswith("+00:00")
    assert after["request_id"] == "req-2026-12-07-0001"
    assert current_request_id() is None  # nothing leaks past the finished request


@pytest.mark.django_db
def test_a_client_error_logged_by_django_carries_the_request_id(client: Client, json_log: io.StringIO) -> None:
    client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="req-forbidden-0001")
    forbidden = [line for line in lines(json_log) if line["logger"] == "django.request"]
    assert forbidden and forbidden[0]["request_id"] == "req-forbidden-0001"
    assert current_request_id() is None


@pytest.mark.db_independent  # a subprocess logging, no SQL
def test_log_format_json_makes_the_console_write_json(tmp_path: Path) -> None:
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "redvest.settings"}
    env["REDVEST_VAR_DIR"] = str(tmp_path)
    code = "import django, logging; django.setup(); logging.getLogger('redvest.x').warning('启动')"
    err = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR
    ).stderr
    line = json.loads(err.strip().splitlines()[-1])
    assert line["message"] == "启动"
    assert line["request_id"] == ""


@pytest.mark.django_db
def test_a_task_enqueued_in_a_request_logs_with_its_request_id_in_the_worker(
    settings,  # type: ignore[no-untyped-def]
    json_log: io.StringIO,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.TASKS = DB_TASKS
    user = UserFactory()

    def view(request: HttpRequest) -> HttpResponse:
        # The service commits inside the view, so its on_commit enqueue runs under the request's id.
        with django_capture_on_commit_callbacks(execute=True):
            notification_send(recipients=[user], title="服务队变更", body="您已成为负责人")
        return HttpResponse("ok")

    RequestIdMiddleware(view)(RequestFactory().post("/", HTTP_X_REQUEST_ID="req-task-0001"))
    request_id.request_finished(sender=None)
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["request_id"] == "req-task-0001"
    assert json_log.getvalue() == ""  # queued, not run

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run_task(row)
    logged = lines(json_log)
    delivery = [line for line in logged if "服务队变更" in line["message"]]
    assert delivery and delivery[0]["request_id"] == "req-task-0001"
    worker_lines = [line for line in logged if line["logger"] == "django.tasks" and str(row.id) in line["message"]]
    assert len(worker_lines) == 2  # started and finished
    assert {line["request_id"] for line in worker_lines} == {"req-task-0001"}
    assert all(line["request_id"] == "req-task-0001" for line in logged)
    assert current_request_id() is None  # the worker's next task starts clean
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_task_enqueued_outside_a_request_carries_no_id(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DB_TASKS
    notification_send(recipients=[UserFactory()], title="提醒", body="内容")
    for row in DBTaskResult.objects.all():
        assert "request_id" not in row.args_kwargs
