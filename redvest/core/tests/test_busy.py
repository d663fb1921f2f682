"""A database lock timeout answers 503 with Retry-After and a Chinese message (page and API), never 500."""

from __future__ import annotations

import sys
from unittest import mock

import psycopg.errors
import pytest
from django.db.utils import OperationalError
from django.test import Client, RequestFactory

from redvest.accounts.tests.factories import UserFactory
from redvest.core.busy import BUSY_MESSAGE, is_lock_timeout, server_error

LIST_PAGE = "redvest.volunteers.views.ledger.selectors.volunteer_list_filtered"
LIST_API = "redvest.volunteers.api.selectors.volunteer_list_filtered"


def _postgres_error(driver_error: Exception) -> OperationalError:
    """What Django raises for a psycopg error: the driver's error as the cause."""
    exc = OperationalError(str(driver_error))
    exc.__cause__ = driver_error
    return exc


@pytest.fixture
def logged_in(client: Client, db: None) -> Client:
    client.force_login(UserFactory())
    return client


def test_locked_sqlite_database_answers_503_page_with_retry_after(logged_in: Client) -> None:
    with mock.patch(LIST_PAGE, side_effect=OperationalError("database is locked")):
        response = logged_in.get("/volunteers/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_MESSAGE in response.content.decode()
    assert "locked" not in response.content.decode()


def test_locked_sqlite_database_answers_503_json_in_the_api(logged_in: Client) -> None:
    with mock.patch(LIST_API, side_effect=OperationalError("database is locked")):
        response = logged_in.get("/api/v1/volunteers/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "database_busy", "message": BUSY_MESSAGE, "errors": {}}


@pytest.mark.parametrize(
    "driver_error",
    [
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.SerializationFailure("could not serialize access due to concurrent update"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
    ],
)
def test_postgresql_lock_timeouts_answer_503_page_and_api(logged_in: Client, driver_error: Exception) -> None:
    with mock.patch(LIST_API, side_effect=_postgres_error(driver_error)):
        api = logged_in.get("/api/v1/volunteers/")
    with mock.patch(LIST_PAGE, side_effect=_postgres_error(driver_error)):
        page = logged_in.get("/volunteers/")
    assert (api.status_code, page.status_code) == (503, 503)
    assert api.json()["code"] == "database_busy"
    assert page["Retry-After"] == api["Retry-After"] == "5"


def test_other_database_errors_are_not_disguised_as_busy(logged_in: Client) -> None:
    missing = OperationalError("no such table: volunteers_volunteer")
    with mock.patch(LIST_PAGE, side_effect=missing), pytest.raises(OperationalError):
        logged_in.get("/volunteers/")
    assert not is_lock_timeout(_postgres_error(psycopg.errors.UndefinedTable("relation does not exist")))
    assert not is_lock_timeout(ValueError("database is locked"))


def test_lock_timeout_outside_a_view_is_503_through_handler500(rf: RequestFactory) -> None:
    request = rf.get("/volunteers/")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
