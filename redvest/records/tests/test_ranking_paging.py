"""The hours ranking pages by key: ranks run 1…n across cursor pages with no volunteer twice or missing,
ties in minutes keep one order (by volunteer), deep pages cost the same queries as the first, and an
edited cursor is a Chinese 422 page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.records.selectors import ranking_page
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import post_record
from redvest.volunteers.tests.factories import VolunteerFactory

NEXT = re.compile(r'<a href="([^"]*)" rel="next">')


def _field(w: World, minutes: list[int]) -> list[Any]:
    people = []
    for m in minutes:
        people.append(VolunteerFactory(org=w.tree.community_a))
        post_record(volunteer=people[-1], minutes=m)
    return people


def test_cursor_pages_rank_everyone_once_with_ties_in_volunteer_order(w: World, settings: Any) -> None:
    settings.LIST_COUNT_CAP = 3
    minutes = [300, 120, 120, 120, 120, 60, 120, 30]
    people = _field(w, minutes)
    expected = [v for _, v in sorted(zip(minutes, people, strict=True), key=lambda mv: (-mv[0], mv[1].pk))]
    year = timezone.localdate().year
    seen: list[tuple[int, int, int]] = []
    page = ranking_page(user=w.admin_user, org_id=w.tree.town_a.pk, year=year, size=3)
    while True:
        seen += [(row.rank, row.volunteer.pk, row.credit_minutes) for row in page.rows]
        if not page.page.after:
            break
        page = ranking_page(user=w.admin_user, org_id=w.tree.town_a.pk, year=year, after=page.page.after, size=3)
    assert [pk for _, pk, _ in seen] == [v.pk for v in expected]
    assert [rank for rank, _, _ in seen] == list(range(1, len(people) + 1))
    assert (page.page.count_label, page.page.number) == ("3+", 3)
    back = ranking_page(user=w.admin_user, org_id=w.tree.town_a.pk, year=year, before=page.page.before, size=3)
    assert [(r.rank, r.volunteer.pk) for r in back.rows] == [(rank, pk) for rank, pk, _ in seen[3:6]]


def test_following_next_on_the_page_reaches_the_last_rank(w: World, client: Client, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    people = _field(w, [50, 40, 30, 20, 10])
    client.force_login(w.admin_user)
    url = reverse("records:ranking") + f"?year={timezone.localdate().year}"
    ranks: list[str] = []
    while url:
        body = client.get(url).content.decode()
        ranks += re.findall(r'<td class="rank">(\d+)</td>', body)
        found = NEXT.search(body)
        url = reverse("records:ranking") + html.unescape(found.group(1)) if found else ""
    assert ranks == [str(n) for n in range(1, len(people) + 1)]


def test_a_deep_cursor_page_costs_the_queries_of_the_first(w: World, client: Client, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    _field(w, [50, 40, 30, 20, 10])
    client.force_login(w.admin_user)
    url = reverse("records:ranking") + f"?year={timezone.localdate().year}"
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        body = client.get(url).content.decode()
    deep = reverse("records:ranking") + html.unescape(NEXT.findall(body)[0])
    with CaptureQueriesContext(connection) as second:
        assert client.get(deep).status_code == 200
    assert len(second.captured_queries) == len(first.captured_queries)


@pytest.mark.parametrize("cursor", ["x", "WzEsMiwzXQ:a:b"])
def test_an_edited_ranking_cursor_is_a_chinese_422_page(w: World, client: Client, cursor: str) -> None:
    client.force_login(w.admin_user)
    response = client.get(reverse("records:ranking"), {"after": cursor})
    assert response.status_code == 422
    assert "翻页位置无效或已过期，请从第一页重新浏览" in response.content.decode()


def test_the_ranking_api_says_when_its_count_is_capped(w: World, client: Client, settings: Any) -> None:
    settings.LIST_COUNT_CAP = 2
    _field(w, [50, 40, 30])
    client.force_login(w.admin_user)
    body = client.get("/api/v1/records/ranking", {"year": timezone.localdate().year, "page_size": 2}).json()
    assert (body["count"], body["count_capped"], [r["rank"] for r in body["items"]]) == (2, True, [1, 2])
