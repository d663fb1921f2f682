"""Every points list page and list endpoint costs the same number of queries for 1 row and for 10."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redvest.accounts.models import User
from redvest.points.models import AccountKind, PointsAccount, RedemptionStatus
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import (
    FundFactory,
    MerchantFactory,
    PioneerEntryFactory,
    PointsClaimFactory,
    RedemptionFactory,
    RewardItemFactory,
)
from redvest.volunteers.tests.factories import VolunteerFactory


@dataclass(frozen=True)
class Case:
    url: Callable[[Bank], str]
    who: Callable[[Bank], User]
    add: Callable[[Bank], None]
    row_marker: str = ""  # text once per row in the page (pages only)
    present: int = 0  # rows the shared world already has (its merchant, its party-member volunteer)


def _entry(bank: Bank) -> None:
    bank.give(1)


def _fulfilled(bank: Bank) -> None:
    item = RewardItemFactory(org=bank.merchant.org, merchant=bank.merchant)
    RedemptionFactory(
        volunteer=bank.volunteer,
        item=item,
        status=RedemptionStatus.FULFILLED,
        closed_at=timezone.now(),
        closed_by=bank.merchant.operator,
        code="",
    )


def _member(bank: Bank) -> None:
    PioneerEntryFactory(volunteer=VolunteerFactory(org=bank.tree.community_a))


def _my_account(bank: Bank) -> int:
    return PointsAccount.objects.get(kind=AccountKind.VOLUNTEER, volunteer=bank.volunteer).pk


def _vol(b: Bank) -> User:
    return b.volunteer.user  # type: ignore[return-value]


def _item(b: Bank) -> None:
    RewardItemFactory(org=b.point)


def _claim(b: Bank) -> None:
    PointsClaimFactory(volunteer=b.volunteer)


def _merchant(b: Bank) -> None:
    MerchantFactory(org=b.tree.town_b)


def _redemption(b: Bank) -> None:
    RedemptionFactory(volunteer=b.volunteer, item=RewardItemFactory(org=b.point))


def _fund(b: Bank) -> None:
    FundFactory(org=b.tree.town_a)


CASES: dict[str, Case] = {
    "statement-page": Case(url=lambda b: "/points/statement/", who=_vol, add=_entry, row_marker='data-label="余额"'),
    "statement-api": Case(url=lambda b: "/api/v1/points/me/entries", who=_vol, add=_entry),
    "account-statement-api": Case(
        url=lambda b: f"/api/v1/points/accounts/{_my_account(b)}/entries", who=lambda b: b.admin_a, add=_entry
    ),
    "catalog-page": Case(url=lambda b: "/points/catalog/", who=_vol, add=_item, row_marker='data-label="物品"'),
    "catalog-api": Case(url=lambda b: "/api/v1/points/items", who=_vol, add=_item),
    "item-manage-page": Case(
        url=lambda b: "/points/items/", who=lambda b: b.keeper, add=_item, row_marker='data-label="库存"'
    ),
    "claims-page": Case(
        url=lambda b: "/points/claims/", who=lambda b: b.admin_a, add=_claim, row_marker='data-label="事迹"'
    ),
    "claims-api": Case(url=lambda b: "/api/v1/points/claims", who=lambda b: b.admin_a, add=_claim),
    "merchants-page": Case(
        url=lambda b: "/points/merchants/", who=_vol, add=_merchant, row_marker='data-label="商家"', present=1
    ),
    "merchants-api": Case(url=lambda b: "/api/v1/points/merchants", who=_vol, add=_merchant, present=1),
    "redemptions-page": Case(
        url=lambda b: "/points/redemptions/", who=_vol, add=_redemption, row_marker='data-label="核销码"'
    ),
    "redemptions-api": Case(url=lambda b: "/api/v1/points/redemptions", who=_vol, add=_redemption),
    "counter-page": Case(
        url=lambda b: "/points/counter/", who=lambda b: b.keeper, add=_redemption, row_marker='data-label="保留至"'
    ),
    "counter-api": Case(url=lambda b: "/api/v1/points/counter/redemptions", who=lambda b: b.keeper, add=_redemption),
    "funds-page": Case(
        url=lambda b: "/points/funds/", who=lambda b: b.admin_a, add=_fund, row_marker='data-label="基金"'
    ),
    "funds-api": Case(url=lambda b: "/api/v1/points/funds", who=lambda b: b.admin_a, add=_fund),
    "settlement-page": Case(
        url=lambda b: f"/points/merchants/{b.merchant.pk}/settlement/",
        who=lambda b: b.merchant.operator,
        add=_fulfilled,
        row_marker='data-label="核销时间"',
    ),
    "settlement-api": Case(
        url=lambda b: f"/api/v1/points/merchants/{b.merchant.pk}/settlement/items",
        who=lambda b: b.merchant.operator,
        add=_fulfilled,
    ),
    "ranking-page": Case(
        url=lambda b: f"/points/index/ranking/?org={b.tree.town_a.pk}",
        who=lambda b: b.admin_a,
        add=_member,
        row_marker='data-label="先锋指数"',
        present=1,
    ),
    "ranking-api": Case(
        url=lambda b: f"/api/v1/points/index/ranking?org={b.tree.town_a.pk}",
        who=lambda b: b.admin_a,
        add=_member,
        present=1,
    ),
    "pioneer-entries-page": Case(
        url=lambda b: "/points/index/entries/", who=lambda b: b.admin_a, add=_member, row_marker='data-label="事由"'
    ),
    "pioneer-entries-api": Case(url=lambda b: "/api/v1/points/index/entries", who=lambda b: b.admin_a, add=_member),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_query_count_for_one_and_ten_rows(
    bank: Bank, client: Client, name: str, django_assert_num_queries: Any
) -> None:
    case = CASES[name]
    client.force_login(case.who(bank))
    case.add(bank)
    url = case.url(bank)
    client.get(url)  # warm caches that live across requests (content types, sessions)
    with CaptureQueriesContext(connection) as one_row:
        first = client.get(url)
    assert first.status_code == 200, first.content[:500]
    for _ in range(9):
        case.add(bank)
    with django_assert_num_queries(len(one_row)):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "!!MISSING" not in body
    if case.row_marker:
        assert body.count(case.row_marker) == 10 + case.present
    else:
        assert response.json()["count"] == 10 + case.present
        assert len(response.json()["items"]) == 10 + case.present
