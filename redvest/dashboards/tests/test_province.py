"""The province's and city's dashboards compare their counties; exports per county or for the whole
subtree (issue 14.6)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.dashboards.models import DataExport, ExportStatus
from redvest.dashboards.services import dashboards_refresh, data_export_request
from redvest.dashboards.tests.factories import admin_at, county_rows
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import ProvinceTree, org_node
from redvest.volunteers.selectors import VolunteerFilters
from redvest.volunteers.services import volunteer_export_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def ptree(db: Any) -> ProvinceTree:
    tree = ProvinceTree()
    county_rows("甲县", tree.town_a, tree.community_a)
    county_rows("乙县", tree.town_b, tree.community_b)
    county_rows("乙县二", tree.town_b, tree.community_b)
    return tree


def _dashboard(user: Any, node: OrgNode) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/dashboards/{node.pk}")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def _county(town_parent: OrgNode, name: str, code: str) -> OrgNode:
    county = org_node(name=name, kind=OrgKind.ORG_DEPT, code=code, parent=town_parent)
    town = org_node(name=f"{name}街道", kind=OrgKind.TOWN, parent=county)
    community = org_node(name=f"{name}社区", kind=OrgKind.COMMUNITY, parent=town)
    county_rows(name, town, community)
    return county


def test_province_dashboard_compares_its_counties(ptree: ProvinceTree) -> None:
    dashboards_refresh(full=True)
    data = _dashboard(admin_at(ptree.province), ptree.province)
    rows = {r["name"]: r for r in data["counties"]}
    assert list(rows) == ["安吉县委组织部", "长兴县委组织部"]  # most credit hours first
    a, b = rows["长兴县委组织部"], rows["安吉县委组织部"]
    assert (a["volunteers"], b["volunteers"]) == (1, 2)
    assert (a["teams"], b["teams"]) == (1, 2)
    assert b["credit_minutes"] == 2 * a["credit_minutes"] > 0
    assert (b["rank"], a["rank"]) == (1, 2) and a["region"] == "湖州市委组织部"
    assert a["credit_minutes_per_volunteer"] == a["credit_minutes"]
    assert data["totals"]["volunteers"] == 3
    # drill-down: the province's own children are the city, whose children are the counties
    assert [c["name"] for c in data["children"]] == ["湖州市委组织部"]
    city = _dashboard(admin_at(ptree.city), ptree.city)
    assert {c["name"] for c in city["children"]} == {"长兴县委组织部", "安吉县委组织部"}
    assert {r["name"] for r in city["counties"]} == {"长兴县委组织部", "安吉县委组织部"} and city["counties"][0][
        "region"
    ] == ""


def test_county_dashboard_has_no_comparison_and_cannot_open_a_sibling(ptree: ProvinceTree) -> None:
    dashboards_refresh(full=True)
    user = admin_at(ptree.county_a)
    assert _dashboard(user, ptree.county_a)["counties"] == []
    client = Client()
    client.force_login(user)
    assert client.get(f"/api/v1/dashboards/{ptree.county_b.pk}").status_code == 403
    assert client.get(f"/api/v1/dashboards/{ptree.city.pk}").status_code == 403
    assert client.get(f"/dashboards/{ptree.county_b.pk}/").status_code == 403


def test_province_page_shows_the_comparison_with_links_to_each_county(ptree: ProvinceTree) -> None:
    dashboards_refresh(full=True)
    client = Client()
    client.force_login(admin_at(ptree.province))
    page = client.get(f"/dashboards/{ptree.province.pk}/").content.decode()
    assert "各县（市、区）对比" in page
    assert f'href="/dashboards/{ptree.county_a.pk}/"' in page and f'href="/dashboards/{ptree.county_b.pk}/"' in page


def test_comparison_query_count_does_not_grow_with_the_counties(ptree: ProvinceTree) -> None:
    user = admin_at(ptree.province)
    direct = _county(ptree.province, "义乌市委组织部", "330782")  # a county run by the province itself
    dashboards_refresh(full=True)
    _dashboard(user, ptree.province)
    with CaptureQueriesContext(connection) as few:
        few_rows = _dashboard(user, ptree.province)["counties"]
    for i in range(4):
        _county(ptree.city, f"新县{i}", f"33058{i + 1}")
    _county(ptree.province, "温岭市委组织部", "331081")
    dashboards_refresh(full=True)
    with CaptureQueriesContext(connection) as many:
        many_rows = _dashboard(user, ptree.province)["counties"]
    assert (len(few_rows), len(many_rows)) == (3, 8)
    assert len(few.captured_queries) == len(many.captured_queries)
    by_name = {r["name"]: r for r in many_rows}
    assert by_name[direct.name]["volunteers"] == 1 and by_name[direct.name]["region"] == ""


# ---- exports per county ------------------------------------------------------------------------


def _names(export: DataExport) -> set[str]:
    with export.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("姓名")
    return {str(r[column]) for r in rows[1:]}


def _export(user: Any, org: OrgNode, capture: Any) -> DataExport:
    with capture(execute=True):
        export = data_export_request(
            actor=user,
            table="volunteers",
            org_id=org.pk,
            start=timezone.localdate() - datetime.timedelta(days=400),
            end=timezone.localdate(),
        )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    return export


def test_province_admin_exports_one_county_or_the_whole_province(
    ptree: ProvinceTree, django_capture_on_commit_callbacks: Any
) -> None:
    user = admin_at(ptree.province)
    assert _names(_export(user, ptree.county_a, django_capture_on_commit_callbacks)) == {"甲县志愿者"}
    assert _names(_export(user, ptree.county_b, django_capture_on_commit_callbacks)) == {"乙县志愿者", "乙县二志愿者"}
    assert _names(_export(user, ptree.province, django_capture_on_commit_callbacks)) == {
        "甲县志愿者",
        "乙县志愿者",
        "乙县二志愿者",
    }


def test_export_form_offers_each_county_to_a_province_admin_only_own_to_a_county_admin(ptree: ProvinceTree) -> None:
    client = Client()
    client.force_login(admin_at(ptree.province))
    page = client.get("/dashboards/exports/").content.decode()
    assert all(n.name in page for n in (ptree.province, ptree.city, ptree.county_a, ptree.county_b))
    client.force_login(admin_at(ptree.county_a))
    page = client.get("/dashboards/exports/").content.decode()
    assert ptree.county_a.name in page and ptree.county_b.name not in page and ptree.city.name not in page


def test_county_admin_cannot_export_a_sibling_county(ptree: ProvinceTree) -> None:
    with pytest.raises(PermissionDenied):
        data_export_request(
            actor=admin_at(ptree.county_a),
            table="volunteers",
            org_id=ptree.county_b.pk,
            start=timezone.localdate() - datetime.timedelta(days=30),
            end=timezone.localdate(),
        )
    assert not DataExport.objects.exists()


def test_ledger_export_per_county_and_refused_for_a_sibling_county(
    ptree: ProvinceTree, django_capture_on_commit_callbacks: Any
) -> None:
    province = admin_at(ptree.province)
    for org, count in ((ptree.county_a, 1), (ptree.county_b, 2), (ptree.province, 3)):
        with django_capture_on_commit_callbacks(execute=True):
            volunteer_export_request(actor=province, filters=VolunteerFilters(org_id=org.pk))
        entry = AuditEntry.objects.filter(action="export", actor=province).latest("pk")
        assert entry.after is not None and entry.after["count"] == count
    exports = DataExport.objects.count()
    with pytest.raises(PermissionDenied):
        volunteer_export_request(actor=admin_at(ptree.county_b), filters=VolunteerFilters(org_id=ptree.county_a.pk))
    assert DataExport.objects.count() == exports
    assert not AuditEntry.objects.filter(action="export", org=ptree.county_a).exclude(actor=province).exists()
