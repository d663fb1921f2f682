"""GET /healthz: each part's status in a stable shape, 503 only when a required part is down."""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from redvest.core import replica
from redvest.core.heartbeats import HeartbeatThread, heartbeat_stamp
from redvest.core.models import ProcessHeartbeat, ScheduledRun

PARTS = {"database", "replica", "redis", "worker", "scheduler"}


def _redis_answers(url: str) -> bool:
    host, port = url.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def _fresh_replica_state() -> Iterator[None]:
    replica._status.clear()
    yield
    replica._status.clear()


@pytest.mark.django_db
def test_a_bare_server_is_healthy_and_reports_every_part(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):  # SELECT 1, the newest heartbeats, the last scheduled run
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == PARTS
    assert body["checks"]["database"] == {"status": "ok", "required": True}
    assert body["checks"]["replica"] == {"status": "off", "required": False, "lag_seconds": None}
    assert body["checks"]["redis"] == {"status": "off", "required": False}
    assert body["checks"]["worker"] == {"status": "missing", "required": False, "last_seen": None, "age_seconds": None}
    assert body["checks"]["scheduler"]["last_run"] is None


@pytest.mark.django_db
def test_an_unreachable_database_answers_503_without_its_error_text(client: Client) -> None:
    with mock.patch(
        "redvest.core.health.connection.cursor", side_effect=OperationalError("password=secret host=10.0.0.5")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "error", "required": True}
    assert body["checks"]["worker"]["status"] == "unknown"
    assert "secret" not in response.content.decode()


@pytest.mark.django_db
def test_a_required_worker_without_heartbeat_answers_503(client: Client, settings: Any) -> None:
    settings.HEALTHZ_REQUIRE_WORKER = True
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "missing"

    heartbeat_stamp(kind=ProcessHeartbeat.Kind.WORKER, instance="host:1", started_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    worker = response.json()["checks"]["worker"]
    assert (worker["status"], worker["required"], worker["age_seconds"]) == ("ok", True, 0)


@pytest.mark.django_db
def test_a_stale_scheduler_heartbeat_answers_503_only_when_required(client: Client, settings: Any) -> None:
    old = timezone.now() - datetime.timedelta(seconds=settings.HEALTHZ_HEARTBEAT_MAX_AGE + 30)
    ProcessHeartbeat.objects.create(kind=ProcessHeartbeat.Kind.SCHEDULER, instance="h:2", started_at=old, beat_at=old)
    response = client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert response.json()["checks"]["scheduler"]["status"] == "stale"

    settings.HEALTHZ_REQUIRE_SCHEDULER = True
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_the_scheduler_part_shows_the_last_run(client: Client) -> None:
    period = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)
    ScheduledRun.objects.create(job="sla_sweep", period_start=period, started_at=timezone.now())
    last_run = client.get("/healthz").json()["checks"]["scheduler"]["last_run"]
    assert last_run["job"] == "sla_sweep"
    assert last_run["period_start"] == period.isoformat()
    assert last_run["status"] == "running"


@pytest.mark.django_db
def test_redis_configured_but_down_answers_503(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:8819/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"status": "error", "required": True}


@pytest.mark.django_db
def test_redis_configured_and_up_is_ok(client: Client, settings: Any) -> None:
    url = "redis://127.0.0.1:6379/5"
    if not _redis_answers(url):
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "ok", "required": True}


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_replica_and_its_lag_are_reported_and_a_down_replica_degrades(client: Client, settings: Any) -> None:
    settings.REPLICA_DATABASE = settings.REPLICA_ALIAS
    body = client.get("/healthz").json()
    assert body["checks"]["replica"] == {"status": "ok", "required": False, "lag_seconds": 0.0}
    assert body["status"] == "ok"

    conn = connections["replica"]
    with mock.patch.object(conn, "cursor", side_effect=OperationalError("refused")):
        response = client.get("/healthz")
        assert (response.status_code, response.json()["status"]) == (200, "degraded")
        assert response.json()["checks"]["replica"]["status"] == "down"
        settings.HEALTHZ_REQUIRE_REPLICA = True
        assert client.get("/healthz").status_code == 503


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_thread_stamps_while_running_and_forgets_on_stop(settings: Any) -> None:
    settings.PROCESS_HEARTBEAT_SECONDS = 0.05
    thread = HeartbeatThread(kind=ProcessHeartbeat.Kind.WORKER, instance="test:1")
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not ProcessHeartbeat.objects.filter(instance="test:1").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        first = ProcessHeartbeat.objects.get(instance="test:1").beat_at
        time.sleep(0.3)
        assert ProcessHeartbeat.objects.get(instance="test:1").beat_at > first
    finally:
        thread.stop()
        thread.join(timeout=10)
    assert not ProcessHeartbeat.objects.filter(instance="test:1").exists()
