"""Every API list pages through ninja's @paginate with core.api_pagination.PageNumber: the same
page/page_size parameters and bounds everywhere, {"items", "count", "count_capped"} out, and a wrong page
a 422."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.api import api
from redvest.core.api_pagination import MAX_PAGE_SIZE, Fetched, Rows, each
from redvest.core.pagination import Page
from redvest.core.schemas import INT32_MAX
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import OrgTree


@pytest.fixture
def admin() -> Client:
    tree = OrgTree()
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="org_admin", org=tree.county)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    paths = api.get_openapi_schema()["paths"]
    return [(method, path, op) for path, ops in paths.items() for method, op in ops.items()]


def test_every_paged_operation_has_the_same_bounded_page_parameters() -> None:
    paged = 0
    for method, path, op in _operations():
        params = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "query"}
        pages_response = "Paged" in json.dumps(op["responses"])
        assert ("page" in params) == pages_response, (method, path)  # no hand-written page query or page schema
        if pages_response:
            paged += 1
            assert (params["page"]["minimum"], params["page"]["maximum"]) == (1, INT32_MAX), path
            assert (params["page_size"]["minimum"], params["page_size"]["maximum"]) == (1, MAX_PAGE_SIZE), path
            assert params["page_size"]["default"] == 20, path
    assert paged > 50


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"page": 0}, "page", "不能小于1"),
        ({"page": INT32_MAX + 1}, "page", f"不能大于{INT32_MAX}"),
        ({"page": "二"}, "page", "应为整数"),
        ({"page_size": 0}, "page_size", "不能小于1"),
        ({"page_size": MAX_PAGE_SIZE + 1}, "page_size", f"不能大于{MAX_PAGE_SIZE}"),
    ],
)
def test_out_of_range_page_is_a_chinese_422_naming_the_field(
    admin: Client, query: dict[str, Any], field: str, message: str
) -> None:
    response = admin.get("/api/v1/orgs/nodes", query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {field: message}


@pytest.mark.django_db
def test_pages_split_the_list_and_a_page_past_the_last_is_empty(admin: Client) -> None:
    total = OrgNode.objects.count()
    first = admin.get("/api/v1/orgs/nodes", {"page_size": 2}).json()
    second = admin.get("/api/v1/orgs/nodes", {"page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == total >= 4
    assert len(first["items"]) == len(second["items"]) == 2
    assert {n["id"] for n in first["items"]}.isdisjoint(n["id"] for n in second["items"])
    past = admin.get("/api/v1/orgs/nodes", {"page": INT32_MAX}).json()
    assert past == {"items": [], "count": total, "count_capped": False}


@pytest.mark.django_db
def test_the_last_page_allowed_does_not_overflow_the_database(admin: Client) -> None:
    response = admin.get("/api/v1/orgs/nodes", {"page": INT32_MAX, "page_size": MAX_PAGE_SIZE})
    assert response.status_code == 200 and response.json()["items"] == []


def test_rows_builds_output_for_the_sliced_page_only() -> None:
    pages: list[list[int]] = []

    def build(rows: list[int]) -> list[str]:
        pages.append(rows)
        return [str(r) for r in rows]

    rows = Rows(list(range(7)), build)
    assert (len(rows), rows.counted(), rows[2:4]) == (7, (7, False), ["2", "3"])
    assert pages == [[2, 3]]
    assert each([1, 2, 3], lambda n: n * 10)[1:3] == [20, 30]


def test_fetched_asks_a_self_paging_selector_once_for_the_page_and_its_count() -> None:
    calls: list[tuple[int, int]] = []
    source = list(range(45))

    def fetch(page: int, size: int) -> Page[Any]:
        calls.append((page, size))
        last = max(1, -(-len(source) // size))
        number = min(page, last)  # like core.pagination.paginate, which clamps to the last page
        return Page(items=source[(number - 1) * size : number * size], count=len(source), number=number, size=size)

    found = Fetched(fetch, lambda n: -n)
    assert found[20:40] == [-n for n in range(20, 40)]
    assert len(found) == 45
    assert calls == [(2, 20)]
    assert Fetched(fetch)[60:80] == []  # page 4 of 3: empty, not the last page again
