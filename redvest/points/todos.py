"""The points bank's part of the workbench: a volunteer's balance, a merchant's counter and settlement."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.core.errors import DomainError
from redvest.core.workbench import Figure, Todo
from redvest.points.models import MerchantStatus
from redvest.points.selectors import my_merchants, my_points
from redvest.points.selectors.rewards import merchant_held_count


def todos(user: Any) -> list[Todo]:
    merchants = my_merchants(user=user).filter(status=MerchantStatus.APPROVED)
    first = merchants.first()
    if first is None:
        return []
    return [
        Todo("柜台核销", url=reverse("points:counter"), order=1),
        Todo("待核销的兑换", url=reverse("points:counter"), count=merchant_held_count(merchants=merchants), order=2),
        Todo("月度结算", url=reverse("points:merchant-settlement", args=[first.pk]), order=3),
    ]


def figures(user: Any) -> list[Figure]:
    try:
        mine = my_points(user=user)
    except DomainError:
        return []
    url = reverse("points:home")
    return [
        Figure("积分余额", str(mine.balance), url=url, order=4),
        Figure(f"{mine.year}年获得积分", str(mine.earned_this_year), url=url, order=5),
    ]
