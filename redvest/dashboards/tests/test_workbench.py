"""An administrator's workbench shows their subtree's figures as the 数据看板 counts them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.tests.factories import UserFactory
from redvest.dashboards.selectors import admin_overview, dashboard_get
from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import County, admin_at, county
from redvest.dashboards.todos import figures


def test_admin_figures_agree_with_the_dashboard_totals(world: County) -> None:
    dashboards_refresh(full=True)
    admin = admin_at(world.tree.town_a)
    overview = admin_overview(user=admin)
    assert overview is not None and overview.node == world.tree.town_a
    totals = dashboard_get(user=admin, org_id=world.tree.town_a.pk).panels["totals"]
    assert (overview.volunteers, overview.teams) == (totals["volunteers"], totals["teams"]) == (2, 2)
    assert overview.credit_minutes <= totals["credit_minutes"]  # this year's share of the last 12 months
    shown = {f.label: f.value for f in figures(admin)}
    assert shown[f"{world.tree.town_a.name}在册志愿者"] == "2名"
    assert shown[f"{timezone.localdate().year}年服务时长"] == f"{overview.credit_minutes // 60}小时"


def test_people_who_administer_nothing_get_no_subtree_figures(world: County) -> None:
    assert admin_overview(user=UserFactory()) is None
    assert figures(UserFactory()) == []


def test_workbench_shows_the_figures_with_a_link_to_the_dashboard(world: County) -> None:
    dashboards_refresh(full=True)
    client = Client()
    client.force_login(admin_at(world.tree.town_a))
    html = client.get("/").content.decode()
    assert f"{world.tree.town_a.name}在册志愿者" in html
    assert reverse("dashboards:dashboard", args=[world.tree.town_a.pk]) in html


@pytest.mark.parametrize("extra_towns", [0, 3])
def test_admin_overview_takes_the_same_queries_as_the_county_grows(
    extra_towns: int, django_assert_num_queries, db: None
) -> None:  # type: ignore[no-untyped-def]
    world = county(extra_towns=extra_towns)
    dashboards_refresh(full=True)
    admin = admin_at(world.tree.county)
    with django_assert_num_queries(5):  # grants (2), the home node, the stock sum, the year's sum
        admin_overview(user=admin)
