"""The ledger's list pages by key: following "下一页" and "上一页" shows every volunteer in scope once, the
total reads "N+" past the cap, and an edited cursor is a Chinese 422 page, never a 500."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.core.pagination import keyset_cursor
from redvest.volunteers.models import Volunteer
from redvest.volunteers.selectors import VOLUNTEER_LIST_ORDER
from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"]*)" rel="(next|prev)">')


def _links(body: str) -> dict[str, str]:
    return {rel: html.unescape(href) for href, rel in LINK.findall(body)}


def _numbers(body: str) -> list[str]:
    return re.findall(r'<td data-label="编号">([^<]+)</td>', body)


def _add(ledger: Any, count: int) -> list[Volunteer]:
    return [member_of(ledger.team_a if i % 2 else ledger.team_b, party_org=ledger.tree.town_a) for i in range(count)]


def test_next_and_previous_links_walk_the_whole_ledger_once(client: Client, ledger: Any, settings: Any) -> None:
    settings.PAGE_SIZE = 3
    settings.LIST_COUNT_CAP = 4
    people = _add(ledger, 8)
    client.force_login(ledger.county_admin)
    url = reverse("volunteers:volunteer-list")
    pages, bodies = [], []
    while url:
        response = client.get(url, {} if "?" in url else {"status": "registered"})
        assert response.status_code == 200
        body = response.content.decode()
        bodies.append(body)
        pages.append(_numbers(body))
        url = _links(body).get("next", "")
        if url:
            url = reverse("volunteers:volunteer-list") + url
            assert "status=registered" in url  # the filters ride along with the cursor
    assert [n for page in pages for n in page] == [v.number for v in sorted(people, key=lambda v: -v.pk)]
    assert [len(p) for p in pages] == [3, 3, 2]
    assert "共 4+ 条" in bodies[0] and "第 3 页" in bodies[-1]
    back = reverse("volunteers:volunteer-list") + _links(bodies[-1])["prev"]
    assert _numbers(client.get(back).content.decode()) == pages[1]


def test_the_count_is_exact_below_the_cap(client: Client, ledger: Any, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    _add(ledger, 3)
    client.force_login(ledger.admin_a)  # town A: only its own volunteers
    body = client.get(reverse("volunteers:volunteer-list")).content.decode()
    assert '<p class="muted">共 1 条</p>' in body and "下一页" not in body


@pytest.mark.parametrize("param", ["after", "before"])
@pytest.mark.parametrize("cursor", ["abc", "WzEsMl0:1:2", "W10"])
def test_an_edited_cursor_is_a_chinese_422_page(client: Client, ledger: Any, param: str, cursor: str) -> None:
    _add(ledger, 1)
    client.force_login(ledger.county_admin)
    response = client.get(reverse("volunteers:volunteer-list"), {param: cursor})
    assert response.status_code == 422
    assert "翻页位置无效或已过期，请从第一页重新浏览" in response.content.decode()


def test_a_cursor_page_costs_the_same_queries_for_one_row_and_ten(
    client: Client, ledger: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(ledger.county_admin)
    after = keyset_cursor(VOLUNTEER_LIST_ORDER, SimpleNamespace(id=10**9), 0)  # everyone sorts after it
    url = reverse("volunteers:volunteer-list")
    _add(ledger, 1)
    client.get(url, {"after": after})
    with CaptureQueriesContext(connection) as one_row:
        assert len(_numbers(client.get(url, {"after": after}).content.decode())) == 1
    _add(ledger, 9)
    with django_assert_num_queries(len(one_row)):
        assert len(_numbers(client.get(url, {"after": after}).content.decode())) == 10
