"""Production settings are secure by default: checked in a fresh interpreter with only the deploy variables set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

# Reads files or settings only (no SQL of its own): run once, in the SQLite pass (Makefile test-postgres).
pytestmark = pytest.mark.db_independent

ROOT = Path(__file__).resolve().parents[3]


def _deploy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "redvest.settings",
        "REDVEST_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "kq8-a1Bz!r7Qw9-LmN3xV5tY2uC4eD6fG8hJ0kP_sT1vW3yZ5bX7nM9qR2wE4tU6",
        "ALLOWED_HOSTS": "redvest.example.cn",
        "DEBUG": "0",
        **extra,
    }


def _settings_in_fresh_process(tmp_path: Path, **extra: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ("
        "'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_INCLUDE_SUBDOMAINS')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_deploy_env(tmp_path, **extra), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_are_secure_by_default_with_debug_off(tmp_path: Path) -> None:
    values = _settings_in_fresh_process(tmp_path)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000  # type: ignore[operator]
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_plain_http_opt_out_turns_the_https_settings_off(tmp_path: Path) -> None:
    values = _settings_in_fresh_process(tmp_path, REDVEST_PLAIN_HTTP="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


def test_check_deploy_prints_no_warning_with_only_the_deploy_variables(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_deploy_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "WARNING" not in out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.django_db
def test_https_settings_redirect_http_and_trust_the_proxys_forwarded_proto(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ALLOWED_HOSTS = ["redvest.example.cn"]
    plain = client.get("/accounts/login/", HTTP_HOST="redvest.example.cn")
    assert plain.status_code == 301
    assert plain["Location"] == "https://redvest.example.cn/accounts/login/"
    proxied = client.get("/accounts/login/", HTTP_HOST="redvest.example.cn", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz", HTTP_HOST="redvest.example.cn").status_code == 200


def test_sessions_and_rate_limit_counters_live_in_redis_when_redis_is_configured(tmp_path: Path) -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION')]))"
    )
    env = _deploy_env(tmp_path, REDIS_URL="redis://127.0.0.1:6390/3")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    engine, backend, location = json.loads(out.stdout.strip().splitlines()[-1])
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == "redis://127.0.0.1:6390/3"


def test_without_redis_sessions_stay_in_the_database(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SESSION_ENGINE)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_deploy_env(tmp_path), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"
