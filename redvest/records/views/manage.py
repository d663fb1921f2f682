"""The leader's and org admin's side: records, corrections, disputes, make-ups, honour hours, review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods

from redvest.core.errors import PermissionDenied
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.records import selectors
from redvest.records.access import can_approve_corrections, can_grant_honour
from redvest.records.forms import (
    AnomalyResolveForm,
    CorrectionForm,
    DisputeReviewForm,
    HonourForm,
    MakeupForm,
    ProposalDecisionForm,
)
from redvest.records.models import AnomalyKind, AnomalyStatus, DisputeStatus, ProposalStatus, RecordKind
from redvest.records.services import (
    anomaly_resolve,
    correction_approve,
    correction_reject,
    correction_submit,
    dispute_review,
    honour_grant,
    makeup_record,
)
from redvest.records.views._common import domain_errors, int_or_none


@login_required
@domain_errors
def record_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    activity = int_or_none(request.GET.get("activity"))
    number = request.GET.get("number", "")
    since = parse_date(request.GET.get("since") or "")
    qs = selectors.record_list(user=request.user, activity_id=activity, volunteer_number=number, kind=kind, since=since)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "records/record_list.html",
        {
            "page": page,
            "kinds": RecordKind.choices,
            "kind": kind,
            "activity": activity,
            "number": number,
            "since": since,
            "recent_days": selectors.RECENT_DAYS,
            "may_grant_honour": can_grant_honour(request.user),
        },
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def record_correct_view(request: AuthedRequest, pk: int) -> HttpResponse:
    detail = selectors.record_detail(user=request.user, pk=pk)
    form = CorrectionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: correction_submit(
                actor=request.user,
                record=detail.record,
                minutes=data["minutes"],
                reason=data["reason"],
                evidence=data["evidence"],
                evidence_note=data["evidence_note"],
            ),
        )
        status = run.status
        if run and (proposal := run.value.proposal) is not None:
            messages.success(request, "增加时长的更正申请已提交，待上级组织管理员审批后生效")
            return redirect("records:proposal-detail", pk=proposal.pk)
        if run:
            messages.success(request, "已更正：原记录已冲销并生成更正记录，已进入异常复核")
            return redirect("records:record-detail", pk=pk)
    return render(request, "records/record_correct.html", {"form": form, "r": detail.record}, status=status)


@login_required
@domain_errors
def dispute_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", DisputeStatus.OPEN)
    page = paginate(selectors.dispute_list(user=request.user, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request, "records/dispute_list.html", {"page": page, "statuses": DisputeStatus.choices, "status": status}
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def dispute_review_view(request: AuthedRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_for_review(user=request.user, pk=pk)
    form = DisputeReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: dispute_review(
                actor=request.user,
                dispute=dispute,
                uphold=data["decision"] == "uphold",
                note=data["note"],
                minutes=data["minutes"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "异议已处理，已通知志愿者")
            return redirect("records:dispute-list")
    return render(request, "records/dispute_review.html", {"form": form, "dispute": dispute}, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def makeup_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    choices = [(a.pk, f"{a.title}（{a.start_at:%Y-%m-%d}）") for a in selectors.makeup_activities(user=user)]
    initial = {"activity": int_or_none(request.GET.get("activity"))}
    form = MakeupForm(request.POST or None, request.FILES or None, activity_choices=choices, initial=initial)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: makeup_record(
                actor=user,
                activity=selectors.activity_get(user=user, pk=data["activity"]),
                volunteer=selectors.volunteer_by_number(number=data["volunteer_number"]),
                minutes=data["minutes"],
                reason=data["reason"],
                evidence=data["evidence"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "补录成功，已通知志愿者")
            return redirect("records:makeup-create")
    return render(request, "records/makeup_form.html", {"form": form, "has_activities": bool(choices)}, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def honour_grant_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can_grant_honour(user):
        raise PermissionDenied("只有组织管理员可以授予荣誉时数")
    form = HonourForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: honour_grant(
                actor=user,
                volunteer=selectors.volunteer_by_number(number=data["volunteer_number"]),
                minutes=data["minutes"],
                category=data["category"],
                served_on=data["served_on"],
                reason=data["reason"],
                evidence=data["evidence"],
                confirm_duplicate=data["confirm_duplicate"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "荣誉时数已授予，已通知志愿者")
            return redirect("records:honour-grant")
    return render(request, "records/honour_form.html", {"form": form}, status=status)


@login_required
@domain_errors
def review_queue(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", AnomalyStatus.OPEN)
    kind = request.GET.get("kind", "")
    qs = selectors.anomaly_queue(user=request.user, status=status, kind=kind)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "records/review_queue.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": AnomalyStatus.choices,
            "kinds": AnomalyKind.choices,
            "auto_closed": AnomalyKind.AUTO_CLOSED,
            "may_approve": can_approve_corrections(request.user),
        },
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def anomaly_resolve_view(request: AuthedRequest, pk: int) -> HttpResponse:
    anomaly = selectors.anomaly_for_review(user=request.user, pk=pk)
    form = AnomalyResolveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: anomaly_resolve(
                actor=request.user,
                anomaly=anomaly,
                action=data["action"],
                note=data["note"],
                minutes=data["minutes"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "异常已处理")
            return redirect("records:review-queue")
    return render(
        request,
        "records/anomaly_resolve.html",
        {"form": form, "a": anomaly, "auto_closed": AnomalyKind.AUTO_CLOSED},
        status=status,
    )


@login_required
@domain_errors
def proposal_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", ProposalStatus.PENDING)
    qs = selectors.proposal_list(user=request.user, status=status)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request, "records/proposal_list.html", {"page": page, "status": status, "statuses": ProposalStatus.choices}
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    detail = selectors.proposal_detail(user=user, pk=pk)
    form = ProposalDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decide = correction_approve if request.POST.get("decision") == "approve" else correction_reject
        run = run_form(request, form, lambda data: decide(actor=user, proposal=detail.proposal, note=data["note"]))
        status = run.status
        if run:
            messages.success(request, "更正申请已处理，已通知申请人")
            return redirect("records:proposal-list")
    return render(
        request,
        "records/proposal_detail.html",
        {"form": form, "p": detail.proposal, "may_decide": detail.may_decide},
        status=status,
    )


@login_required
@domain_errors
def proposal_evidence(request: AuthedRequest, pk: int) -> FileResponse:
    proposal = selectors.proposal_evidence(user=request.user, pk=pk)
    return FileResponse(proposal.evidence.open("rb"), filename=str(proposal.evidence.name).rsplit("/", 1)[-1])
