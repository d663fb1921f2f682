"""数据看板, 大屏 and 数据导出: thin views over the dashboards' selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.core.replica import read_from_replica
from redvest.dashboards import selectors
from redvest.dashboards.forms import ExportForm
from redvest.dashboards.models import ExportStatus
from redvest.dashboards.services import data_export_download, data_export_request, data_export_retry

shows_domain_errors = domain_error_pages("dashboards/error.html")


@login_required
@require_GET
@shows_domain_errors
@read_from_replica
def home(request: AuthedRequest) -> HttpResponse:
    node = selectors.dashboard_home(user=request.user)
    return redirect("dashboards:dashboard", org_id=node.pk)


@login_required
@require_GET
@shows_domain_errors
@read_from_replica
def big_screen_home(request: AuthedRequest) -> HttpResponse:
    node = selectors.dashboard_home(user=request.user)
    return redirect("dashboards:big-screen", org_id=node.pk)


def _context(request: AuthedRequest, org_id: int) -> dict[str, Any]:
    dashboard = selectors.dashboard_get(user=request.user, org_id=org_id)
    return {
        "d": dashboard,
        "data": dashboard.as_json(),
        "child_url": reverse("dashboards:dashboard", args=[0]),
    }


@login_required
@require_GET
@shows_domain_errors
@read_from_replica
def dashboard_view(request: AuthedRequest, org_id: int) -> HttpResponse:
    return render(request, "dashboards/dashboard.html", _context(request, org_id))


@login_required
@require_GET
@shows_domain_errors
@read_from_replica
def big_screen(request: AuthedRequest, org_id: int) -> HttpResponse:
    context = _context(request, org_id)
    context["child_url"] = reverse("dashboards:big-screen", args=[0])
    return render(request, "dashboards/big_screen.html", context)


@login_required
@require_GET
@read_from_replica
def dashboard_json(request: AuthedRequest, org_id: int) -> JsonResponse:
    try:
        dashboard = selectors.dashboard_get(user=request.user, org_id=org_id)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(dashboard.as_json(), json_dumps_params={"ensure_ascii": False})


def _export_form(request: AuthedRequest, data: Any = None) -> ExportForm:
    orgs = selectors.export_org_choices(user=request.user)
    today = timezone.localdate()
    initial = {"start": today.replace(month=1, day=1), "end": today} | ({"org": orgs[0].pk} if orgs else {})
    return ExportForm(
        data,
        initial=initial,
        tables=selectors.export_table_choices(),
        orgs=[(n.pk, "　" * max(0, n.depth - orgs[0].depth) + n.name) for n in orgs] if orgs else [],
    )


def _export_page(request: AuthedRequest, form: ExportForm, status: int = 200) -> HttpResponse:
    page = paginate(selectors.export_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "dashboards/export.html",
        {
            "form": form,
            "page": page,
            "categories": selectors.export_category_choices(),
            "running": any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in page.items),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def export_view(request: AuthedRequest) -> HttpResponse:
    if not selectors.export_org_choices(user=request.user):
        return render(request, "dashboards/error.html", {"message": "数据导出仅对管理员开放"}, status=403)
    if request.method != "POST":
        return _export_page(request, _export_form(request))
    form = _export_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            export = data_export_request(
                actor=request.user,
                table=data["table"],
                org_id=data["org"],
                category=data["category"],
                start=data["start"],
                end=data["end"],
                include_sensitive=data["include_sensitive"],
                fmt=data["format"] or "xlsx",
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已提交导出（{export.pk}号），生成后可在“我的导出”中下载")
            return redirect("dashboards:export")
    return _export_page(request, form, status=400)


@login_required
@require_GET
def export_list_partial(request: AuthedRequest) -> HttpResponse:
    page = paginate(selectors.export_list(user=request.user), page=parse_page(request.GET.get("page")))
    running = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in page.items)
    return render(request, "dashboards/_export_list.html", {"page": page, "running": running})


@login_required
@require_GET
@shows_domain_errors
def export_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """One export's progress (rows written of the total), polled by htmx from the page that asked for it
    until the download link appears."""
    return render(request, "dashboards/_export_status.html", {"e": selectors.export_get(user=request.user, pk=pk)})


@login_required
@require_GET
@shows_domain_errors
def export_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    export = data_export_download(actor=request.user, export=selectors.export_get(user=request.user, pk=pk))
    name = str(export.file.name).rsplit("/", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
@shows_domain_errors
def export_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Queue again an export that failed (e.g. its worker stopped)."""
    export = data_export_retry(actor=request.user, export=selectors.export_get(user=request.user, pk=pk))
    messages.success(request, f"已重新提交导出（{export.pk}号），生成后可在“我的导出”中下载")
    return redirect("dashboards:export")
