"""/api/v1/records: my records and totals, corrections, disputes, make-ups, honour hours, anomalies,
ranking, certificates and their public verification."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from redvest.core.api_pagination import Fetched, paginate
from redvest.core.api_request import api_user
from redvest.core.pagination import Page
from redvest.core.schemas import Id, Int32
from redvest.records import schemas as s
from redvest.records import selectors
from redvest.records.certificate_pdf import certificate_pdf
from redvest.records.errors import CertificateRevoked
from redvest.records.models import ServiceRecord
from redvest.records.services import (
    anomaly_resolve,
    certificate_issue,
    certificate_revoke,
    correction_approve,
    correction_propose,
    correction_reject,
    dispute_open,
    dispute_review,
    honour_grant,
    makeup_record,
    my_data_export,
    record_correct,
)
from redvest.records.views.mine import my_data_response

router = Router(tags=["服务记录与证明"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _fresh(record: ServiceRecord) -> ServiceRecord:
    """Re-read with the relations RecordOut shows (a record just appended has them unloaded)."""
    return ServiceRecord.objects.select_related("volunteer", "activity", "reversed_by", "created_by").get(pk=record.pk)


# ---- my records ------------------------------------------------------------------------------


@router.get("/mine", response={200: list[s.RecordOut], 404: s.ErrorOut}, summary="我的服务记录（分页，含冲销与更正）")
@paginate
def my_records(request: HttpRequest, q: Query[s.RecordFilter]) -> QuerySet[Any]:
    return selectors.my_records(user=api_user(request), kind=q.kind)


@router.get(
    "/mine/data",
    response={200: dict[str, Any], 404: s.ErrorOut},
    summary="下载我的数据：本人信息、服务队、服务记录、积分、同意记录（留审计）",
)
def my_data(request: HttpRequest) -> HttpResponse:
    return my_data_response(my_data_export(actor=api_user(request)))


@router.get("/mine/totals", response={200: s.TotalsOut, 404: s.ErrorOut}, summary="我的时数合计：按年度、类别，星级")
def my_totals(request: HttpRequest) -> dict[str, Any]:
    summary = selectors.my_totals(user=api_user(request))
    return {
        "volunteer_id": summary.volunteer.pk,
        "volunteer_number": summary.volunteer.number,
        "credit_minutes": summary.credit_minutes,
        "honour_minutes": summary.honour_minutes,
        "years": [dataclasses.asdict(y) for y in summary.years],
        "categories": [dataclasses.asdict(c) for c in summary.categories],
        "star": {
            "stars": summary.star.stars,
            "thresholds_hours": list(summary.star.thresholds_hours),
            "next_hours": summary.star.next_hours,
            "progress_percent": summary.star.progress_percent,
        },
        "open_disputes": summary.open_disputes,
    }


# ---- records a leader or admin works on ------------------------------------------------------


@router.get(
    "/manage", response=list[s.RecordOut], summary="我可更正的服务记录（分页；未按活动或志愿者筛选时默认最近30天）"
)
@paginate
def manage_records(request: HttpRequest, q: Query[s.ManageFilter]) -> QuerySet[Any]:
    qs = selectors.record_list(
        user=api_user(request),
        activity_id=q.activity_id,
        volunteer_number=q.volunteer_number,
        kind=q.kind,
        since=q.since,
    )
    return qs


@router.get("/{int:record_id}", response={200: s.RecordOut, 404: s.ErrorOut}, summary="服务记录详情")
def record_detail(request: HttpRequest, record_id: int) -> ServiceRecord:
    return selectors.record_detail(user=api_user(request), pk=record_id).record


@router.get(
    "/{int:record_id}/evidence",
    response={200: None, 404: s.ErrorOut},
    summary="下载服务记录的佐证材料（同记录可见范围）",
)
def record_evidence(request: HttpRequest, record_id: int) -> FileResponse:
    record = selectors.record_evidence(user=api_user(request), pk=record_id)
    return FileResponse(record.evidence.open("rb"), filename=str(record.evidence.name).rsplit("/", 1)[-1])


@router.post(
    "/{int:record_id}/corrections",
    response={201: s.CorrectionOut, **ERRORS},
    summary="更正服务记录（追加冲销记录，时长不为0时再追加更正记录；增加信用时长须走更正申请，否则 409）",
)
def record_correct_api(request: HttpRequest, record_id: int, payload: s.CorrectionIn) -> Status[Any]:
    record = selectors.record_detail(user=api_user(request), pk=record_id).record
    result = record_correct(actor=api_user(request), record=record, minutes=payload.minutes, reason=payload.reason)
    return Status(
        201,
        {
            "reversal": _fresh(result.reversal),
            "correction": _fresh(result.correction) if result.correction else None,
        },
    )


# ---- correction proposals (adding credit minutes) ----------------------------------------------


@router.post(
    "/{int:record_id}/correction-proposals",
    response={201: s.ProposalOut, **ERRORS},
    summary="申请增加服务信用时长（需佐证材料或说明，经活动组织单位上级的组织管理员审批后生效）",
)
def proposal_create(
    request: HttpRequest,
    record_id: int,
    minutes: Form[int],
    reason: Form[str],
    evidence_note: Form[str] = "",
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]  # ninja: an optional file
) -> Status[Any]:
    user = api_user(request)
    record = selectors.record_detail(user=user, pk=record_id).record
    proposal = correction_propose(
        actor=user, record=record, minutes=minutes, reason=reason, evidence=evidence, evidence_note=evidence_note
    )
    return Status(201, selectors.proposal_detail(user=user, pk=proposal.pk).proposal)


@router.get("/correction-proposals", response=list[s.ProposalOut], summary="待我审批的与我提交的更正申请（分页）")
@paginate
def proposals(request: HttpRequest, q: Query[s.ProposalFilter]) -> QuerySet[Any]:
    return selectors.proposal_list(user=api_user(request), status=q.status)


@router.post(
    "/correction-proposals/{int:proposal_id}/approve",
    response={200: s.ProposalOut, **ERRORS},
    summary="批准更正申请（申请人本人不能审批），追加冲销与更正记录",
)
def proposal_approve(request: HttpRequest, proposal_id: int, payload: s.ProposalDecisionIn) -> Any:
    user = api_user(request)
    proposal = selectors.proposal_detail(user=user, pk=proposal_id).proposal
    correction_approve(actor=user, proposal=proposal, note=payload.note)
    return selectors.proposal_detail(user=user, pk=proposal_id).proposal


@router.post(
    "/correction-proposals/{int:proposal_id}/reject",
    response={200: s.ProposalOut, **ERRORS},
    summary="驳回更正申请（写明理由）",
)
def proposal_reject(request: HttpRequest, proposal_id: int, payload: s.ProposalDecisionIn) -> Any:
    user = api_user(request)
    proposal = selectors.proposal_detail(user=user, pk=proposal_id).proposal
    correction_reject(actor=user, proposal=proposal, note=payload.note)
    return selectors.proposal_detail(user=user, pk=proposal_id).proposal


# ---- disputes --------------------------------------------------------------------------------


@router.post("/{int:record_id}/disputes", response={201: s.DisputeOut, **ERRORS}, summary="对本人的服务记录提出异议")
def dispute_create(request: HttpRequest, record_id: int, payload: s.DisputeIn) -> Status[Any]:
    record = selectors.record_detail(user=api_user(request), pk=record_id).record
    dispute = dispute_open(
        actor=api_user(request), record=record, reason=payload.reason, claimed_minutes=payload.claimed_minutes
    )
    return Status(201, selectors.dispute_for_review(user=api_user(request), pk=dispute.pk))


@router.get("/disputes", response=list[s.DisputeOut], summary="待我处理的异议与我提出的异议（分页）")
@paginate
def disputes(request: HttpRequest, q: Query[s.DisputeFilter]) -> QuerySet[Any]:
    return selectors.dispute_list(user=api_user(request), status=q.status)


@router.post("/disputes/{int:dispute_id}/review", response={200: s.DisputeOut, **ERRORS}, summary="处理异议")
def dispute_review_api(request: HttpRequest, dispute_id: int, payload: s.DisputeReviewIn) -> Any:
    dispute = selectors.dispute_for_review(user=api_user(request), pk=dispute_id)
    dispute_review(
        actor=api_user(request),
        dispute=dispute,
        uphold=payload.decision == "uphold",
        note=payload.note,
        minutes=payload.minutes,
    )
    return selectors.dispute_for_review(user=api_user(request), pk=dispute_id)


# ---- make-ups and honour hours ---------------------------------------------------------------


@router.post(
    "/makeups", response={201: s.RecordOut, **ERRORS}, summary="补录服务时长（活动结束后10个工作日内，需佐证）"
)
def makeup_create(
    request: HttpRequest,
    evidence: File[UploadedFile],
    activity_id: Form[Id],
    volunteer_number: Form[str],
    minutes: Form[Int32],
    reason: Form[str],
) -> Status[Any]:
    user = api_user(request)
    record = makeup_record(
        actor=user,
        activity=selectors.activity_get(user=user, pk=activity_id),
        volunteer=selectors.volunteer_by_number(number=volunteer_number),
        minutes=minutes,
        reason=reason,
        evidence=evidence,
    )
    return Status(201, _fresh(record))


@router.post(
    "/honours",
    response={201: s.RecordOut, **ERRORS},
    summary="授予荣誉时数（组织管理员，需原因与佐证；疑似重复授予时 409，核实后以 confirm_duplicate=true 提交）",
)
def honour_create(
    request: HttpRequest,
    evidence: File[UploadedFile],
    volunteer_number: Form[str],
    minutes: Form[Int32],
    category: Form[str],
    served_on: Form[datetime.date],
    reason: Form[str],
    confirm_duplicate: Form[bool] = False,
) -> Status[Any]:
    user = api_user(request)
    record = honour_grant(
        actor=user,
        volunteer=selectors.volunteer_by_number(number=volunteer_number),
        minutes=minutes,
        category=category,
        served_on=served_on,
        reason=reason,
        evidence=evidence,
        confirm_duplicate=confirm_duplicate,
    )
    return Status(201, _fresh(record))


# ---- anomalies -------------------------------------------------------------------------------


@router.get("/anomalies", response=list[s.AnomalyOut], summary="异常复核队列（分页）")
@paginate
def anomalies(request: HttpRequest, q: Query[s.AnomalyFilter]) -> QuerySet[Any]:
    return selectors.anomaly_queue(user=api_user(request), status=q.status, kind=q.kind)


@router.post(
    "/anomalies/{int:anomaly_id}/resolve", response={200: s.AnomalyOut, **ERRORS}, summary="复核异常：核实无误或更正"
)
def anomaly_resolve_api(request: HttpRequest, anomaly_id: int, payload: s.AnomalyResolveIn) -> Any:
    anomaly = selectors.anomaly_for_review(user=api_user(request), pk=anomaly_id)
    anomaly_resolve(
        actor=api_user(request), anomaly=anomaly, action=payload.action, note=payload.note, minutes=payload.minutes
    )
    return selectors.anomaly_for_review(user=api_user(request), pk=anomaly_id)


# ---- ranking ---------------------------------------------------------------------------------


def _ranking_row(row: selectors.RankingRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "volunteer_id": row.volunteer.pk,
        "volunteer_number": row.volunteer.number,
        "name": row.volunteer.name,
        "org_name": row.volunteer.org.name,
        "credit_minutes": row.credit_minutes,
        "honour_minutes": row.honour_minutes,
    }


@router.get("/ranking", response=list[s.RankingRowOut], summary="服务信用时数排行（辖区、年度，分页）")
@paginate
def ranking(request: HttpRequest, q: Query[s.RankingQuery]) -> Fetched[dict[str, Any]]:
    def fetch(page: int, size: int) -> Page[Any]:
        data = selectors.ranking_page(user=api_user(request), org_id=q.org_id, year=q.year, page=page, size=size)
        return Page(
            items=data.rows,
            count=data.page.count,
            number=data.page.number,
            size=data.page.size,
            capped=data.page.capped,
        )

    return Fetched(fetch, _ranking_row)


# ---- certificates ----------------------------------------------------------------------------


@router.get("/certificates", response=list[s.CertificateOut], summary="志愿服务证明列表（分页）")
@paginate
def certificates(request: HttpRequest) -> QuerySet[Any]:
    return selectors.certificate_list(user=api_user(request))


@router.post(
    "/certificates", response={201: s.CertificateOut, **ERRORS}, summary="出具志愿服务证明（本人或组织管理员）"
)
def certificate_create(request: HttpRequest, payload: s.CertificateIn) -> Status[Any]:
    user = api_user(request)
    volunteer = (
        selectors.volunteer_by_number(number=payload.volunteer_number)
        if payload.volunteer_number
        else selectors.volunteer_of(user=user)
    )
    certificate = certificate_issue(
        actor=user, volunteer=volunteer, period_start=payload.period_start, period_end=payload.period_end
    )
    return Status(201, selectors.certificate_for(user=user, pk=certificate.pk))


@router.get(
    "/certificates/{int:certificate_id}/pdf",
    response={200: None, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut},
    summary="下载证明 PDF",
)
def certificate_pdf_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_for(user=api_user(request), pk=certificate_id)
    if certificate.is_revoked:
        raise CertificateRevoked("该证明已撤销，不能下载")
    url = request.build_absolute_uri(reverse("records:certificate-verify", args=[certificate.verify_token]))
    response = HttpResponse(certificate_pdf(certificate=certificate, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@router.post(
    "/certificates/{int:certificate_id}/revoke",
    response={200: s.CertificateOut, **ERRORS},
    summary="撤销证明（组织管理员）",
)
def certificate_revoke_api(request: HttpRequest, certificate_id: int, payload: s.RevokeIn) -> Any:
    certificate = selectors.certificate_for(user=api_user(request), pk=certificate_id)
    certificate_revoke(actor=api_user(request), certificate=certificate, reason=payload.reason)
    return selectors.certificate_for(user=api_user(request), pk=certificate_id)


@router.get(
    "/verify/{token}",
    auth=None,
    response={200: s.VerifyOut, 404: s.ErrorOut},
    summary="公开验证证明（无需登录，不含个人信息）",
)
def certificate_verify(request: HttpRequest, token: str) -> dict[str, Any]:
    v = selectors.certificate_verification(token=token)
    return {**dataclasses.asdict(v), "status": "revoked" if v.is_revoked else "valid"}
