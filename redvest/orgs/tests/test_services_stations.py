from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.audit.models import AuditEntry
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.orgs.models import FiveHaveEvidence, FiveHaveInspection, FiveHaveItem, FiveHaveKind, Station
from redvest.orgs.services import EVIDENCE_MAX_BYTES, fivehave_evidence_add, fivehave_inspect, station_update
from redvest.orgs.tests.factories import OrgTree, role_user, station_node

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
DOCX = b"PK\x03\x04" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def station(tree: OrgTree) -> Station:
    return station_node(parent=tree.community_a)


@pytest.fixture
def keeper(station: Station) -> Any:
    return role_user(role=Role.STATION_KEEPER, org=station.node)


# ---- station info --------------------------------------------------------------------------------


def test_keeper_updates_own_station_with_audit(station: Station, keeper: Any) -> None:
    station_update(
        actor=keeper,
        station=station,
        address="长兴县雉城街道城东路8号",
        latitude="31.026811",
        longitude=Decimal("119.910623"),
        opening_hours="周一至周五 08:30-17:30",
        contact_name="王站长",
        contact_phone="0572-6021234",
    )
    station.refresh_from_db()
    assert station.latitude == Decimal("31.026811") and station.longitude == Decimal("119.910623")
    entry = AuditEntry.objects.get(target_type="orgs.station", action="update")
    assert entry.after is not None and entry.after["contact_name"] == "王站长"
    assert entry.before is not None and entry.before["contact_name"] == ""


def test_coordinates_are_rounded_to_six_places(station: Station, keeper: Any) -> None:
    station_update(actor=keeper, station=station, latitude=31.12345678, longitude=119.1)
    station.refresh_from_db()
    assert station.latitude == Decimal("31.123457")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "91", "longitude": "119"}, "latitude"),
        ({"latitude": "-90.5", "longitude": "119"}, "latitude"),
        ({"latitude": "30", "longitude": "180.01"}, "longitude"),
        ({"latitude": "北纬30", "longitude": "119"}, "latitude"),
        ({"latitude": "NaN", "longitude": "119"}, "latitude"),
        ({"latitude": "Infinity", "longitude": "119"}, "latitude"),
        ({"latitude": "30"}, "longitude"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"address": "地" * 201}, "address"),
    ],
)
def test_bad_station_input_is_refused_and_writes_nothing(
    station: Station, keeper: Any, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        station_update(actor=keeper, station=station, **changes)  # type: ignore[arg-type]
    assert field in exc.value.errors
    fresh = Station.objects.get(pk=station.pk)
    assert (fresh.latitude, fresh.longitude, fresh.contact_phone, fresh.address) == (
        None,
        None,
        "",
        station.address,
    )
    assert not AuditEntry.objects.filter(target_type="orgs.station").exists()


def test_clearing_both_coordinates_is_allowed(station: Station, keeper: Any) -> None:
    station_update(actor=keeper, station=station, latitude="30", longitude="119")
    station_update(actor=keeper, station=station, latitude=None, longitude="")
    station.refresh_from_db()
    assert station.latitude is None and station.longitude is None


def test_keeper_cannot_change_another_station(tree: OrgTree, keeper: Any) -> None:
    other = station_node(parent=tree.town_b, name="画溪服务点")
    with pytest.raises(PermissionDenied):
        station_update(actor=keeper, station=other, address="别处")


def test_dispatcher_cannot_change_stations(tree: OrgTree, station: Station) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.county)
    with pytest.raises(PermissionDenied):
        station_update(actor=dispatcher, station=station, address="别处")


def test_org_admin_of_town_b_cannot_change_town_a_station(station: Station, town_b_admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        station_update(actor=town_b_admin, station=station, address="别处")


# ---- evidence ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("标识照片.png", PNG), ("场地.PDF", PDF), ("制度.docx", DOCX), ("x.jpg", b"\xff\xd8\xff\xe0" + b"0" * 9)],
)
def test_keeper_uploads_evidence(station: Station, keeper: Any, name: str, content: bytes) -> None:
    evidence = fivehave_evidence_add(
        actor=keeper, station=station, kind=FiveHaveKind.LOGO, file=upload(name, content), note="门口标牌"
    )
    assert evidence.original_name == name and evidence.size == len(content)
    assert evidence.item.kind == FiveHaveKind.LOGO and evidence.uploaded_by == keeper
    assert evidence.file.read() == content
    assert name not in evidence.file.name  # stored under a random name
    assert AuditEntry.objects.filter(target_type="orgs.fivehaveevidence", action="create").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * EVIDENCE_MAX_BYTES, "5MB"),
        ("virus.exe", b"MZ" + b"0" * 64, "不支持的文件类型"),
        ("page.html", b"<html></html>", "不支持的文件类型"),
        ("noext", PNG, "不支持的文件类型"),
        ("fake.pdf", b"#!/bin/sh\nrm -rf /", "不符"),
        ("fake.png", PDF, "不符"),
        ("empty.png", b"", "空"),
    ],
)
def test_bad_evidence_is_refused_and_writes_nothing(
    station: Station, keeper: Any, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        fivehave_evidence_add(actor=keeper, station=station, kind=FiveHaveKind.VENUE, file=upload(name, content))
    assert message in exc.value.errors["file"]
    assert not FiveHaveEvidence.objects.exists()
    assert media_files() == []
    assert not AuditEntry.objects.filter(target_type="orgs.fivehaveevidence").exists()


def test_dispatcher_cannot_upload_evidence(tree: OrgTree, station: Station) -> None:
    dispatcher = role_user(role=Role.DISPATCHER, org=tree.county)
    with pytest.raises(PermissionDenied):
        fivehave_evidence_add(actor=dispatcher, station=station, kind="logo", file=upload("a.png", PNG))
    assert media_files() == []


def test_evidence_for_a_station_created_without_items_fills_the_checklist(tree: OrgTree, town_a_admin: Any) -> None:
    bare = Station.objects.create(node=tree.community_a)
    fivehave_evidence_add(actor=town_a_admin, station=bare, kind="funds", file=upload("a.png", PNG))
    assert FiveHaveItem.objects.filter(station=bare).count() == 6


def test_unknown_item_kind_is_not_found(station: Station, keeper: Any) -> None:
    with pytest.raises(NotFound):
        fivehave_evidence_add(actor=keeper, station=station, kind="wifi", file=upload("a.png", PNG))


# ---- inspections ---------------------------------------------------------------------------------


def test_admin_inspection_appends_to_history(station: Station, town_a_admin: Any) -> None:
    today = timezone.localdate()
    fivehave_inspect(
        actor=town_a_admin, station=station, kind="rules", inspected_on=today, result="fail", notes="制度未上墙"
    )
    fivehave_inspect(actor=town_a_admin, station=station, kind="rules", inspected_on=today, result="pass")
    history = list(FiveHaveInspection.objects.filter(item__station=station, item__kind="rules"))
    assert [i.result for i in history] == ["pass", "fail"]  # newest first
    assert all(i.inspector == town_a_admin for i in history)
    assert AuditEntry.objects.filter(target_type="orgs.fivehaveinspection").count() == 2


@pytest.mark.parametrize(
    ("days_ahead", "result", "field"),
    [(1, "pass", "inspected_on"), (0, "maybe", "result"), (0, "", "result")],
)
def test_bad_inspection_is_refused_and_writes_nothing(
    station: Station, town_a_admin: Any, days_ahead: int, result: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        fivehave_inspect(
            actor=town_a_admin,
            station=station,
            kind="logo",
            inspected_on=timezone.localdate() + datetime.timedelta(days=days_ahead),
            result=result,
        )
    assert field in exc.value.errors
    assert not FiveHaveInspection.objects.exists()


def test_future_date_message_is_clear(station: Station, town_a_admin: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        fivehave_inspect(actor=town_a_admin, station=station, kind="logo", inspected_on=tomorrow, result="pass")
    assert exc.value.errors["inspected_on"] == "检查日期不能晚于今天"


def test_keeper_cannot_inspect_own_station(station: Station, keeper: Any) -> None:
    with pytest.raises(PermissionDenied):
        fivehave_inspect(actor=keeper, station=station, kind="logo", inspected_on=timezone.localdate(), result="pass")


def test_other_town_admin_cannot_inspect(station: Station, town_b_admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        fivehave_inspect(
            actor=town_b_admin, station=station, kind="logo", inspected_on=timezone.localdate(), result="pass"
        )
