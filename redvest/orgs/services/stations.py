"""Stations (阵地) and their 五有 checklist: details, evidence files checked by content, inspections."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.policy import can, can_administer
from redvest.orgs.models import (
    FiveHaveEvidence,
    FiveHaveInspection,
    FiveHaveItem,
    FiveHaveKind,
    InspectionResult,
    OrgNode,
    Station,
    StationAmenity,
)
from redvest.orgs.services._common import ONE_LINE_BAD, UNSET, Unset, both_or_neither, clean_text, coordinate

if TYPE_CHECKING:
    from redvest.accounts.models import User  # writers are typed as accounts' users; orgs does not import accounts

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc/.xls/.ppt)
_ZIP = b"PK\x03\x04"  # Office Open XML (.docx/.xlsx/.pptx)
# Allowed evidence: extension -> accepted leading bytes. The name and the content must agree,
# so a renamed executable or script is refused.
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF-",),
    "doc": (_OLE2,),
    "xls": (_OLE2,),
    "ppt": (_OLE2,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
}


_CONTACT_PHONE = re.compile(r"^[0-9+\-() 转]{5,30}$")


def station_open(node: OrgNode) -> Station:
    station, _ = Station.objects.get_or_create(node=node)
    _checklist_ensure(station)
    return station


def _checklist_ensure(station: Station) -> None:
    """Every station carries all six 五有 items, however it was created."""
    have = set(FiveHaveItem.objects.filter(station=station).values_list("kind", flat=True))
    FiveHaveItem.objects.bulk_create([FiveHaveItem(station=station, kind=k) for k in FiveHaveKind if k not in have])


def _lock_station(station: Station) -> Station:
    try:
        return Station.objects.select_for_update(of=("self",)).select_related("node").get(pk=station.pk)
    except Station.DoesNotExist as exc:
        raise NotFound("站点不存在") from exc


@transaction.atomic
def station_update(
    *,
    actor: User,
    station: Station,
    address: str | Unset = UNSET,
    latitude: Decimal | float | str | None | Unset = UNSET,
    longitude: Decimal | float | str | None | Unset = UNSET,
    opening_hours: str | Unset = UNSET,
    contact_name: str | Unset = UNSET,
    contact_phone: str | Unset = UNSET,
    amenities: list[str] | Unset = UNSET,
) -> Station:
    """Edit a station's address, coordinates (both or neither, within range), hours, contact and the
    amenities the public portal lists. Raises PermissionDenied, ValidationFailed."""
    station = _lock_station(station)
    if not can(actor, "change", station):
        raise PermissionDenied("您无权修改该站点")
    before = snapshot(station)
    errors: dict[str, str] = {}
    if not isinstance(address, Unset):
        station.address = clean_text(address, field="address", label="地址", max_length=200, errors=errors)
    if not isinstance(latitude, Unset):
        station.latitude = coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors)
    if not isinstance(longitude, Unset):
        station.longitude = coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors)
    if not isinstance(opening_hours, Unset):
        station.opening_hours = clean_text(
            opening_hours, field="opening_hours", label="开放时间", max_length=100, errors=errors
        )
    if not isinstance(contact_name, Unset):
        station.contact_name = clean_text(
            contact_name, field="contact_name", label="联系人", max_length=50, errors=errors
        )
    if not isinstance(contact_phone, Unset):
        phone = clean_text(contact_phone, field="contact_phone", label="联系电话", max_length=30, errors=errors)
        if phone and "contact_phone" not in errors and not _CONTACT_PHONE.match(phone):
            errors["contact_phone"] = "联系电话格式不正确，请填写手机号或座机号（如0572-6021234）"
        station.contact_phone = phone
    if not isinstance(amenities, Unset):
        unknown = [a for a in amenities or [] if a not in StationAmenity.values]
        if unknown:
            errors["amenities"] = f"便民服务选项无效：{'、'.join(str(a) for a in unknown)[:100]}"
        station.amenities = [a for a in StationAmenity.values if a in (amenities or [])]
    both_or_neither(station.latitude, station.longitude, errors)
    if errors:
        raise ValidationFailed(errors)
    station.save()
    changed_before, changed_after = diff(before, snapshot(station))
    if changed_after:
        audit_record(
            actor=actor, action="update", target=station, org=station.node, before=changed_before, after=changed_after
        )
    return station


def _item_for(station: Station, kind: str) -> FiveHaveItem:
    if kind not in FiveHaveKind.values:
        raise NotFound("五有项目不存在")
    _checklist_ensure(station)
    return FiveHaveItem.objects.select_for_update(of=("self",)).get(station=station, kind=kind)


def _evidence_extension(file: UploadedFile) -> str:
    """The checked extension of an upload; raises ValidationFailed on a wrong type or size."""
    allowed = "、".join(sorted(EVIDENCE_SIGNATURES))
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationFailed({"file": f"不支持的文件类型，请上传图片、PDF或Office文档（{allowed}）"})
    size = file.size or 0
    if size == 0:
        raise ValidationFailed({"file": "文件是空的"})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationFailed({"file": "文件不能超过5MB"})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    signatures = EVIDENCE_SIGNATURES[extension]
    if not any(head.startswith(sig) for sig in signatures) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise ValidationFailed({"file": "文件内容与扩展名不符，请上传真实的图片、PDF或Office文档"})
    return extension


@transaction.atomic
def fivehave_evidence_add(
    *, actor: User, station: Station, kind: str, file: UploadedFile, note: str = ""
) -> FiveHaveEvidence:
    """Attach evidence to one 五有 item: images, PDF or Office documents up to 5 MB whose content
    matches the name. Raises PermissionDenied, ValidationFailed."""
    station = _lock_station(station)
    if not can(actor, "change", station):
        raise PermissionDenied("您无权为该站点上传佐证材料")
    item = _item_for(station, kind)
    errors: dict[str, str] = {}
    note = clean_text(note, field="note", label="说明", max_length=200, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    extension = _evidence_extension(file)
    original = ONE_LINE_BAD.sub("", PurePath(file.name or "").name)[-200:]
    evidence = FiveHaveEvidence(item=item, original_name=original, size=file.size or 0, note=note, uploaded_by=actor)
    evidence.file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)
    stored = str(evidence.file.name)
    try:
        evidence.save()
        audit_record(
            actor=actor,
            action="create",
            target=evidence,
            org=station.node,
            after={"item": kind, "file": original, "size": evidence.size, "note": note},
        )
    except Exception:
        default_storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def fivehave_inspect(
    *, actor: User, station: Station, kind: str, inspected_on: date, result: str, notes: str = ""
) -> FiveHaveInspection:
    """Append an inspection by the actor, who must administer the station (not merely keep it); the
    date may not be in the future. Raises PermissionDenied, ValidationFailed."""
    station = _lock_station(station)
    if not can_administer(actor, station.node):
        raise PermissionDenied("只有上级组织管理员可以登记五有检查")
    errors: dict[str, str] = {}
    if not isinstance(inspected_on, date):
        errors["inspected_on"] = "请填写检查日期"
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天"
    if result not in InspectionResult.values:
        errors["result"] = "请选择检查结果（达标/未达标）"
    notes = clean_text(notes, field="notes", label="备注", max_length=2000, errors=errors, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    item = _item_for(station, kind)
    inspection = FiveHaveInspection.objects.create(
        item=item, inspector=actor, inspected_on=inspected_on, result=result, notes=notes
    )
    audit_record(
        actor=actor,
        action="create",
        target=inspection,
        org=station.node,
        after={
            "item": item.get_kind_display(),
            "inspected_on": inspected_on.isoformat(),
            "result": result,
            "notes": notes,
        },
    )
    return inspection
