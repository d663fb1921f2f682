"""/api/v1/orgs: the org tree, stations and their 五有 checklist (role assignments at a node: accounts.api)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, PatchDict, Query, Router, Status, UploadedFile

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.orgs import selectors, services
from redvest.orgs.models import OrgNode
from redvest.orgs.schemas import (
    EvidenceOut,
    InspectionIn,
    InspectionOut,
    NodeCreateIn,
    NodeDetailOut,
    NodeFilter,
    NodeMoveIn,
    NodeOut,
    NodePatchIn,
    StationDetailOut,
    StationFilter,
    StationOut,
    StationPatchIn,
)

if TYPE_CHECKING:
    pass  # writers are typed as accounts' users; orgs does not import accounts

router = Router(tags=["组织网络"])


def _detail_out(request: HttpRequest, node_id: int) -> OrgNode:
    """The node with the detail's extras attached, for NodeDetailOut."""
    detail = selectors.node_detail(user=api_user(request), node_id=node_id)
    node: Any = detail.node
    node.ancestors = [{"id": a.pk, "name": a.name} for a in detail.ancestors]
    node.counts = detail.counts
    node.permissions = {
        "change": detail.can_change,
        "manage": detail.can_manage,
        "administer": detail.can_administer,
        "move": detail.can_move,
    }
    return node


# ---- nodes -------------------------------------------------------------------------------------


@router.get("/nodes", response=list[NodeOut], summary="组织节点列表（可按上级、类型、名称筛选）")
@paginate
def node_list(request: HttpRequest, filters: Query[NodeFilter]) -> QuerySet[OrgNode]:
    user = api_user(request)
    parent = selectors.node_get(user=user, node_id=filters.parent_id) if filters.parent_id is not None else None
    return selectors.node_search(user=user, q=filters.q.strip()[:100], kind=filters.kind, parent=parent)


@router.post("/nodes", response={201: NodeDetailOut}, summary="新建组织节点")
def node_create(request: HttpRequest, payload: NodeCreateIn) -> Status[OrgNode]:
    user = api_user(request)
    parent = selectors.node_get(user=user, node_id=payload.parent_id) if payload.parent_id is not None else None
    node = services.node_create(
        actor=user,
        parent=parent,
        name=payload.name,
        kind=payload.kind,
        code=payload.code,
        team_min_size=payload.team_min_size,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(201, _detail_out(request, node.pk))


@router.get("/nodes/{node_id}", response=NodeDetailOut, summary="组织节点详情（含子树统计）")
def node_detail(request: HttpRequest, node_id: int) -> OrgNode:
    return _detail_out(request, node_id)


@router.patch("/nodes/{node_id}", response=NodeDetailOut, summary="修改组织节点")
def node_update(request: HttpRequest, node_id: int, payload: PatchDict[NodePatchIn]) -> OrgNode:
    user = api_user(request)
    node = selectors.node_get(user=user, node_id=node_id)
    services.node_update(actor=user, node=node, **payload)
    return _detail_out(request, node_id)


@router.post("/nodes/{node_id}/move", response=NodeDetailOut, summary="移动组织节点到新的上级")
def node_move(request: HttpRequest, node_id: int, payload: NodeMoveIn) -> OrgNode:
    user = api_user(request)
    node = selectors.node_get(user=user, node_id=node_id)
    target = selectors.node_get(user=user, node_id=payload.target_id)
    services.node_move(actor=user, node=node, target=target)
    return _detail_out(request, node_id)


@router.delete("/nodes/{node_id}", response={204: None}, summary="删除空的组织节点")
def node_delete(request: HttpRequest, node_id: int) -> Status[None]:
    user = api_user(request)
    services.node_delete(actor=user, node=selectors.node_get(user=user, node_id=node_id))
    return Status(204, None)


# ---- stations ----------------------------------------------------------------------------------


@router.get("/stations", response=list[StationOut], summary="站点列表（可只看五有未达标）")
@paginate
def station_list(request: HttpRequest, filters: Query[StationFilter]) -> QuerySet[Any]:
    return selectors.station_list(
        user=api_user(request),
        org_id=filters.org_id,
        kind=filters.kind,
        shortfall_only=filters.shortfall,
        q=filters.q.strip()[:100],
    )


def _station_detail_out(request: HttpRequest, station_id: int) -> dict[str, Any]:
    detail = selectors.station_detail(user=api_user(request), station_id=station_id)
    return {
        "station": detail.station,
        "checklist": detail.checklist,
        "permissions": {"change": detail.can_change, "inspect": detail.can_inspect},
    }


@router.get("/stations/{station_id}", response=StationDetailOut, summary="站点详情（五有清单、佐证材料与检查记录）")
def station_detail(request: HttpRequest, station_id: int) -> dict[str, Any]:
    return _station_detail_out(request, station_id)


@router.patch("/stations/{station_id}", response=StationDetailOut, summary="修改站点信息")
def station_update(request: HttpRequest, station_id: int, payload: PatchDict[StationPatchIn]) -> dict[str, Any]:
    user = api_user(request)
    services.station_update(actor=user, station=selectors.station_get(user=user, station_id=station_id), **payload)
    return _station_detail_out(request, station_id)


@router.post(
    "/stations/{station_id}/items/{kind}/inspections", response={201: InspectionOut}, summary="登记五有检查结果"
)
def inspection_add(request: HttpRequest, station_id: int, kind: str, payload: InspectionIn) -> Status[Any]:
    user = api_user(request)
    inspection = services.fivehave_inspect(
        actor=user,
        station=selectors.station_get(user=user, station_id=station_id),
        kind=kind,
        inspected_on=payload.inspected_on,
        result=payload.result,
        notes=payload.notes,
    )
    return Status(201, inspection)


@router.post("/stations/{station_id}/items/{kind}/evidence", response={201: EvidenceOut}, summary="上传五有佐证材料")
def evidence_add(
    request: HttpRequest, station_id: int, kind: str, file: File[UploadedFile], note: Form[str] = ""
) -> Status[Any]:
    user = api_user(request)
    evidence = services.fivehave_evidence_add(
        actor=user, station=selectors.station_get(user=user, station_id=station_id), kind=kind, file=file, note=note
    )
    return Status(201, evidence)
