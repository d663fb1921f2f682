"""/metrics: view latency, the database figures read at scrape time, who may read it; multiprocess sums."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redvest.accounts.services import user_create
from redvest.core.tasks import notification_deliver
from redvest.demand.tests.factories import ServiceRequestFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": django_settings.TASK_QUEUES}}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample line of the exposition, matched by name and labels."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in the exposition")


@pytest.mark.django_db
def test_metrics_show_latency_by_view(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    text = client.get("/metrics").content.decode()
    assert sample(text, "django_http_requests_latency_seconds_by_view_method_count", view="healthz", method="GET") >= 1
    assert 'django_http_requests_latency_seconds_by_view_method_bucket{le="0.1",method="GET",view="healthz"}' in text


@pytest.mark.django_db
def test_metrics_count_ready_tasks_and_the_age_of_the_oldest(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DB_TASKS
    notification_deliver.enqueue(1)
    notification_deliver.enqueue(2)
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    text = client.get("/metrics").content.decode()
    assert sample(text, "redvest_task_queue_depth", queue="notifications") == 2
    assert 300 <= sample(text, "redvest_task_queue_oldest_age_seconds", queue="notifications") < 360
    assert sample(text, "redvest_task_queue_depth", queue="exports") == 0
    assert sample(text, "redvest_task_queue_oldest_age_seconds", queue="exports") == 0
    assert sample(text, "redvest_task_running", queue="notifications") == 0


@pytest.mark.django_db
def test_metrics_show_overdue_requests_and_those_the_sweep_has_not_marked(client: Client) -> None:
    past = timezone.now() - datetime.timedelta(days=2)
    ServiceRequestFactory(created_at=past)  # both clocks run out, nothing marked yet
    ServiceRequestFactory(
        created_at=past, arrival_breached_at=past, resolution_breached_at=past, status="accepted", responded_at=past
    )
    ServiceRequestFactory(created_at=past, status="closed")  # done: not overdue
    ServiceRequestFactory()  # in time
    text = client.get("/metrics").content.decode()
    assert sample(text, "redvest_sla_overdue_requests", clock="arrival") == 1
    assert sample(text, "redvest_sla_overdue_requests", clock="resolution") == 2
    assert sample(text, "redvest_sla_overdue_unmarked_requests", clock="arrival") == 1
    assert sample(text, "redvest_sla_overdue_unmarked_requests", clock="resolution") == 1


@pytest.mark.django_db
def test_metrics_count_login_failures_and_lockouts(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    user_create(username="zhangsan", password="redvest-test-pw", name="张三", phone="13812345678")
    before = sample(client.get("/metrics").content.decode(), "redvest_login_failures_total")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong-pass"})
    text = client.get("/metrics").content.decode()
    assert sample(text, "redvest_login_failures_total") == before + 3
    assert sample(text, "redvest_login_lockouts") >= 1


@pytest.mark.django_db
def test_metrics_refuse_an_address_outside_the_allowed_ones(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    assert response.content.decode() == "禁止访问"
    assert "redvest_" not in response.content.decode()


@pytest.mark.django_db
def test_metrics_allow_a_configured_network(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_metrics_behind_the_proxy_judge_the_real_client(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    # nginx on the same host connects from loopback; the visitor it forwards is not let in.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.9").status_code == 403


@pytest.mark.django_db
def test_metrics_accept_the_bearer_token_from_anywhere(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert ok.status_code == 200
    assert "redvest_task_queue_depth" in ok.content.decode()
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


@pytest.mark.django_db
def test_metrics_without_a_token_configured_ignore_an_empty_bearer(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.db_independent  # worker processes and files only
def test_multiprocess_mode_sums_the_workers_counters(tmp_path: Path) -> None:
    """Two processes ("gunicorn workers") count login failures into PROMETHEUS_MULTIPROC_DIR; a third, taking
    the scrape, reports their sum."""
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DJANGO_SETTINGS_MODULE": "redvest.settings",
        "REDVEST_VAR_DIR": str(tmp_path / "var"),
    }
    setup = "import django; django.setup(); "
    worker = setup + "from redvest.accounts.monitoring import LOGIN_FAILURES; LOGIN_FAILURES.inc({n})"
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", worker.format(n=n)], env=env, check=True, cwd=django_settings.BASE_DIR)
    scrape = setup + (
        "from redvest.core import monitoring; monitoring._sources.clear(); "
        "import sys; sys.stdout.write(monitoring.metrics_text().decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", scrape],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    ).stdout
    assert re.search(r"^redvest_login_failures_total 5\.0$", out, re.MULTILINE)
