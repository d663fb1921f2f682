"""The deployment templates in deploy/ agree with the settings they configure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

# Reads files or settings only (no SQL of its own): run once, in the SQLite pass (Makefile test-postgres).
pytestmark = pytest.mark.db_independent

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def _settings_environment_names() -> set[str]:
    source = (ROOT / "redvest" / "settings.py").read_text()
    return set(re.findall(r"(?:environ\.get|env_bool)\(\s*\"([A-Z0-9_]+)\"", source))


def test_the_env_template_names_every_variable_the_settings_read() -> None:
    template = (DEPLOY / "redvest.env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    assert _settings_environment_names() - named == set()


def test_the_env_template_keeps_the_secure_defaults() -> None:
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (DEPLOY / "redvest.env.example").read_text(), re.MULTILINE))
    assert values["DEBUG"] == "0"
    assert values["REDVEST_PLAIN_HTTP"] == "0"
    assert values["CLIENT_IP_META_KEY"] == "HTTP_X_REAL_IP"


def test_the_worker_unit_takes_every_task_queue() -> None:
    unit = (DEPLOY / "systemd" / "redvest-worker.service").read_text()
    queues = re.search(r"db_worker --queue-name (\S+)", unit)
    assert queues is not None
    assert queues.group(1).split(",") == settings.TASK_QUEUES


def test_nginx_sets_the_headers_the_settings_trust() -> None:
    proxy = (DEPLOY / "nginx" / "redvest-proxy.conf").read_text()
    for header in ("X-Real-IP $remote_addr", "X-Forwarded-Proto", "X-Request-ID"):
        assert f"proxy_set_header {header}" in proxy
    site = (DEPLOY / "nginx" / "redvest.conf").read_text()
    assert "client_max_body_size" in site
    max_body_mb = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))  # type: ignore[union-attr]
    assert max_body_mb * 1024 * 1024 >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
