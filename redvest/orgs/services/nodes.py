"""Nodes of the org tree: create, change (a rename keeps siblings in name order), move, delete."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.core.policy import can, can_manage_under, is_system_admin
from redvest.orgs.errors import InvalidMove, NodeNotEmpty
from redvest.orgs.models import (
    CHILD_KINDS_OF_REGION,
    REGION_KINDS,
    STATION_KINDS,
    FiveHaveEvidence,
    OrgKind,
    OrgNode,
    placement_errors,
)
from redvest.orgs.services._common import UNSET, Unset, both_or_neither, clean_text, coordinate, lock_node
from redvest.orgs.services.stations import station_open

if TYPE_CHECKING:
    from redvest.accounts.models import User  # writers are typed as accounts' users; orgs does not import accounts

TEAM_MIN_SIZE_RANGE = (1, 200)


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


def _check_placement(*, kind: str, code: str, parent: OrgNode | None, errors: dict[str, str]) -> None:
    """The levels above a county: a province only at the top, a city under a province, counties (with
    their GB/T 2260 codes) under either."""
    for name, message in placement_errors(
        kind=kind,
        code=code,
        parent_kind=parent.kind if parent is not None else None,
        parent_code=parent.code if parent is not None else "",
    ).items():
        errors.setdefault(name, message)


def _check_children_fit(node: OrgNode, errors: dict[str, str]) -> None:
    """A node that becomes a province or city keeps only children such a level may hold."""
    if node.kind not in REGION_KINDS or "kind" in errors:
        return
    allowed = CHILD_KINDS_OF_REGION[OrgKind(node.kind)]
    if OrgNode.objects.get_children(node).exclude(kind__in=allowed).exists():
        errors["kind"] = f"该节点的下级中有不能设在{OrgKind(node.kind).label}之下的节点，请先移走"


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
        parent = lock_node(parent)
        if not can_manage_under(actor, parent):
            raise PermissionDenied("您无权在该节点下新建下级节点")
    errors: dict[str, str] = {}
    clean_name = clean_text(name, field="name", label="名称", max_length=100, required=True, errors=errors)
    values: dict[str, Any] = {
        "name": clean_name,
        "kind": _kind(kind, errors),
        "code": clean_text(code, field="code", label="机构代码", max_length=20, errors=errors),
        "team_min_size": _team_min_size(team_min_size, errors),
    }
    centre = (
        coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors),
        coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors),
    )
    both_or_neither(*centre, errors)
    values.update(latitude=centre[0], longitude=centre[1])
    if "kind" not in errors:
        _check_placement(kind=values["kind"], code=values["code"], parent=parent, errors=errors)
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
        station_open(node)
    audit_record(actor=actor, action="create", target=node, org=node, after=snapshot(node))
    return node


@transaction.atomic
def node_update(
    *,
    actor: User,
    node: OrgNode,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    code: str | Unset = UNSET,
    team_min_size: int | None | Unset = UNSET,
    latitude: Decimal | float | str | None | Unset = UNSET,
    longitude: Decimal | float | str | None | Unset = UNSET,
) -> OrgNode:
    """Edit a node; a station may only change to another station kind (its checklist would be lost); a
    centre is both coordinates or neither. Raises PermissionDenied, ValidationFailed."""
    node = lock_node(node)
    if not can(actor, "change", node):
        raise PermissionDenied("您无权修改该节点")
    before = snapshot(node)
    errors: dict[str, str] = {}
    if not isinstance(name, Unset):
        node.name = clean_text(name, field="name", label="名称", max_length=100, required=True, errors=errors)
    if not isinstance(code, Unset):
        node.code = clean_text(code, field="code", label="机构代码", max_length=20, errors=errors)
    if not isinstance(team_min_size, Unset):
        node.team_min_size = _team_min_size(team_min_size, errors)
    if not isinstance(kind, Unset):
        new_kind = _kind(kind, errors)
        if before["kind"] in STATION_KINDS and new_kind not in STATION_KINDS and "kind" not in errors:
            errors["kind"] = "站点只能改为其他站点类型（总站/分站/服务点/驿站）；如需撤销站点请删除该节点"
        node.kind = new_kind
    if not isinstance(latitude, Unset):
        node.latitude = coordinate(latitude, field="latitude", label="纬度", limit=90, errors=errors)
    if not isinstance(longitude, Unset):
        node.longitude = coordinate(longitude, field="longitude", label="经度", limit=180, errors=errors)
    both_or_neither(node.latitude, node.longitude, errors)
    parent = _parent_of(node)
    if "kind" not in errors and (node.kind != before["kind"] or node.code != before["code"]):
        _check_placement(kind=node.kind, code=node.code, parent=parent, errors=errors)
        if node.kind != before["kind"]:
            _check_children_fit(node, errors)
    if errors:
        raise ValidationFailed(errors)
    renamed = node.name != before["name"]
    if renamed:
        _check_sibling_name(parent=parent, name=node.name, exclude_pk=node.pk)
    node.save(update_fields=["name", "kind", "code", "team_min_size", "latitude", "longitude"])
    if node.is_station:
        station_open(node)
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
    node = lock_node(node)
    target = lock_node(target)
    if not can_manage_under(actor, node):
        raise PermissionDenied("您无权移动该节点")
    if node.is_root() and not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以移动顶级节点")
    if not can_manage_under(actor, target):
        raise PermissionDenied("您无权管理所选的新上级节点")
    if target.path.startswith(node.path):
        raise InvalidMove(field="target")
    misplaced = placement_errors(kind=node.kind, code=node.code, parent_kind=target.kind, parent_code=target.code)
    if misplaced:
        raise DomainError(f"不能移到所选上级之下：{next(iter(misplaced.values()))}", field="target", code="misplaced")
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
    node = lock_node(node)
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
