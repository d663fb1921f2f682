from __future__ import annotations

from typing import Any

import pytest

from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.volunteers.selectors import org_options, volunteer_list
from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db


def names(user: Any, **filters: Any) -> set[str]:
    return set(volunteer_list(user=user, **filters).values_list("name", flat=True))


def test_digits_search_the_number_prefix_and_text_searches_names(ledger: Any) -> None:
    member_of(ledger.team_a, name="王一", number="3305222026000199")
    member_of(ledger.team_a, name="李二", number="3305222026000200")
    member_of(ledger.team_a, name="王三", number="9999999999999999")
    admin = ledger.admin_a
    assert names(admin, q="330522202600019") == {"王一"}
    assert names(admin, q="33052220260002") == {"李二"}
    assert names(admin, q="3305") == {"王一", "李二"}
    assert names(admin, q="999") == {"王三"}
    assert names(admin, q="王") == {"王一", "王三"}
    assert names(admin, q="三") == {"王三"}


def test_org_filter_options_drill_down_from_the_top_of_the_users_tree(ledger: Any) -> None:
    grid = org_node(name="一网格", kind=OrgKind.GRID, parent=ledger.tree.community_a)
    top_level = [label for _, label in org_options(user=ledger.county_admin)]
    assert top_level == ["长兴县", "　雉城街道", "　画溪街道"] or top_level == ["长兴县", "　画溪街道", "　雉城街道"]
    chosen = dict(org_options(user=ledger.county_admin, selected=ledger.tree.community_a.pk))
    assert ledger.tree.community_a.pk in chosen and grid.pk in chosen
    town_admin = [label for _, label in org_options(user=ledger.admin_a)]
    assert town_admin == ["雉城街道", "　城东社区"]
    assert org_options(user=ledger.admin_a, selected=ledger.tree.town_b.pk) == org_options(user=ledger.admin_a)
