"""Read routing (redvest.core.replica): opted-in reads go to the replica, writes and reads around them to
the primary, a client that has just written is pinned to the primary, and a replica that fails is
replaced by the primary without an error. The "replica" alias mirrors the test database (conftest), so
these tests commit (`transaction=True`): the mirror is a second connection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.core import replica
from redvest.core.models import Notification
from redvest.core.replica import PIN_COOKIE, PinPrimaryAfterWrite, replica_reads, replica_status
from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import admin_at, county

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def _replica_on(settings: Any) -> Iterator[None]:
    settings.REPLICA_DATABASE = settings.REPLICA_ALIAS
    replica._status.clear()
    yield
    replica._status.clear()


@pytest.fixture
def replica_unreachable() -> Iterator[None]:
    """The replica's connection fails as a stopped server would: every new connection is refused."""
    conn = connections["replica"]
    conn.close()
    saved = dict(conn.settings_dict)
    if conn.vendor == "postgresql":
        conn.settings_dict.update(HOST="127.0.0.1", PORT="8819")  # a closed port in our range
    else:
        conn.settings_dict["NAME"] = "/nonexistent-dir/replica.sqlite3"
    yield
    conn.close()
    conn.settings_dict.clear()
    conn.settings_dict.update(saved)


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_reads_outside_an_opted_in_scope_go_to_the_primary() -> None:
    assert Notification.objects.all().db == "default"


def test_reads_in_a_scope_go_to_the_replica_and_writes_to_the_primary() -> None:
    with replica_reads() as scope:
        assert Notification.objects.all().db == "replica"
        assert scope.used
        assert Notification.objects.all().select_for_update().db == "default"


def test_reads_after_a_write_in_the_scope_follow_it_to_the_primary(django_user_model: Any) -> None:
    with replica_reads():
        django_user_model.objects.create_user(username="writer", password="x-12345678")
        assert Notification.objects.all().db == "default"


def test_reads_inside_a_write_transaction_stay_on_the_primary_unless_asked() -> None:
    with transaction.atomic():
        with replica_reads():
            assert Notification.objects.all().db == "default"
        with replica_reads(within_writes=True):
            assert Notification.objects.all().db == "replica"


def test_sessions_are_always_read_from_the_primary() -> None:
    with replica_reads():
        assert Session.objects.all().db == "default"


def test_nothing_goes_to_the_replica_when_none_is_configured(settings: Any) -> None:
    settings.REPLICA_DATABASE = ""
    with replica_reads():
        assert Notification.objects.all().db == "default"
    assert replica_status().state == "off"


def test_a_lagging_replica_is_not_read(settings: Any) -> None:
    settings.REPLICA_MAX_LAG_SECONDS = -1  # any lag is too much
    with replica_reads():
        assert Notification.objects.all().db == "default"
    assert replica_status().state == "lagging"


def test_an_unreachable_replica_is_reported_down_and_not_read(replica_unreachable: None) -> None:
    with replica_reads():
        assert Notification.objects.all().db == "default"
    assert replica_status().state == "down"


def test_public_page_reads_from_the_replica_until_the_client_writes() -> None:
    client = Client()
    url = reverse("evaluation:public-list")
    with _queries("replica") as on_replica, _queries("default") as on_primary:
        assert client.get(url).status_code == 200
    assert len(on_replica) > 0
    assert not any("evaluation" in q["sql"] for q in on_primary.captured_queries)

    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong-password"})
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    with _queries("replica") as on_replica, _queries("default") as on_primary:
        assert client.get(url).status_code == 200
    assert len(on_replica) == 0
    assert any("evaluation" in q["sql"] for q in on_primary.captured_queries)


def test_a_request_that_writes_is_pinned_and_marks_the_client() -> None:
    seen: list[str] = []

    def view(request: Any) -> Any:
        from django.http import HttpResponse

        with replica_reads():
            seen.append(Notification.objects.all().db)
        return HttpResponse("ok")

    middleware = PinPrimaryAfterWrite(view)
    factory = RequestFactory()
    assert PIN_COOKIE not in middleware(factory.get("/x")).cookies
    response = middleware(factory.post("/x"))
    assert PIN_COOKIE in response.cookies
    pinned = factory.get("/x")
    pinned.COOKIES[PIN_COOKIE] = "1"
    middleware(pinned)
    assert seen == ["replica", "default", "default"]


def test_dashboards_answer_from_the_primary_when_the_replica_is_down(replica_unreachable: None) -> None:
    world = county()
    dashboards_refresh(full=True)
    client = Client()
    client.force_login(admin_at(world.tree.county))
    for name in ("dashboards:dashboard", "dashboards:data", "dashboards:big-screen"):
        assert client.get(reverse(name, args=[world.tree.county.pk])).status_code == 200
    assert replica_status().state == "down"


def test_a_replica_failing_mid_request_is_retried_on_the_primary() -> None:
    world = county()
    dashboards_refresh(full=True)
    client = Client()
    client.force_login(admin_at(world.tree.county))

    def fail(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "pg_is_in_recovery" in sql or sql == "SELECT 0":
            return execute(sql, params, many, context)  # the probe still answers
        raise OperationalError("server closed the connection unexpectedly")

    with connections["replica"].execute_wrapper(fail):
        response = client.get(reverse("dashboards:data", args=[world.tree.county.pk]))
    assert response.status_code == 200
    assert replica._status["replica"].state == "down"  # reads stay on the primary until the next probe


def test_dashboard_api_reads_from_the_replica() -> None:
    world = county()
    dashboards_refresh(full=True)
    client = Client()
    client.force_login(admin_at(world.tree.county))
    with _queries("replica") as on_replica:
        response = client.get(f"/api/v1/dashboards/{world.tree.county.pk}")
        children = client.get(f"/api/v1/dashboards/{world.tree.county.pk}/children")
    assert response.status_code == 200
    assert response.json()["node"]["id"] == world.tree.county.pk
    assert children.status_code == 200 and children.json()["count"] == 2
    assert any("dashboards_" in q["sql"] for q in on_replica.captured_queries)
