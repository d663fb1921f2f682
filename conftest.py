"""Suite-wide settings: immediate tasks, fast hashing, naive datetimes fail, missing template vars fail."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError


def pytest_configure() -> None:
    warnings.filterwarnings("error", message=".*received a naive datetime.*", category=RuntimeWarning)


# Test modules that share one expensive package fixture, kept on one xdist worker: `--dist loadfile` would
# otherwise hand each module to whichever worker is free, and each worker would build the fixture again
# (the demo county's seed_output takes minutes).
_ONE_WORKER_PACKAGES = ("redvest/demo/tests/",)


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class PackageAwareLoadFile(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return next((package for package in _ONE_WORKER_PACKAGES if scope.startswith(package)), scope)

    return PackageAwareLoadFile(config, log)


def _serve_plain_http() -> None:
    """REDVEST_PLAIN_HTTP=1, as `make run`: the test client, the live server and module-level WSGI apps speak
    plain http. Set when this file loads (settings are already imported), before any middleware is built."""
    django_settings.PLAIN_HTTP = True
    django_settings.SECURE_SSL_REDIRECT = False
    django_settings.SECURE_PROXY_SSL_HEADER = None
    django_settings.SECURE_HSTS_SECONDS = 0
    django_settings.SESSION_COOKIE_SECURE = False
    django_settings.CSRF_COOKIE_SECURE = False


_serve_plain_http()


def _replica_mirrors_default() -> None:
    """A "replica" alias mirroring the test database (Django's TEST MIRROR), so the read routing of
    redvest.core.replica is exercised by its tests; off elsewhere (REPLICA_DATABASE "" in every test
    unless the test turns it on, with `transaction=True`: the mirror is a second connection)."""
    default = django_settings.DATABASES["default"]
    django_settings.DATABASES[django_settings.REPLICA_ALIAS] = {
        **default,
        "TEST": {**default.get("TEST", {}), "MIRROR": "default"},
    }


_replica_mirrors_default()


@pytest.fixture(scope="session", autouse=True)
def _select_for_update_needs_own_transaction() -> Iterator[None]:
    """Fail a row lock taken outside the code's own transaction.atomic, on every database.

    The test's wrapping transaction hides PostgreSQL's "select_for_update cannot be used outside
    of a transaction" (a 500 in production), and SQLite ignores the lock entirely."""
    original = SQLCompiler.as_sql

    def as_sql(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        if self.query.select_for_update and not any(
            not block._from_testcase for block in self.connection.atomic_blocks
        ):
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = as_sql  # type: ignore[method-assign]
    yield
    SQLCompiler.as_sql = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPLICA_DATABASE = ""  # reads on the primary unless a test turns the replica on
    settings.NOTIFICATION_CHANNELS = ["redvest.core.notifications.ConsoleChannel"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!MISSING:%s!!"
    cache.clear()  # rate-limit counters (and anything else cached) start empty in every test


# ---- Browser tests (Playwright driving Debian's Chromium) -------------------------------------
import os  # noqa: E402
import shutil  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _browser():  # type: ignore[no-untyped-def]
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required under CI but {CHROMIUM} is missing")
        pytest.skip("Chromium not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, settings):  # type: ignore[no-untyped-def]
    """A fresh browser context (phone-sized) against the live server; use `live_server.url`."""
    settings.AXES_ENABLED = False
    context = _browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def browser_login(page, live_server):  # type: ignore[no-untyped-def]
    """browser_login("username") logs the page in through the real login form."""

    def _login(username: str, password: str = "redvest-test-pw") -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return _login
