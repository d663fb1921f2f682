"""Writes over the org tree: nodes, stations and their 五有 checklist, and role assignments at a node.

Every write is one transaction with its audit row; bad input raises a DomainError before anything
is written. Permissions are asked of `redvest.accounts.policy` only.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, Final

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from redvest.accounts.models import ASSIGNABLE_ROLES, Role, RoleAssignment, User
from redvest.accounts.policy import can, can_administer, can_manage_under, is_system_admin
from redvest.accounts.services import role_assign, user_create
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.crypto import blind_index
from redvest.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error
from redvest.orgs.models import (
    STATION_KINDS,
    FiveHaveEvidence,
    FiveHaveInspection,
    FiveHaveItem,
    FiveHaveKind,
    InspectionResult,
    OrgKind,
    OrgNode,
    Station,
    StationAmenity,
)


class _Unset:
    """Marks a PATCH field the caller did not send (None is a value: it clears the field)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

TEAM_MIN_SIZE_RANGE = (1, 200)
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
_ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTACT_PHONE = re.compile(r"^[0-9+\-() 转]{5,30}$")
_USERNAME = re.compile(r"^[\w.@+-]{3,150}$")


class InvalidMove(DomainError):
    code = "invalid_move"
    default_message = "不能把节点移动到它自身或它的下级节点之下"


class NodeNotEmpty(Conflict):
    code = "node_not_empty"


# ---- small validators (collect field errors, raise once) --------------------------------------


def _text(
    value: Any,
    *,
    field: str,
    label: str,
    max_length: int,
    errors: dict[str, str],
    required: bool = False,
    multiline: bool = False,
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = f"请填写{label}"
    elif len(text) > max_length:
        errors[field] = f"{label}不能超过{max_length}个字符"
    elif (_MULTI_LINE_BAD if multiline else _ONE_LINE_BAD).search(text):
        errors[field] = f"{label}含有无效字符"
    return text


def _kind(value: Any, errors: dict[str, str]) -> str:
    if value not in OrgKind.values:
        errors["kind"] = "请选择有效的节点类型"
    return str(value)


def _team_min_size(value: Any, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    low, high = TEAM_MIN_SIZE_RANGE
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors["team_min_size"] = "服务队最少人数必须是整数"
        return None
    if not low <= number <= high:
        errors["team_min_size"] = f"服务队最少人数应在{low}到{high}之间"
    return number


def _both_or_neither(latitude: Decimal | None, longitude: Decimal | None, errors: dict[str, str]) -> None:
    if not errors and (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = "经度和纬度需同时填写"


def _coordinate(value: Any, *, field: str, label: str, limit: int, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = f"{label}必须是数字"
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = f"{label}应在-{limit}到{limit}之间"
        return None
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _lock_node(node: OrgNode) -> OrgNode:
    """The current row under a lock: tree fields of an in-memory node go stale after any move."""
    try:
        return OrgNode.objects.select_for_update(of=("self",)).get(pk=node.pk)
    except OrgNode.DoesNotExist as exc:
        raise NotFound("组织节点不存在") from exc


def _parent_of(node: OrgNode) -> OrgNode | None:
    return OrgNode.objects.get_parent(node, update=True)


def _check_sibling_name(*, parent: OrgNode | None, name: str, exclude_pk: int | None = None) -> None:
    siblings = (
        OrgNode.objects.filter(depth=1)
        if parent is None
        else OrgNode.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    )
    if siblings.filter(name=name).exclude(pk=exclude_pk).exists():
        raise ValidationFailed({"name": f"同一上级下已有名为“{name}”的节点"})


def _sort_among_siblings(node: OrgNode, parent: OrgNode | None) -> None:
    """Siblings are kept in name order (node_order_by); a rename moves the node to its new place."""
    if parent is not None:
        OrgNode.objects.move(node, parent, "sorted-child")
    else:
        first_root = OrgNode.objects.get_first_root_node()
        OrgNode.objects.move(node, first_root, "sorted-sibling")


def _files_delete(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _station_open(node: OrgNode) -> Station:
    station, _ = Station.objects.get_or_create(node=node)
    _checklist_ensure(station)
    return station


def _checklist_ensure(station: Station) -> None:
    """Every station carries all six 五有 items, however it was created."""
    have = set(FiveHaveItem.objects.filter(station=station).values_list("kind", flat=True))
    FiveHaveItem.objects.bulk_create([FiveHaveItem(station=station, kind=k) for k in FiveHaveKind if k not in have])


# ---- nodes -------------------------------------------------------------------------------------


@transaction.atomic
def node_create(
    *,
    actor: User,
    parent: OrgNode | None,
    name: str,
    kind: str,
    code: str = "",
    team_min_size: int | None = None,
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
) -> OrgNode:
    """Add a node under a parent the actor can manage (a new root: system admins only); a station kind
    also gets its Station and six 五有 items; a centre is both coordinates or neither. Raises
    PermissionDenied, ValidationFailed."""
    if parent is None:
        if not is_system_admin(actor):
            raise PermissionDenied("只有系统管理员可以新建顶级节点")
    else:
        parent = _lock_node(parent)
        if not can_manage_under(actor, parent):
            raise PermissionDenied("您无权在该节点下新建下级节点")
    errors: dict[str, str] = {}
    clean_name = _text(name, field="name", label="名称", max_length=100, required=True, errors=errors)
    values: dict[str, Any] = {
        "name": clean_name,
        "kind": _kind(kind, errors),
        "code": _text(code, field="code", label="机构代码", max_length=20, errors=errors),
        "team_min_size": _team_min_size(team_min_size, errors),
    }
    centre = (
        _coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors),
        _coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors),
    )
    _both_or_neither(*centre, errors)
    values.update(latitude=centre[0], longitude=centre[1])
    if errors:
        raise ValidationFailed(errors)
    _check_sibling_name(parent=parent, name=clean_name)
    try:
        if parent is None:
            node = OrgNode.objects.add_root(create_kwargs=values)
        else:
            node = OrgNode.objects.add_child(parent, create_kwargs=values)
    except PathOverflow as exc:
        raise DomainError("层级过深或下级节点过多，无法再添加") from exc
    if node.is_station:
        _station_open(node)
    audit_record(actor=actor, action="create", target=node, org=node, after=snapshot(node))
    return node


@transaction.atomic
def node_update(
    *,
    actor: User,
    node: OrgNode,
    name: str | _Unset = UNSET,
    kind: str | _Unset = UNSET,
    code: str | _Unset = UNSET,
    team_min_size: int | None | _Unset = UNSET,
    latitude: Decimal | float | str | None | _Unset = UNSET,
    longitude: Decimal | float | str | None | _Unset = UNSET,
) -> OrgNode:
    """Edit a node; a station may only change to another station kind (its checklist would be lost); a
    centre is both coordinates or neither. Raises PermissionDenied, ValidationFailed."""
    node = _lock_node(node)
    if not can(actor, "change", node):
        raise PermissionDenied("您无权修改该节点")
    before = snapshot(node)
    errors: dict[str, str] = {}
    if not isinstance(name, _Unset):
        node.name = _text(name, field="name", label="名称", max_length=100, required=True, errors=errors)
    if not isinstance(code, _Unset):
        node.code = _text(code, field="code", label="机构代码", max_length=20, errors=errors)
    if not isinstance(team_min_size, _Unset):
        node.team_min_size = _team_min_size(team_min_size, errors)
    if not isinstance(kind, _Unset):
        new_kind = _kind(kind, errors)
        if before["kind"] in STATION_KINDS and new_kind not in STATION_KINDS and "kind" not in errors:
            errors["kind"] = "站点只能改为其他站点类型（总站/分站/服务点/驿站）；如需撤销站点请删除该节点"
        node.kind = new_kind
    if not isinstance(latitude, _Unset):
        node.latitude = _coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors)
    if not isinstance(longitude, _Unset):
        node.longitude = _coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors)
    _both_or_neither(node.latitude, node.longitude, errors)
    if errors:
        raise ValidationFailed(errors)
    renamed = node.name != before["name"]
    parent = _parent_of(node)
    if renamed:
        _check_sibling_name(parent=parent, name=node.name, exclude_pk=node.pk)
    node.save(update_fields=["name", "kind", "code", "team_min_size", "latitude", "longitude"])
    if node.is_station:
        _station_open(node)
    if renamed:
        _sort_among_siblings(node, parent)
        node.refresh_from_db()
    changed_before, changed_after = diff(before, snapshot(node))
    if changed_after:
        audit_record(actor=actor, action="update", target=node, org=node, before=changed_before, after=changed_after)
    return node


@transaction.atomic
def node_move(*, actor: User, node: OrgNode, target: OrgNode) -> OrgNode:
    """Move a node and its subtree under `target`. The actor must manage both; a root moves only for
    system admins; never under itself or its own descendant. Raises PermissionDenied, InvalidMove."""
    node = _lock_node(node)
    target = _lock_node(target)
    if not can_manage_under(actor, node):
        raise PermissionDenied("您无权移动该节点")
    if node.is_root() and not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以移动顶级节点")
    if not can_manage_under(actor, target):
        raise PermissionDenied("您无权管理所选的新上级节点")
    if target.path.startswith(node.path):
        raise InvalidMove(field="target")
    old_parent = _parent_of(node)
    if old_parent is not None and old_parent.pk == target.pk:
        raise DomainError("该节点已经在所选上级之下", field="target", code="already_there")
    _check_sibling_name(parent=target, name=node.name)
    before = {"parent_id": old_parent.pk if old_parent else None, "path": node.path}
    try:
        OrgNode.objects.move(node, target, "sorted-child")
    except InvalidMoveToDescendant as exc:
        raise InvalidMove(field="target") from exc
    except PathOverflow as exc:
        raise DomainError("移动后层级过深，无法移动", field="target") from exc
    node.refresh_from_db()
    audit_record(
        actor=actor,
        action="update",
        target=node,
        org=node,
        before=before,
        after={"parent_id": target.pk, "path": node.path},
    )
    return node


@transaction.atomic
def node_delete(*, actor: User, node: OrgNode) -> OrgNode | None:
    """Delete an empty node (no children, volunteers, teams, roles or brands); a station's checklist
    goes with it. Returns the former parent. Raises PermissionDenied, NodeNotEmpty."""
    node = _lock_node(node)
    if not can_manage_under(actor, node):
        raise PermissionDenied("您无权删除该节点")
    if node.is_root() and not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以删除顶级节点")
    blockers = [
        label
        for label, present in (
            ("下级节点", node.numchild > 0),
            ("志愿者", node.volunteers.exists()),
            ("服务队", node.teams.exists()),
            ("角色分配", node.role_assignments.exists()),
            ("品牌项目", node.brands.exists()),
        )
        if present
    ]
    if blockers:
        raise NodeNotEmpty(f"该节点下还有{'、'.join(blockers)}，不能删除；请先移走或删除它们")
    files = list(FiveHaveEvidence.objects.filter(item__station__node=node).values_list("file", flat=True))
    parent = _parent_of(node)
    audit_record(actor=actor, action="delete", target=node, org=parent, before=snapshot(node))
    try:
        node.delete()
    except ProtectedError as exc:
        raise NodeNotEmpty("该节点仍被其他记录（如导入批次）引用，不能删除") from exc
    transaction.on_commit(lambda: _files_delete(files))
    return parent


# ---- stations and the 五有 checklist -------------------------------------------------------------


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
    address: str | _Unset = UNSET,
    latitude: Decimal | float | str | None | _Unset = UNSET,
    longitude: Decimal | float | str | None | _Unset = UNSET,
    opening_hours: str | _Unset = UNSET,
    contact_name: str | _Unset = UNSET,
    contact_phone: str | _Unset = UNSET,
    amenities: list[str] | _Unset = UNSET,
) -> Station:
    """Edit a station's address, coordinates (both or neither, within range), hours, contact and the
    amenities the public portal lists. Raises PermissionDenied, ValidationFailed."""
    station = _lock_station(station)
    if not can(actor, "change", station):
        raise PermissionDenied("您无权修改该站点")
    before = snapshot(station)
    errors: dict[str, str] = {}
    if not isinstance(address, _Unset):
        station.address = _text(address, field="address", label="地址", max_length=200, errors=errors)
    if not isinstance(latitude, _Unset):
        station.latitude = _coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors)
    if not isinstance(longitude, _Unset):
        station.longitude = _coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors)
    if not isinstance(opening_hours, _Unset):
        station.opening_hours = _text(
            opening_hours, field="opening_hours", label="开放时间", max_length=100, errors=errors
        )
    if not isinstance(contact_name, _Unset):
        station.contact_name = _text(contact_name, field="contact_name", label="联系人", max_length=50, errors=errors)
    if not isinstance(contact_phone, _Unset):
        phone = _text(contact_phone, field="contact_phone", label="联系电话", max_length=30, errors=errors)
        if phone and "contact_phone" not in errors and not _CONTACT_PHONE.match(phone):
            errors["contact_phone"] = "联系电话格式不正确，请填写手机号或座机号（如0572-6021234）"
        station.contact_phone = phone
    if not isinstance(amenities, _Unset):
        unknown = [a for a in amenities or [] if a not in StationAmenity.values]
        if unknown:
            errors["amenities"] = f"便民服务选项无效：{'、'.join(str(a) for a in unknown)[:100]}"
        station.amenities = [a for a in StationAmenity.values if a in (amenities or [])]
    _both_or_neither(station.latitude, station.longitude, errors)
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
    note = _text(note, field="note", label="说明", max_length=200, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    extension = _evidence_extension(file)
    original = _ONE_LINE_BAD.sub("", PurePath(file.name or "").name)[-200:]
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
    notes = _text(notes, field="notes", label="备注", max_length=2000, errors=errors, multiline=True)
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


# ---- roles at a node ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    username: str
    name: str
    phone: str
    password: str


def _user_find(account: str) -> User | None:
    account = account.strip()
    user = User.objects.filter(username=account).first()
    if user is None and phone_error(normalize_phone(account)) is None:
        user = User.objects.filter(phone_hash=blind_index(normalize_phone(account))).first()
    return user


def _account_create(*, actor: User, new: NewAccount, org: OrgNode) -> User:
    errors: dict[str, str] = {}
    username = _text(new.username, field="new_username", label="用户名", max_length=150, required=True, errors=errors)
    if username and "new_username" not in errors and not _USERNAME.match(username):
        errors["new_username"] = "用户名为3-150位字母、数字、汉字或 . @ + - _"
    name = _text(new.name, field="new_name", label="姓名", max_length=50, required=True, errors=errors)
    phone = normalize_phone(
        _text(new.phone, field="new_phone", label="手机号", max_length=20, required=True, errors=errors)
    )
    if phone and "new_phone" not in errors and (msg := phone_error(phone)) is not None:
        errors["new_phone"] = msg
    if not new.password:
        errors["new_password"] = "请设置初始密码"
    else:
        try:
            validate_password(new.password, user=User(username=username, name=name))
        except DjangoValidationError as exc:
            errors["new_password"] = "；".join(str(m) for m in exc.messages)
    if errors:
        raise ValidationFailed(errors)
    try:
        user = user_create(username=username, password=new.password, name=name, phone=phone)
    except ValidationFailed as exc:
        raise ValidationFailed({f"new_{k}": v for k, v in exc.errors.items()}) from exc
    audit_record(actor=actor, action="create", target=user, org=org, after={"username": username, "name": name})
    return user


@transaction.atomic
def node_role_grant(
    *, actor: User, org: OrgNode, role: str, account: str = "", new_account: NewAccount | None = None
) -> RoleAssignment:
    """Give a role at a node to an existing user (username or phone) or to a new account; only the
    node's administrators may. Raises PermissionDenied, ValidationFailed, Conflict."""
    org = _lock_node(org)
    if not can_administer(actor, org):
        raise PermissionDenied("只有该节点的组织管理员可以分配角色")
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed({"role": "请选择有效的角色"})
    account = (account or "").strip()
    if bool(account) == (new_account is not None):
        raise ValidationFailed({"account": "请填写已有账号（用户名或手机号），或改为新建账号"})
    if new_account is not None:
        user = _account_create(actor=actor, new=new_account, org=org)
    else:
        errors: dict[str, str] = {}
        _text(account, field="account", label="账号", max_length=150, errors=errors)
        if errors:
            raise ValidationFailed(errors)
        found = _user_find(account)
        if found is None:
            raise ValidationFailed({"account": "没有找到该用户名或手机号对应的账号"})
        user = found
    return role_assign(actor=actor, user=user, role=role, org=org)


@transaction.atomic
def role_revoke(*, actor: User, assignment_id: int, org: OrgNode) -> None:
    """Remove a role held at `org`; only the node's administrators, system admin roles only by system
    admins, and never the actor's own. Raises NotFound, PermissionDenied, Conflict."""
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("org", "user")
        .filter(pk=assignment_id, org=org)
        .first()
        if 0 < assignment_id < 2**63
        else None
    )
    if assignment is None:
        raise NotFound("该角色分配不存在")
    if not can_administer(actor, assignment.org):
        raise PermissionDenied("只有该节点的组织管理员可以撤销角色")
    if assignment.role == Role.SYSTEM_ADMIN and not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以撤销系统管理员角色")
    if assignment.user_id == actor.pk:
        raise Conflict("不能撤销自己的角色，请联系上级管理员", code="own_role")
    audit_record(
        actor=actor,
        action="delete",
        target=assignment,
        org=assignment.org,
        before={"role": assignment.role, "user": assignment.user.username},
    )
    assignment.delete()
