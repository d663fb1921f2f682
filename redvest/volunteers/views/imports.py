"""Excel pages: ledger export, blank template, upload → dry-run preview → confirm, progress polled by htmx."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.excel import XLSX_CONTENT_TYPE
from redvest.core.exports import export_started
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import parse_page
from redvest.volunteers import selectors
from redvest.volunteers.excel import IMPORT_COLUMNS, template_workbook
from redvest.volunteers.forms import ImportConfirmForm, ImportUploadForm, filters_from
from redvest.volunteers.services import (
    LEDGER_LABEL,
    volunteer_export_request,
    volunteer_import_confirm,
    volunteer_import_retry,
    volunteer_import_start,
)
from redvest.volunteers.views._common import domain_errors


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_POST
def export(request: AuthedRequest) -> HttpResponse:
    """Queue the ledger of what the user sees, narrowed by the list's filters (in the query string;
    columns: see volunteers.excel), in the format posted; the page then shows its progress."""
    try:
        ticket = volunteer_export_request(
            actor=request.user, filters=filters_from(request.GET), fmt=request.POST.get("format", "xlsx")
        )
    except DomainError as exc:
        template = "volunteers/_error.html" if request.htmx else "volunteers/error.html"
        return render(request, template, {"message": exc.message}, status=exc.status)
    back = reverse("volunteers:volunteer-list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    return export_started(request, ticket, label=LEDGER_LABEL, back_url=back)


@login_required
@require_GET
def import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response(template_workbook(), "志愿者导入模板.xlsx")


@login_required
def import_create(request: AuthedRequest) -> HttpResponse:
    orgs = selectors.manageable_orgs(user=request.user)
    if not orgs.exists():
        return render(request, "volunteers/error.html", {"message": "您没有可导入志愿者的组织"}, status=403)
    recent = selectors.import_list(user=request.user)[:10]
    if request.method != "POST":
        form = ImportUploadForm(orgs=orgs)
        return render(
            request, "volunteers/import_form.html", {"form": form, "columns": IMPORT_COLUMNS, "recent": recent}
        )
    form = ImportUploadForm(request.POST, request.FILES, orgs=orgs)
    status = 400
    if form.is_valid():
        try:
            imp = volunteer_import_start(
                actor=request.user,
                org=form.cleaned_data.get("org"),
                upload=form.cleaned_data.get("file"),
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return redirect("volunteers:import-detail", pk=imp.pk)
    context = {"form": form, "columns": IMPORT_COLUMNS, "recent": recent}
    return render(request, "volunteers/import_form.html", context, status=status)


def _import_context(request: AuthedRequest, pk: int) -> dict[str, object]:
    imp = selectors.import_get(user=request.user, pk=pk)
    return {
        "imp": imp,
        "page": selectors.import_error_page(imp=imp, page=parse_page(request.GET.get("page"))),
    }


@login_required
@require_GET
@domain_errors
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "volunteers/import_detail.html", _import_context(request, pk))


@login_required
@require_GET
@domain_errors
def import_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx partial polled every second until the import finishes (then it stops polling)."""
    return render(request, "volunteers/_import_status.html", _import_context(request, pk))


@login_required
@require_POST
@domain_errors
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    imp = selectors.import_get(user=request.user, pk=pk)
    form = ImportConfirmForm(request.POST)
    form.is_valid()
    try:
        volunteer_import_confirm(
            actor=request.user,
            imp=imp,
            skip_bad_rows=bool(form.cleaned_data.get("skip_bad_rows")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        context = _import_context(request, pk)
        return render(request, "volunteers/import_detail.html", context, status=exc.status)
    return redirect("volunteers:import-detail", pk=pk)


@login_required
@require_POST
@domain_errors
def import_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Queue again an import that was interrupted or failed by a system error."""
    imp = selectors.import_get(user=request.user, pk=pk)
    try:
        volunteer_import_retry(actor=request.user, imp=imp)
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(request, "volunteers/import_detail.html", _import_context(request, pk), status=exc.status)
    return redirect("volunteers:import-detail", pk=pk)


@login_required
@require_GET
@domain_errors
def import_report(request: AuthedRequest, pk: int) -> HttpResponse:
    imp = selectors.import_get(user=request.user, pk=pk)
    return xlsx_response(selectors.import_error_report(imp=imp), f"导入错误报告-{imp.pk}.xlsx")
