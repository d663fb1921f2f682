"""/api/v1/reports: quarterly reports (list, get with record vs reported figures, open/refresh a draft,
update, submit, accept, return) and circulars (list, get, create, update, publish, PDF). Lists are
{"items", "count"} with page/page_size; errors are {"code", "message", "errors"}."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.reports import schemas as s
from redvest.reports.circular_pdf import circular_pdf
from redvest.reports.circular_tables import circular_tables
from redvest.reports.selectors import (
    circular_get,
    circular_list,
    filing_orgs_for,
    report_get,
    report_list,
    review_roots,
)
from redvest.reports.services import (
    FigureInput,
    circular_create,
    circular_publish,
    circular_update,
    report_accept,
    report_open,
    report_refresh,
    report_return,
    report_submit,
    report_update,
)

if TYPE_CHECKING:
    from redvest.reports.models import Circular

router = Router(tags=["季报与通报"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _detail(request: HttpRequest, report_id: int) -> Any:
    return report_get(user=api_user(request), report_id=report_id)


# ---- quarterly reports ----------------------------------------------------------------------------


@router.get("/quarterly", response=list[s.ReportOut], summary="季报列表（年度、季度、状态筛选）")
@paginate
def reports(request: HttpRequest, filters: Query[s.ReportFilter]) -> QuerySet[Any]:
    qs = report_list(user=api_user(request), year=filters.year, quarter=filters.quarter, status=filters.status)
    return qs


@router.get("/quarterly/{report_id}", response={200: s.ReportDetailOut, **ERRORS}, summary="季报详情（记录值与填报值）")
def report(request: HttpRequest, report_id: int) -> Any:
    return _detail(request, report_id)


@router.post("/quarterly", response={201: s.ReportDetailOut, **ERRORS}, summary="生成（或取得）季报草稿")
def report_create(request: HttpRequest, payload: s.ReportOpenIn) -> Status[Any]:
    org = filing_orgs_for(user=api_user(request)).filter(pk=payload.org).first()
    if org is None:
        raise NotFound("党组织不存在或您无权填报")
    opened = report_open(actor=api_user(request), org=org, year=payload.year, quarter=payload.quarter)
    return Status(201, _detail(request, opened.pk))


@router.post(
    "/quarterly/{report_id}/refresh", response={200: s.ReportDetailOut, **ERRORS}, summary="按最新记录重新生成数据"
)
def report_refresh_api(request: HttpRequest, report_id: int) -> Any:
    row = report_get(user=api_user(request), report_id=report_id, action="change")
    report_refresh(actor=api_user(request), report=row)
    return _detail(request, report_id)


@router.patch("/quarterly/{report_id}", response={200: s.ReportDetailOut, **ERRORS}, summary="修改填报值与文字部分")
def report_patch(request: HttpRequest, report_id: int, payload: s.ReportUpdateIn) -> Any:
    row = report_get(user=api_user(request), report_id=report_id, action="change")
    report_update(
        actor=api_user(request),
        report=row,
        figures={k: FigureInput(v.value, v.reason) for k, v in payload.figures.items()},
        highlights=payload.highlights,
        problems=payload.problems,
        next_plan=payload.next_plan,
    )
    return _detail(request, report_id)


@router.post("/quarterly/{report_id}/submit", response={200: s.ReportDetailOut, **ERRORS}, summary="报送")
def report_submit_api(request: HttpRequest, report_id: int) -> Any:
    row = report_get(user=api_user(request), report_id=report_id, action="change")
    report_submit(actor=api_user(request), report=row)
    return _detail(request, report_id)


@router.post("/quarterly/{report_id}/accept", response={200: s.ReportDetailOut, **ERRORS}, summary="审核通过")
def report_accept_api(request: HttpRequest, report_id: int, payload: s.ReviewIn) -> Any:
    report_accept(actor=api_user(request), report=_detail(request, report_id), comment=payload.comment)
    return _detail(request, report_id)


@router.post("/quarterly/{report_id}/return", response={200: s.ReportDetailOut, **ERRORS}, summary="退回（须填写意见）")
def report_return_api(request: HttpRequest, report_id: int, payload: s.ReviewIn) -> Any:
    report_return(actor=api_user(request), report=_detail(request, report_id), comment=payload.comment)
    return _detail(request, report_id)


# ---- circulars -------------------------------------------------------------------------------------


def _circular_out(circular: Circular) -> Circular:
    """The circular with its tables: frozen once published; a draft's generated now (not saved)."""
    if not (circular.is_published and circular.tables):
        circular.tables = circular_tables(root=circular.org, year=circular.year, quarter=circular.quarter)
    return circular


@router.get("/circulars", response=list[s.CircularOut], summary="情况通报列表")
@paginate
def circulars(request: HttpRequest) -> QuerySet[Any]:
    return circular_list(user=api_user(request))


@router.get("/circulars/{circular_id}", response={200: s.CircularDetailOut, **ERRORS}, summary="情况通报（含表格）")
def circular(request: HttpRequest, circular_id: int) -> Any:
    return _circular_out(circular_get(user=api_user(request), circular_id=circular_id))


@router.post("/circulars", response={201: s.CircularDetailOut, **ERRORS}, summary="新建通报草稿（或更正版）")
def circular_create_api(request: HttpRequest, payload: s.CircularIn) -> Status[Any]:
    org = review_roots(user=api_user(request)).filter(pk=payload.org).first()
    if org is None:
        raise NotFound("组织不存在或您无权发布通报")
    created = circular_create(
        actor=api_user(request),
        org=org,
        year=payload.year,
        quarter=payload.quarter,
        title=payload.title,
        intro=payload.intro,
        correction_note=payload.correction_note,
        highlights=payload.highlights,
        problems=payload.problems,
        next_steps=payload.next_steps,
    )
    return Status(201, _circular_out(circular_get(user=api_user(request), circular_id=created.pk)))


@router.patch("/circulars/{circular_id}", response={200: s.CircularDetailOut, **ERRORS}, summary="修改通报草稿")
def circular_patch(request: HttpRequest, circular_id: int, payload: s.CircularUpdateIn) -> Any:
    row = circular_get(user=api_user(request), circular_id=circular_id, action="change")
    circular_update(
        actor=api_user(request),
        circular=row,
        title=payload.title,
        intro=payload.intro,
        correction_note=payload.correction_note,
        highlights=payload.highlights,
        problems=payload.problems,
        next_steps=payload.next_steps,
    )
    return _circular_out(circular_get(user=api_user(request), circular_id=circular_id))


@router.post("/circulars/{circular_id}/publish", response={200: s.CircularDetailOut, **ERRORS}, summary="发布通报")
def circular_publish_api(request: HttpRequest, circular_id: int) -> Any:
    row = circular_get(user=api_user(request), circular_id=circular_id, action="change")
    circular_publish(actor=api_user(request), circular=row)
    return _circular_out(circular_get(user=api_user(request), circular_id=circular_id))


@router.get("/circulars/{circular_id}/pdf", response={200: None, **ERRORS}, summary="通报PDF")
def circular_pdf_api(request: HttpRequest, circular_id: int) -> HttpResponse:
    row = circular_get(user=api_user(request), circular_id=circular_id)
    row = _circular_out(row)
    response = HttpResponse(circular_pdf(circular=row, tables=row.tables or {}), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="circular-{row.pk}-v{row.version}.pdf"'
    return response
