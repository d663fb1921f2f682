"""/api/v1/dashboards: one node's dashboard (every panel), its children, and background exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.replica import read_from_replica
from redvest.dashboards import schemas as s
from redvest.dashboards import selectors
from redvest.dashboards.services import data_export_download, data_export_request, data_export_retry
from redvest.dashboards.tables import tables

router = Router(tags=["数据看板"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}


# ---- exports (before /{org_id} so the literal path wins) ------------------------------------------


@router.get("/exports/tables", response=list[s.TableOut], summary="可导出的数据表及其类别")
def export_tables(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"key": t.key, "label": t.label, "categories": list(t.categories)} for t in tables().values()]


@router.post(
    "/exports",
    response={202: s.ExportOut, **ERRORS},
    summary="提交导出（后台生成 Excel 或 CSV；进度见 GET /exports/{id}）",
)
def export_create(request: HttpRequest, payload: s.ExportIn) -> Status[Any]:
    export = data_export_request(
        actor=api_user(request),
        table=payload.table,
        org_id=payload.org_id,
        category=payload.category,
        start=payload.start,
        end=payload.end,
        include_sensitive=payload.include_sensitive,
        fmt=payload.format,
    )
    export.refresh_from_db()
    return Status(202, export)


@router.get("/exports", response=list[s.ExportOut], summary="我的导出")
@paginate
def export_list(request: HttpRequest) -> QuerySet[Any]:
    return selectors.export_list(user=api_user(request))


@router.get(
    "/exports/{export_id}",
    response={200: s.ExportOut, 404: s.ErrorOut},
    summary="导出详情与进度（已写入行数 / 总行数）",
)
def export_detail(request: HttpRequest, export_id: int) -> Any:
    return selectors.export_get(user=api_user(request), pk=export_id)


@router.get(
    "/exports/{export_id}/download",
    response={200: None, **ERRORS},
    summary="下载导出文件（留痕）",
    openapi_extra={"responses": {200: {"description": "xlsx 或 csv 文件"}}},
)
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    user = api_user(request)
    export = data_export_download(actor=user, export=selectors.export_get(user=user, pk=export_id))
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=str(export.file.name).rsplit("/", 1)[-1])


@router.post(
    "/exports/{export_id}/retry", response={202: s.ExportOut, 409: s.ErrorOut, **ERRORS}, summary="重试失败的导出"
)
def export_retry(request: HttpRequest, export_id: int) -> Status[Any]:
    user = api_user(request)
    export = data_export_retry(actor=user, export=selectors.export_get(user=user, pk=export_id))
    return Status(202, selectors.export_get(user=user, pk=export.pk))


# ---- dashboards -----------------------------------------------------------------------------------


@router.get("/{org_id}", response={200: s.DashboardOut, **ERRORS}, summary="组织数据看板（全部面板）")
@read_from_replica
def dashboard(request: HttpRequest, org_id: int) -> dict[str, Any]:
    return selectors.dashboard_get(user=api_user(request), org_id=org_id).as_json()


@router.get("/{org_id}/children", response={200: list[s.ChildOut], **ERRORS}, summary="下级组织（逐级下钻）")
@paginate
@read_from_replica
def children(request: HttpRequest, org_id: int) -> list[Any]:
    return list(selectors.dashboard_get(user=api_user(request), org_id=org_id).children)
