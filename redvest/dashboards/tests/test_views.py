"""Dashboard and big-screen pages: who opens which node, drill-down links, constant query counts."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import UserFactory
from redvest.dashboards.services import dashboards_refresh
from redvest.dashboards.tests.factories import County, admin_at, county
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _data(response: object) -> dict[str, object]:
    content = response.content.decode()  # type: ignore[attr-defined]
    start = content.index('<script id="dashboard-data" type="application/json">') + len(
        '<script id="dashboard-data" type="application/json">'
    )
    return json.loads(content[start : content.index("</script>", start)])  # type: ignore[no-any-return]


def test_org_admin_starts_at_their_node_and_sees_one_figure_per_child(world: County) -> None:
    dashboards_refresh(full=True)
    client = _client(admin_at(world.tree.town_a))
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:dashboard", args=[world.tree.town_a.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "数据更新于" in text and "echarts-6.1.0.min.js" in text
    # Every script is served from our own static files, never a CDN (government intranets).
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', text)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    data = _data(page)
    names = [c["name"] for c in data["children"]]  # type: ignore[union-attr]
    assert world.tree.community_a.name in names
    assert f"{world.tree.town_a.name}（本级）" in names
    assert reverse("dashboards:dashboard", args=[world.tree.community_a.pk]) in text  # the drill-down link list
    assert data["totals"]["volunteers"] == 2  # type: ignore[index]


def test_system_admin_starts_at_the_root(world: County) -> None:
    client = _client(admin_at(world.tree.county, role=Role.SYSTEM_ADMIN))
    response = client.get(reverse("dashboards:home"))
    assert response["Location"] == reverse("dashboards:dashboard", args=[world.tree.county.pk])


def test_org_admin_drills_down_into_a_child(world: County) -> None:
    client = _client(admin_at(world.tree.town_a))
    page = client.get(reverse("dashboards:dashboard", args=[world.tree.community_a.pk]))
    assert page.status_code == 200
    crumbs = [c["name"] for c in _data(page)["breadcrumb"]]  # type: ignore[union-attr]
    assert crumbs == [world.tree.town_a.name, world.tree.community_a.name]  # never above their own node


@pytest.mark.parametrize("target", ["town_b", "county"])
def test_org_admin_cannot_open_a_sibling_or_ancestor_dashboard(world: County, target: str) -> None:
    client = _client(admin_at(world.tree.town_a))
    node = getattr(world.tree, target)
    for name in ("dashboards:dashboard", "dashboards:big-screen"):
        response = client.get(reverse(name, args=[node.pk]))
        assert response.status_code == 403
        assert "不在您的管理范围内" in response.content.decode()
    response = client.get(reverse("dashboards:data", args=[node.pk]))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_unknown_node_is_not_found(world: County) -> None:
    client = _client(admin_at(world.tree.town_a))
    assert client.get(reverse("dashboards:dashboard", args=[999999])).status_code == 404


def test_volunteer_has_no_dashboard(world: County) -> None:
    user = UserFactory()
    VolunteerFactory(org=world.tree.town_a, user=user)
    response = _client(user).get(reverse("dashboards:home"))
    assert response.status_code == 403
    assert "仅对管理员和调度员开放" in response.content.decode()


def test_dispatcher_sees_only_the_requests_panel(world: County) -> None:
    client = _client(admin_at(world.tree.town_a, role=Role.DISPATCHER))
    page = client.get(reverse("dashboards:home"), follow=True)
    assert page.status_code == 200
    data = _data(page)
    assert data["access"] == "requests"
    assert "totals" not in data and "stations" not in data
    assert data["requests"]["open_now"] == 2  # type: ignore[index]
    assert client.get(reverse("dashboards:dashboard", args=[world.tree.town_b.pk])).status_code == 403


def test_big_screen_renders_dark_and_refreshes_every_minute(world: County) -> None:
    dashboards_refresh(full=True)
    client = _client(admin_at(world.tree.county))
    response = client.get(reverse("dashboards:big-screen-home"), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-theme="dark"' in text and 'data-refresh-seconds="60"' in text
    assert reverse("dashboards:data", args=[world.tree.county.pk]) in text
    assert 'id="chart-stations"' in text and "数据更新于" in text


def test_data_json_has_every_panel(world: County) -> None:
    dashboards_refresh(full=True)
    client = _client(admin_at(world.tree.county))
    data = client.get(reverse("dashboards:data", args=[world.tree.county.pk])).json()
    assert set(data) >= {"children", "trend", "months", "political", "requests", "satisfaction", "stations", "care"}
    assert len(data["months"]) == 12
    assert sum(data["trend"]["credit_minutes"]) > 0
    assert data["satisfaction"][0] == {"name": "满意", "value": 3}
    assert {s["name"] for s in data["stations"]} == {"服务点town_a", "服务点community_a", "服务点town_b"}
    assert all(s["shortfall"] for s in data["stations"])  # never inspected: falls short of 五有
    assert data["requests"]["response_p50"] == 12
    assert data["care"]["visits"] == 1  # this month's visit, from the care app's selector
    assert sum(data["trend"]["care_visits"]) == 2


def _queries(path: str, user: object) -> int:
    client = _client(user)
    client.get(path)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_the_tree(db: None) -> None:
    small = county()
    dashboards_refresh(full=True)
    user = admin_at(small.tree.county)
    counts_small = [
        _queries(reverse(name, args=[small.tree.county.pk]), user)
        for name in ("dashboards:dashboard", "dashboards:big-screen", "dashboards:data")
    ]
    from redvest.dashboards.tests.factories import _fill
    from redvest.orgs.models import OrgKind
    from redvest.orgs.tests.factories import org_node

    for i in range(6):
        town = org_node(name=f"扩展镇{i}", kind=OrgKind.TOWN, parent=small.tree.county)
        _fill(town, volunteers=[VolunteerFactory(org=town) for _ in range(3)], suffix=f"more{i}")
    dashboards_refresh(full=True)
    counts_large = [
        _queries(reverse(name, args=[small.tree.county.pk]), user)
        for name in ("dashboards:dashboard", "dashboards:big-screen", "dashboards:data")
    ]
    assert counts_small == counts_large


def test_update_time_shows_the_date_when_the_last_refresh_was_not_today(db: None) -> None:
    import datetime

    from django.utils import timezone

    from redvest.dashboards.models import RefreshRun
    from redvest.orgs.tests.factories import OrgTree

    tree = OrgTree()
    client = _client(admin_at(tree.town_a))
    url = reverse("dashboards:dashboard", args=[tree.town_a.pk])
    assert '数据更新于 <span id="updated-label">尚未汇总</span>' in client.get(url).content.decode()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    RefreshRun.objects.create(started_at=yesterday, finished_at=yesterday)
    label = timezone.localtime(yesterday).strftime("%m-%d %H:%M")
    assert f'<span id="updated-label">{label}</span>' in client.get(url).content.decode()


def _as_a_browser_posts(html: str) -> dict[str, str]:
    """The export form's fields as a browser sends them: a `type=date` value that is not ISO is dropped
    (browsers keep only YYYY-MM-DD), a select sends its selected option or else its first one."""
    form = html[
        html.index('<form method="post" id="export-form"') : html.index("</form>", html.index('id="export-form"'))
    ]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, kind = re.search(r'name="([^"]+)"', tag), re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or (kind and kind.group(1) == "checkbox"):
            continue
        text = value.group(1) if value else ""
        if kind and kind.group(1) == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            text = ""
        data[name.group(1)] = text
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        options = re.findall(r'<option value="([^"]*)"([^>]*)>', body)
        chosen = [v for v, attrs in options if "selected" in attrs] or [v for v, _ in options]
        data[name] = chosen[0]
    return data


def test_export_form_default_period_posts_back_as_offered(world: County) -> None:
    client = _client(admin_at(world.tree.county))
    page = client.get(reverse("dashboards:export"))
    posted = _as_a_browser_posts(page.content.decode())
    assert posted["start"] and posted["end"]
    response = client.post(reverse("dashboards:export"), posted)
    assert response.status_code == 302
