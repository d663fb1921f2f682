"""数据交换 pages: batches, a new export, an import's dry-run report and its confirmation; a volunteer's
transferred records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.exchange import selectors
from redvest.exchange.forms import ExportForm, ImportForm
from redvest.exchange.services import (
    exchange_export_download,
    exchange_export_request,
    exchange_import_check,
    exchange_import_confirm,
)

shows_domain_errors = domain_error_pages("exchange/error.html")


def _org_choices(request: AuthedRequest) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.exchange_orgs(user=request.user)[:500]]


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def home(request: AuthedRequest) -> HttpResponse:
    """Batches of the admin's subtree and the export form."""
    orgs = _org_choices(request)
    form = ExportForm(request.POST or None, orgs=orgs)
    run = run_form(
        request,
        form,
        lambda d: exchange_export_request(
            actor=request.user, org=selectors.org_for_exchange(user=request.user, pk=d["org"]), full=d["full"]
        ),
    )
    if run:
        return redirect("exchange:batch", batch_id=run.value.pk)
    page = paginate(selectors.batch_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(
        request, "exchange/home.html", {"form": form, "page": page, "can_exchange": bool(orgs)}, status=run.status
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, orgs=_org_choices(request))
    run = run_form(
        request,
        form,
        lambda d: exchange_import_check(
            actor=request.user, org=selectors.org_for_exchange(user=request.user, pk=d["org"]), upload=d["file"]
        ),
    )
    if run:
        return redirect("exchange:batch", batch_id=run.value.pk)
    return render(request, "exchange/import.html", {"form": form}, status=run.status)


@login_required
@require_GET
@shows_domain_errors
def batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    item = selectors.batch_get(user=request.user, pk=batch_id)
    template = "exchange/_batch_status.html" if request.htmx else "exchange/batch.html"
    return render(request, template, {"batch": item})


@login_required
@require_POST
@shows_domain_errors
def import_confirm(request: AuthedRequest, batch_id: int) -> HttpResponse:
    exchange_import_confirm(actor=request.user, batch=selectors.batch_get(user=request.user, pk=batch_id))
    return redirect("exchange:batch", batch_id=batch_id)


@login_required
@require_GET
@shows_domain_errors
def download(request: AuthedRequest, batch_id: int) -> FileResponse:
    item = exchange_export_download(actor=request.user, batch=selectors.batch_get(user=request.user, pk=batch_id))
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=str(item.file.name).rsplit("/", 1)[-1])


@login_required
@require_GET
@shows_domain_errors
def transferred(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = selectors.volunteer_for_transferred(user=request.user, pk=volunteer_id)
    return render(
        request,
        "exchange/transferred.html",
        {"volunteer": volunteer, "t": selectors.transferred_for(volunteer=volunteer)},
    )
