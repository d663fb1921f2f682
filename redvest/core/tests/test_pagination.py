"""Pages count at most LIST_COUNT_CAP rows ("10,000+") and deep lists page by a signed cursor: every row
once, in order, ties broken by the unique last key, and a cursor not made by the list a clear 422."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.core.errors import InvalidCursor
from redvest.core.pagination import Page, count_capped, keyset_cursor, paginate, paginate_keyset
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node

pytestmark = pytest.mark.django_db

ORDER = ("depth", "-id")  # depth has ties; id breaks them


@pytest.fixture
def nodes() -> list[OrgNode]:
    tree = OrgTree()
    for i in range(7):
        org_node(name=f"社区{i}", kind=OrgKind.COMMUNITY, parent=tree.town_b if i % 2 else tree.town_a)
    return list(OrgNode.objects.order_by(*ORDER))


def _walk_forward(size: int) -> list[Page[Any]]:
    pages = [paginate_keyset(OrgNode.objects.all(), ordering=ORDER, size=size)]
    while pages[-1].after:
        pages.append(paginate_keyset(OrgNode.objects.all(), ordering=ORDER, after=pages[-1].after, size=size))
    return pages


def test_count_is_exact_up_to_the_cap_and_capped_past_it(nodes: list[OrgNode], settings: Any) -> None:
    settings.LIST_COUNT_CAP = len(nodes)
    assert count_capped(OrgNode.objects.all()) == (len(nodes), False)
    settings.LIST_COUNT_CAP = 5
    assert count_capped(OrgNode.objects.all()) == (5, True)
    page = paginate(OrgNode.objects.order_by("id"), page=99, size=2)
    assert (page.count, page.capped, page.count_label, page.num_pages, page.number) == (5, True, "5+", 3, 3)
    assert [n.pk for n in page.items] == [n.pk for n in sorted(nodes, key=lambda n: n.pk)][4:6]


def test_count_reads_at_most_cap_plus_one_rows(nodes: list[OrgNode], settings: Any) -> None:
    settings.LIST_COUNT_CAP = 3
    with CaptureQueriesContext(connection) as queries:
        count_capped(OrgNode.objects.select_related("parent").order_by("-path"))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 4" in sql and "ORDER BY" not in sql


def test_a_big_count_reads_as_ten_thousand_plus() -> None:
    assert Page(items=[], count=10_000, number=1, size=20, capped=True).count_label == "10,000+"
    assert Page(items=[], count=1_234, number=1, size=20).count_label == "1,234"


@pytest.mark.parametrize("size", [1, 2, 3, 20])
def test_cursor_pages_give_every_row_once_in_order_with_ties(nodes: list[OrgNode], size: int) -> None:
    pages = _walk_forward(size)
    seen = [n.pk for p in pages for n in p.items]
    assert seen == [n.pk for n in nodes]
    assert [p.start for p in pages] == list(range(0, len(nodes), size))
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert not pages[0].has_previous and not pages[-1].has_next


def test_before_cursors_walk_back_to_the_first_page(nodes: list[OrgNode]) -> None:
    forward = _walk_forward(3)
    back = [forward[-1]]
    while back[-1].before:
        back.append(paginate_keyset(OrgNode.objects.all(), ordering=ORDER, before=back[-1].before, size=3))
    assert [[n.pk for n in p.items] for p in reversed(back)] == [[n.pk for n in p.items] for p in forward]
    assert back[-1].start == 0 and not back[-1].has_previous


def test_a_page_number_is_an_offset_page_with_cursors_onwards(nodes: list[OrgNode]) -> None:
    second = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, page=2, size=3)
    assert [n.pk for n in second.items] == [n.pk for n in nodes[3:6]]
    third = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, after=second.after, size=3)
    assert [n.pk for n in third.items] == [n.pk for n in nodes[6:9]]
    assert (third.start, third.number) == (6, 3)


def test_rows_added_ahead_do_not_repeat_or_skip_rows_behind_the_cursor(nodes: list[OrgNode]) -> None:
    first = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, size=4)
    org_node(name="新增镇", kind=OrgKind.TOWN, parent=nodes[0])  # depth 2 with the highest id: sorts first there
    rest = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, after=first.after, size=100)
    assert [n.pk for n in first.items + rest.items] == [n.pk for n in nodes]


def test_each_page_is_one_count_and_one_row_query(nodes: list[OrgNode]) -> None:
    first = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, size=2)
    with CaptureQueriesContext(connection) as queries:
        paginate_keyset(OrgNode.objects.all(), ordering=ORDER, after=first.after, size=2)
    assert len(queries.captured_queries) == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "",  # replaced below by an edited real cursor
        "WzEsMiwzXQ:abc:def",
    ],
)
def test_a_cursor_not_made_by_the_list_is_a_422_naming_the_parameter(nodes: list[OrgNode], cursor: str) -> None:
    real = paginate_keyset(OrgNode.objects.all(), ordering=ORDER, size=2).after
    cursor = cursor or real[:-1] + ("A" if real[-1] != "A" else "B")
    with pytest.raises(InvalidCursor) as caught:
        paginate_keyset(OrgNode.objects.all(), ordering=ORDER, after=cursor, size=2)
    assert caught.value.status == 422
    assert caught.value.errors == {"after": "翻页位置无效或已过期，请从第一页重新浏览"}


def test_another_lists_cursor_is_refused(nodes: list[OrgNode]) -> None:
    other = keyset_cursor(("-id",), nodes[0], 1)
    with pytest.raises(InvalidCursor) as caught:
        paginate_keyset(OrgNode.objects.all(), ordering=ORDER, before=other, size=2)
    assert caught.value.errors == {"before": "翻页位置无效或已过期，请从第一页重新浏览"}


def test_the_api_says_when_its_count_is_capped(nodes: list[OrgNode], settings: Any) -> None:
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="org_admin", org=nodes[0])
    client = Client()
    client.force_login(user)
    exact = client.get("/api/v1/orgs/nodes", {"page_size": 2}).json()
    assert (exact["count"], exact["count_capped"]) == (len(nodes), False)
    settings.LIST_COUNT_CAP = 4
    capped = client.get("/api/v1/orgs/nodes", {"page_size": 2, "page": 3}).json()
    assert (capped["count"], capped["count_capped"], len(capped["items"])) == (4, True, 2)
