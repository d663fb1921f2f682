"""Pages, list endpoints and queuing the export cost the same number of queries for 1 row and for 10 (the
export task itself: test_exports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db


def add_rows(ledger: Any, count: int) -> None:
    for i in range(count):
        member_of(ledger.team_a if i % 2 else ledger.team_community, party_org=ledger.tree.town_a)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, t: c.get(reverse("volunteers:volunteer-list")), id="list-page"),
        pytest.param(
            lambda c, t: c.get(reverse("volunteers:volunteer-list"), {"q": "志愿者", "org": t.town_a.pk}),
            id="list-filtered",
        ),
        pytest.param(lambda c, t: c.get("/api/v1/volunteers/", {"org": t.town_a.pk}), id="list-api"),
        pytest.param(
            lambda c, t: c.post(f"{reverse('volunteers:export')}?org={t.town_a.pk}", {"format": "xlsx"}), id="export"
        ),
        pytest.param(lambda c, t: c.post("/api/v1/volunteers/export?format=csv"), id="export-api"),
    ],
)
def test_same_query_count_for_one_and_ten_rows(
    ledger: Any, client: Client, call: Callable[[Client, Any], Any], django_assert_num_queries: Any
) -> None:
    client.force_login(ledger.admin_a)
    add_rows(ledger, 1)
    call(client, ledger.tree)  # warm caches that live across requests (content types)
    with CaptureQueriesContext(connection) as one_row:
        assert call(client, ledger.tree).status_code in (200, 202)
    add_rows(ledger, 9)
    with django_assert_num_queries(len(one_row)):
        response = call(client, ledger.tree)
    assert response.status_code in (200, 202)
    if response["Content-Type"].startswith("text/html") and "已提交导出" not in response.content.decode():
        assert response.content.decode().count('data-label="编号"') == 10
