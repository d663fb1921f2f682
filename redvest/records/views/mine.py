"""The volunteer's side: "my service", one record, disputing it."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import parse_page
from redvest.records import selectors
from redvest.records.forms import DisputeForm
from redvest.records.models import RecordKind
from redvest.records.services import MyDataFile, dispute_open, my_data_export
from redvest.records.views._common import domain_errors


@login_required
@domain_errors
def my_service(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    data = selectors.my_service(user=request.user, kind=kind, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "records/my_service.html",
        {"summary": data.summary, "page": data.history, "kind": kind, "kinds": RecordKind.choices},
    )


@login_required
@domain_errors
@require_GET
def transferred(request: AuthedRequest, pk: int) -> HttpResponse:
    """转入记录: a volunteer's time by the org it was earned for, transferred periods apart."""
    data = selectors.transferred_records(user=request.user, volunteer_id=pk)
    return render(request, "records/transferred.html", {"d": data})


@login_required
@domain_errors
@require_GET
def my_data(request: AuthedRequest) -> HttpResponse:
    """The volunteer's own data as a JSON download (audited as a sensitive view)."""
    file = my_data_export(actor=request.user)
    return my_data_response(file)


def my_data_response(file: MyDataFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@domain_errors
def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    detail = selectors.record_detail(user=request.user, pk=pk)
    return render(request, "records/record_detail.html", {"d": detail, "r": detail.record})


@login_required
@domain_errors
@require_GET
def record_evidence(request: AuthedRequest, pk: int) -> FileResponse:
    """Evidence files are served here, behind the same visibility as the record, never from a public URL."""
    record = selectors.record_evidence(user=request.user, pk=pk)
    name = str(record.evidence.name).rsplit("/", 1)[-1]
    return FileResponse(record.evidence.open("rb"), as_attachment=False, filename=name)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def dispute_create(request: AuthedRequest, pk: int) -> HttpResponse:
    detail = selectors.record_detail(user=request.user, pk=pk)
    form = DisputeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        run = run_form(
            request,
            form,
            lambda data: dispute_open(
                actor=request.user,
                record=detail.record,
                reason=data["reason"],
                claimed_minutes=data["claimed_minutes"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, "异议已提交，负责人处理后会通知您")
            return redirect("records:record-detail", pk=pk)
    return render(request, "records/dispute_form.html", {"form": form, "r": detail.record}, status=status)
