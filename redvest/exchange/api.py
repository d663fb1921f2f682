"""/api/v1/exchange: national data exchange packages (export, import with dry run) and transferred records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.schemas import ErrorOut, Id
from redvest.exchange import schemas as s
from redvest.exchange import selectors
from redvest.exchange.services import (
    exchange_export_download,
    exchange_export_request,
    exchange_import_check,
    exchange_import_confirm,
)

router = Router(tags=["数据交换"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/exports", response={202: s.BatchOut, **ERRORS}, summary="提交数据交换导出（后台生成 zip；默认增量）")
def export_create(request: HttpRequest, payload: s.ExportIn) -> Status[Any]:
    user = api_user(request)
    batch = exchange_export_request(
        actor=user, org=selectors.org_for_exchange(user=user, pk=payload.org_id), full=payload.full
    )
    return Status(202, selectors.batch_get(user=user, pk=batch.pk))


@router.get("/batches", response=list[s.BatchOut], summary="数据交换批次（导出与导入）")
@paginate
def batch_list(request: HttpRequest, direction: str = "") -> QuerySet[Any]:
    return selectors.batch_list(user=api_user(request), direction=direction)


@router.get("/batches/{batch_id}", response={200: s.BatchOut, **ERRORS}, summary="批次状态、条数与错误行")
def batch_detail(request: HttpRequest, batch_id: Id) -> Any:
    return selectors.batch_get(user=api_user(request), pk=batch_id)


@router.get(
    "/exports/{batch_id}/download",
    response={200: None, **ERRORS},
    summary="下载数据交换包（含证件号码，留痕）",
    openapi_extra={"responses": {200: {"description": "zip 数据包"}}},
)
def export_download(request: HttpRequest, batch_id: Id) -> FileResponse:
    user = api_user(request)
    batch = exchange_export_download(actor=user, batch=selectors.batch_get(user=user, pk=batch_id))
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=str(batch.file.name).rsplit("/", 1)[-1])


@router.post(
    "/imports",
    response={200: s.BatchOut, 202: s.BatchOut, **ERRORS},
    summary="上传数据包导入：dry_run=true（默认）只预检并返回条数和错误行；false 预检后直接导入正确的行",
)
def import_create(
    request: HttpRequest, file: File[UploadedFile], org_id: Form[Id], dry_run: bool = True
) -> Status[Any]:
    user = api_user(request)
    batch = exchange_import_check(actor=user, org=selectors.org_for_exchange(user=user, pk=org_id), upload=file)
    if dry_run:
        return Status(200, selectors.batch_get(user=user, pk=batch.pk))
    exchange_import_confirm(actor=user, batch=batch)
    return Status(202, selectors.batch_get(user=user, pk=batch.pk))


@router.post("/imports/{batch_id}/confirm", response={202: s.BatchOut, **ERRORS}, summary="预检后确认导入")
def import_confirm(request: HttpRequest, batch_id: Id) -> Status[Any]:
    user = api_user(request)
    exchange_import_confirm(actor=user, batch=selectors.batch_get(user=user, pk=batch_id))
    return Status(202, selectors.batch_get(user=user, pk=batch_id))


@router.get(
    "/volunteers/{volunteer_id}/transferred",
    response={200: s.TransferredOut, **ERRORS},
    summary="志愿者的转入记录（其他系统的服务时长、荣誉与证明；不计入本系统时长）",
)
def transferred(request: HttpRequest, volunteer_id: Id) -> Any:
    user = api_user(request)
    return selectors.transferred_for(volunteer=selectors.volunteer_for_transferred(user=user, pk=volunteer_id))
