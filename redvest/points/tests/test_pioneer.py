"""The pioneer index: SQL scoring from totals, per-org weights, grades, ranking scope, breakdown, export."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from redvest.core.errors import DomainError, PermissionDenied
from redvest.points.models import EntryCategory, GradeMode
from redvest.points.selectors import pioneer_breakdown, pioneer_ranking
from redvest.points.services import ConfigData, pioneer_config_set, pioneer_entry_add, pioneer_entry_revoke
from redvest.points.tests.conftest import Bank
from redvest.points.tests.factories import MemberYearTotalFactory, PioneerConfigFactory
from redvest.records.models import RecordKind, ServiceTotal
from redvest.volunteers.models import PoliticalStatus, Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

YEAR = timezone.localdate().year


def _member(bank: Bank, *, org: object = None, minutes: int = 0, points: int = 0, **kw: object) -> Volunteer:
    volunteer = VolunteerFactory(org=org or bank.tree.community_a, **kw)
    if minutes:
        ServiceTotal.objects.create(
            volunteer=volunteer, org=volunteer.org, year=YEAR, kind=RecordKind.CREDIT, minutes=minutes
        )
    if points:
        MemberYearTotalFactory(volunteer=volunteer, year=YEAR, points_earned=points)
    return volunteer


def test_score_is_base_plus_hours_plus_points_plus_bonus_minus_deductions(bank: Bank) -> None:
    member = _member(bank, minutes=20 * 60, points=300)  # 20 h × 0.5 = 10; 300 points × 1/100 = 3
    pioneer_entry_add(
        actor=bank.admin_a, volunteer=member, year=YEAR, category=EntryCategory.AWARD, reason="县级优秀志愿者"
    )
    pioneer_entry_add(
        actor=bank.admin_a, volunteer=member, year=YEAR, category=EntryCategory.COMPLAINT, reason="服务对象投诉属实"
    )
    b = pioneer_breakdown(volunteer=member, year=YEAR)
    assert b.base == 60
    assert b.hours_score == Decimal("10.00")
    assert b.points_score == Decimal("3.00")
    assert (b.bonus, b.deduction) == (5, -5)
    assert b.score == Decimal("73.00")
    assert b.grade_label == "一般"


def test_revoked_entries_no_longer_count(bank: Bank) -> None:
    member = _member(bank)
    entry = pioneer_entry_add(
        actor=bank.admin_a, volunteer=member, year=YEAR, category=EntryCategory.VIOLATION, reason="违反服务纪律"
    )
    assert pioneer_breakdown(volunteer=member, year=YEAR).score == Decimal("50.00")
    pioneer_entry_revoke(actor=bank.admin_a, entry=entry, reason="经复核不属实")
    assert pioneer_breakdown(volunteer=member, year=YEAR).score == Decimal("60.00")


def test_ranking_orders_by_score_and_grades_by_threshold(bank: Bank) -> None:
    top = _member(bank, minutes=80 * 60)  # 60 + 40 = 100
    middle = _member(bank, minutes=40 * 60)  # 80
    _member(bank, political_status=PoliticalStatus.MASSES, minutes=999 * 60)  # not a party member
    result = pioneer_ranking(user=bank.admin_a, org=bank.tree.town_a, year=YEAR)
    names = [r.volunteer.pk for r in result.rows]
    assert names[:2] == [top.pk, middle.pk]
    assert result.count == 3  # top, middle and the shared volunteer
    assert [r.grade_label for r in result.rows] == ["优秀", "良好", "一般"]


def test_ranking_grades_by_percentile_when_configured(bank: Bank) -> None:
    PioneerConfigFactory(
        org=bank.tree.town_a, grade_mode=GradeMode.PERCENTILE, excellent_pct=25, good_pct=50, fair_pct=75
    )
    for hours in (10, 20, 30):
        _member(bank, minutes=hours * 60)
    result = pioneer_ranking(user=bank.admin_a, org=bank.tree.town_a, year=YEAR)
    assert [r.grade_label for r in result.rows] == ["优秀", "良好", "一般", "较差"]


def test_each_member_is_weighed_by_their_own_org_config(bank: Bank) -> None:
    PioneerConfigFactory(org=bank.tree.community_a, hour_weight_centi=200)  # 2 per hour under community_a
    inside = _member(bank, minutes=10 * 60)
    outside = _member(bank, org=bank.tree.town_a, minutes=10 * 60)
    scores = {
        r.volunteer.pk: r.score for r in pioneer_ranking(user=bank.county_admin, org=bank.tree.county, year=YEAR).rows
    }
    assert scores[inside.pk] == Decimal("80.00")
    assert scores[outside.pk] == Decimal("65.00")


def test_town_admin_cannot_rank_the_other_town(bank: Bank) -> None:
    with pytest.raises(PermissionDenied):
        pioneer_ranking(user=bank.admin_a, org=bank.tree.town_b, year=YEAR)


def test_entries_only_for_party_members_in_the_admins_subtree(bank: Bank) -> None:
    masses = _member(bank, political_status=PoliticalStatus.MASSES)
    with pytest.raises(DomainError, match="只适用于中共党员"):
        pioneer_entry_add(actor=bank.admin_a, volunteer=masses, year=YEAR, category=EntryCategory.AWARD, reason="表彰")
    other_town = _member(bank, org=bank.tree.town_b)
    with pytest.raises(PermissionDenied):
        pioneer_entry_add(
            actor=bank.admin_a, volunteer=other_town, year=YEAR, category=EntryCategory.AWARD, reason="表彰"
        )


def test_entry_needs_a_reason(bank: Bank) -> None:
    with pytest.raises(DomainError, match="请填写事由"):
        pioneer_entry_add(
            actor=bank.admin_a, volunteer=bank.volunteer, year=YEAR, category=EntryCategory.AWARD, reason=" "
        )


def test_config_rejects_unordered_thresholds(bank: Bank) -> None:
    with pytest.raises(DomainError, match="优秀 ≥ 良好 ≥ 一般"):
        pioneer_config_set(actor=bank.admin_a, org=bank.tree.town_a, data=ConfigData(excellent_min=70, good_min=80))


def test_member_sees_own_breakdown_page(bank: Bank, client: Client) -> None:
    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    body = client.get("/points/index/").content.decode()
    assert "党员先锋指数" in body and "60.00" in body


def test_admin_exports_the_ranking_in_the_background(
    bank: Bank, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from redvest.audit.models import AuditEntry
    from redvest.dashboards.tests.export_helpers import queued_export

    _member(bank, minutes=600)
    client.force_login(bank.admin_a)
    url = f"/points/index/ranking/?org={bank.tree.town_a.pk}&year={YEAR}"
    export, content = queued_export(client, django_capture_on_commit_callbacks, url)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "先锋指数排名" in str(rows[0][0]) and rows[1][0] == "排名"
    assert len(rows) == 2 + 2 and (export.row_count, export.total) == (2, 2)
    assert AuditEntry.objects.filter(action="export", actor=bank.admin_a).exists()
    _, csv_content = queued_export(client, django_capture_on_commit_callbacks, url, fmt="csv")
    lines = csv_content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("排名,姓名") and len(lines) == 4


def test_ranking_export_is_refused_to_a_member(bank: Bank, client: Client) -> None:
    from redvest.dashboards.models import DataExport

    client.force_login(bank.volunteer.user)  # type: ignore[arg-type]
    response = client.post(f"/points/index/ranking/?org={bank.tree.town_a.pk}&year={YEAR}", {"format": "xlsx"})
    assert response.status_code == 403 and not DataExport.objects.exists()
