"""Pages of the org network and its stations. Each view parses, calls one service or selector, renders."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError, NotFound, PermissionDenied
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.policy import is_system_admin
from redvest.orgs import hooks, selectors, services
from redvest.orgs.forms import (
    EvidenceForm,
    InspectionForm,
    NodeForm,
    NodeMoveForm,
    StationFilterForm,
    StationForm,
)
from redvest.orgs.models import FiveHaveKind, OrgKind

View = Callable[..., HttpResponseBase]


def domain_errors(view: View) -> View:
    """A DomainError no form took (unknown id, no permission) becomes a page with its message and status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if request.htmx:  # type: ignore[attr-defined]  # django-htmx's middleware sets request.htmx
                return render(request, "orgs/_partials/error.html", {"message": exc.message}, status=exc.status)
            return render(request, "orgs/error.html", {"message": exc.message}, status=exc.status)

    return wrapper


def onto_form(form: forms.Form, exc: DomainError) -> None:
    """Input mistakes go on the form; a refusal or a missing record is a page of its own (domain_errors)."""
    if isinstance(exc, (PermissionDenied, NotFound)):
        raise exc
    add_domain_error(form, exc)


# ---- the tree ----------------------------------------------------------------------------------


@login_required
@require_GET
def node_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrgKind.values else ""
    searching = bool(q or kind)
    qs = (
        selectors.node_search(user=request.user, q=q, kind=kind)
        if searching
        else selectors.node_roots(user=request.user)
    )
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    can_create_root = is_system_admin(request.user)
    return render(
        request,
        "orgs/node_list.html",
        {
            "page": page,
            "searching": searching,
            "q": q,
            "kind": kind,
            "kinds": OrgKind.choices,
            "root_form": NodeForm() if can_create_root else None,
        },
    )


@login_required
@require_POST
@domain_errors
def node_create_root(request: AuthedRequest) -> HttpResponse:
    form = NodeForm(request.POST)
    if form.is_valid():
        try:
            node = services.node_create(actor=request.user, parent=None, **form.cleaned_data)
        except DomainError as exc:
            onto_form(form, exc)
            status = exc.status
        else:
            messages.success(request, f"已新建顶级节点“{node.name}”")
            return redirect("orgs:node-detail", pk=node.pk)
    else:
        status = 400
    page = paginate(selectors.node_roots(user=request.user), page=1)
    context = {"page": page, "searching": False, "q": "", "kind": "", "kinds": OrgKind.choices, "root_form": form}
    return render(request, "orgs/node_list.html", context, status=status)


@login_required
@require_GET
@domain_errors
def node_children(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(user=request.user, node_id=pk)
    page = paginate(selectors.node_children(user=request.user, node=node), page=parse_page(request.GET.get("page")))
    return render(request, "orgs/_partials/node_children.html", {"node": node, "page": page})


def node_detail_page(
    request: AuthedRequest,
    pk: int,
    status: int = 200,
    delete_error: str = "",
    section_forms: dict[str, forms.Form] | None = None,
    **bound: forms.Form,
) -> HttpResponse:
    """The node page; `bound` re-renders one of orgs' forms with its errors, `section_forms` one of the
    forms of a section another app adds (`orgs.hooks.node_page_sections`, e.g. accounts' role grant)."""
    detail = selectors.node_detail(user=request.user, node_id=pk, children_page=parse_page(request.GET.get("page")))
    node = detail.node
    context: dict[str, Any] = {
        "detail": detail,
        "node": node,
        "edit_form": bound.get("edit_form")
        or NodeForm(
            initial={"name": node.name, "kind": node.kind, "code": node.code, "team_min_size": node.team_min_size}
        ),
        "child_form": bound.get("child_form") or NodeForm(),
        "move_form": bound.get("move_form"),
        "sections": hooks.node_page_sections(request, detail, section_forms or {}),
        "delete_error": delete_error,
    }
    if detail.can_move and context["move_form"] is None:
        context["move_form"] = NodeMoveForm(targets=selectors.node_move_targets(user=request.user, node=node))
    return render(request, "orgs/node_detail.html", context, status=status)


@login_required
@require_GET
@domain_errors
def node_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return node_detail_page(request, pk)


@login_required
@require_POST
@domain_errors
def node_update(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(user=request.user, node_id=pk)
    form = NodeForm(request.POST)
    if not form.is_valid():
        return node_detail_page(request, pk, 400, edit_form=form)
    try:
        services.node_update(actor=request.user, node=node, **form.cleaned_data)
    except DomainError as exc:
        onto_form(form, exc)
        return node_detail_page(request, pk, exc.status, edit_form=form)
    messages.success(request, "已保存")
    return redirect("orgs:node-detail", pk=pk)


@login_required
@require_POST
@domain_errors
def node_create(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = selectors.node_get(user=request.user, node_id=pk)
    form = NodeForm(request.POST)
    if not form.is_valid():
        return node_detail_page(request, pk, 400, child_form=form)
    try:
        child = services.node_create(actor=request.user, parent=parent, **form.cleaned_data)
    except DomainError as exc:
        onto_form(form, exc)
        return node_detail_page(request, pk, exc.status, child_form=form)
    messages.success(request, f"已新建下级节点“{child.name}”")
    return redirect("orgs:node-detail", pk=child.pk)


@login_required
@require_POST
@domain_errors
def node_move(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(user=request.user, node_id=pk)
    form = NodeMoveForm(request.POST, targets=selectors.node_move_targets(user=request.user, node=node))
    if not form.is_valid():
        return node_detail_page(request, pk, 400, move_form=form)
    try:
        target = selectors.node_get(user=request.user, node_id=form.cleaned_data["target"])
        services.node_move(actor=request.user, node=node, target=target)
    except DomainError as exc:
        onto_form(form, exc)
        return node_detail_page(request, pk, exc.status, move_form=form)
    messages.success(request, f"已将“{node.name}”移动到“{target.name}”之下")
    return redirect("orgs:node-detail", pk=pk)


@login_required
@require_GET
@domain_errors
def node_move_targets(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(user=request.user, node_id=pk)
    targets = selectors.node_move_targets(user=request.user, node=node, q=request.GET.get("q", "").strip()[:100])
    return render(request, "orgs/_partials/move_targets.html", {"form": NodeMoveForm(targets=targets)})


@login_required
@require_POST
@domain_errors
def node_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(user=request.user, node_id=pk)
    try:
        parent = services.node_delete(actor=request.user, node=node)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        return node_detail_page(request, pk, exc.status, delete_error=exc.message)
    messages.success(request, f"已删除“{node.name}”")
    return redirect("orgs:node-detail", pk=parent.pk) if parent else redirect("orgs:node-list")


@login_required
# ---- stations ----------------------------------------------------------------------------------


@login_required
@require_GET
def station_list(request: AuthedRequest) -> HttpResponse:
    form = StationFilterForm(request.GET or None, orgs=selectors.org_filter_choices(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.station_list(
        user=request.user,
        org_id=filters.get("org"),
        kind=filters.get("kind", ""),
        shortfall_only=bool(filters.get("shortfall")),
        q=filters.get("q", ""),
    )
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request, "orgs/station_list.html", {"page": page, "form": form, "fivehave_kinds": FiveHaveKind.choices}
    )


def _station_detail_page(request: AuthedRequest, pk: int, status: int = 200, **bound: forms.Form) -> HttpResponse:
    detail = selectors.station_detail(user=request.user, station_id=pk)
    station = detail.station
    items = [
        {
            "entry": entry,
            "evidence_form": bound.get(f"evidence_{entry.kind}") or EvidenceForm(prefix=f"ev-{entry.kind}"),
            "inspection_form": bound.get(f"inspection_{entry.kind}") or InspectionForm(prefix=f"in-{entry.kind}"),
        }
        for entry in detail.checklist
    ]
    edit_form = bound.get("edit_form") or StationForm(
        initial={
            "address": station.address,
            "latitude": station.latitude,
            "longitude": station.longitude,
            "opening_hours": station.opening_hours,
            "contact_name": station.contact_name,
            "contact_phone": station.contact_phone,
            "amenities": station.amenities,
        }
    )
    context = {"detail": detail, "station": station, "items": items, "edit_form": edit_form}
    return render(request, "orgs/station_detail.html", context, status=status)


@login_required
@require_GET
@domain_errors
def station_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _station_detail_page(request, pk)


@login_required
@require_POST
@domain_errors
def station_update(request: AuthedRequest, pk: int) -> HttpResponse:
    station = selectors.station_get(user=request.user, station_id=pk)
    form = StationForm(request.POST)
    if not form.is_valid():
        return _station_detail_page(request, pk, 400, edit_form=form)
    try:
        services.station_update(actor=request.user, station=station, **form.cleaned_data)
    except DomainError as exc:
        onto_form(form, exc)
        return _station_detail_page(request, pk, exc.status, edit_form=form)
    messages.success(request, "站点信息已保存")
    return redirect("orgs:station-detail", pk=pk)


@login_required
@require_POST
@domain_errors
def evidence_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    station = selectors.station_get(user=request.user, station_id=pk)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"ev-{kind}")
    if not form.is_valid():
        return _station_detail_page(request, pk, 400, **{f"evidence_{kind}": form})
    try:
        services.fivehave_evidence_add(
            actor=request.user,
            station=station,
            kind=kind,
            file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        onto_form(form, exc)
        return _station_detail_page(request, pk, exc.status, **{f"evidence_{kind}": form})
    messages.success(request, f"已上传“{FiveHaveKind(kind).label}”的佐证材料")
    return redirect(reverse("orgs:station-detail", kwargs={"pk": pk}) + f"#item-{kind}")


@login_required
@require_POST
@domain_errors
def inspection_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    station = selectors.station_get(user=request.user, station_id=pk)
    form = InspectionForm(request.POST, prefix=f"in-{kind}")
    if not form.is_valid():
        return _station_detail_page(request, pk, 400, **{f"inspection_{kind}": form})
    try:
        services.fivehave_inspect(actor=request.user, station=station, kind=kind, **form.cleaned_data)
    except DomainError as exc:
        onto_form(form, exc)
        return _station_detail_page(request, pk, exc.status, **{f"inspection_{kind}": form})
    messages.success(request, f"已登记“{FiveHaveKind(kind).label}”检查结果")
    return redirect(reverse("orgs:station-detail", kwargs={"pk": pk}) + f"#item-{kind}")


@login_required
@require_GET
@domain_errors
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    evidence = selectors.evidence_get(user=request.user, evidence_id=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound("文件已丢失，请重新上传") from exc
    stored_name = str(evidence.file.name)
    content_type = mimetypes.guess_type(stored_name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name or stored_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
