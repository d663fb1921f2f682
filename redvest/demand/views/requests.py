"""The dispatcher board, the request list, a request's page and what a dispatcher does there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError, NotFound
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.demand.access import dispatch_area_paths
from redvest.demand.forms import DispatchForm, FeedbackForm, NoteForm, ReasonForm
from redvest.demand.models import DemandCategory, FeedbackSource, RequestChannel, RequestStatus
from redvest.demand.selectors.recommend import phones_revealable, recommend
from redvest.demand.selectors.requests import (
    board,
    dispatch_get,
    photo_get,
    request_detail,
    request_get,
    request_list,
)
from redvest.demand.services import (
    candidate_phone_reveal,
    dispatch_create,
    dispatch_recall,
    errand_document_receive,
    errand_step_done,
    feedback_submit,
    request_auto_dispatch,
    request_cancel,
    request_redispatch,
    request_resolve,
    resident_phone_reveal,
)
from redvest.demand.views._helpers import error_fragment, shows_domain_errors

FILTER_KEYS = ("status", "category", "channel", "q", "overdue")


def _board_context(request: AuthedRequest) -> dict[str, Any]:
    overdue = request.GET.get("overdue") == "1"
    category = request.GET.get("category", "")
    page = paginate(
        board(user=request.user, overdue=overdue, category=category), page=parse_page(request.GET.get("page"))
    )
    return {
        "page": page,
        "now": timezone.now(),
        "overdue": overdue,
        "category": category,
        "categories": DemandCategory.choices,
    }


@login_required
@require_GET
def board_view(request: AuthedRequest) -> HttpResponse:
    """The dispatcher board: open requests with live countdowns; the rows refresh themselves (htmx)."""
    return render(request, "demand/board.html", _board_context(request))


@login_required
@require_GET
def board_rows_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "demand/_partials/board_rows.html", _board_context(request))


@login_required
@require_GET
def request_list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    qs = request_list(
        user=request.user,
        status=g.get("status", ""),
        category=g.get("category", ""),
        channel=g.get("channel", ""),
        q=g.get("q", ""),
        overdue=g.get("overdue") == "1",
    )
    page = paginate(qs, page=parse_page(g.get("page")))
    return render(
        request,
        "demand/request_list.html",
        {
            "page": page,
            "f": {k: g.get(k, "") for k in FILTER_KEYS},
            "statuses": RequestStatus.choices,
            "categories": DemandCategory.choices,
            "channels": RequestChannel.choices,
        },
    )


def _detail(request: AuthedRequest, request_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    detail = request_detail(user=request.user, request_id=request_id)
    context = {
        "d": detail,
        "r": detail.request,
        "dispatch_form": extra.pop("dispatch_form", DispatchForm()),
        "reason_form": extra.pop("reason_form", ReasonForm()),
        "note_form": extra.pop("note_form", NoteForm()),
        "feedback_form": extra.pop("feedback_form", FeedbackForm()),
        "error": extra.pop("error", ""),
        **extra,
    }
    return render(request, "demand/request_detail.html", context, status=status)


@login_required
@shows_domain_errors
def request_detail_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    return _detail(request, request_id)


@login_required
@require_GET
@shows_domain_errors
def recommend_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    """htmx: ranked candidates with their reasons (only those the user could dispatch to)."""
    service_request = request_get(user=request.user, request_id=request_id, action="change")
    ranking = recommend(request=service_request, now=timezone.now(), within=dispatch_area_paths(request.user))
    sections = {
        "station": ("站点", ranking.stations),
        "team": ("服务队", ranking.teams),
        "volunteer": ("志愿者", ranking.volunteers),
    }
    first = service_request.item.assignee_kind
    ordered = [sections[first]] + [v for k, v in sections.items() if k != first]
    first_choice = next((rows[0].value for _label, rows in ordered if rows), "")
    preselect = first_choice if not service_request.dispatches.exists() else ""
    revealable = phones_revealable(user=request.user, candidates=ranking.all())
    context = {"sections": ordered, "r": service_request, "preselect": preselect, "revealable": revealable}
    return render(request, "demand/_partials/recommend.html", context)


@login_required
@require_POST
def candidate_phone_view(request: AuthedRequest, request_id: int, volunteer_id: int) -> HttpResponse:
    """htmx: a candidate's full phone where the policy allows it (audited)."""
    try:
        service_request = request_get(user=request.user, request_id=request_id, action="change")
        phone = candidate_phone_reveal(actor=request.user, request=service_request, volunteer_id=volunteer_id)
    except DomainError as exc:
        return error_fragment(request, exc)
    return render(request, "demand/_partials/phone.html", {"phone": phone})


def _act(request: AuthedRequest, request_id: int, action: Any, success: str, **forms: Any) -> HttpResponse:
    """Run one service; on a domain error show the request page again with the message and its 4xx."""
    try:
        action()
    except DomainError as exc:
        for form in forms.values():
            add_domain_error(form, exc)
        return _detail(request, request_id, status=exc.status, error=exc.message, **forms)
    messages.success(request, success)
    return redirect("demand:request-detail", request_id=request_id)


@login_required
@require_POST
@shows_domain_errors
def dispatch_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    form = DispatchForm(request.POST)
    form.is_valid()
    redispatch = request.POST.get("mode") == "redispatch"

    def run() -> None:
        if redispatch:
            request_redispatch(
                actor=request.user,
                request=service_request,
                targets=form.targets(),
                reason=posted_text(request.POST, "note", label="备注"),
                now=timezone.now(),
            )
        else:
            dispatch_create(
                actor=request.user,
                request=service_request,
                targets=form.targets(),
                note=form.cleaned_data.get("note", ""),
                now=timezone.now(),
            )

    return _act(request, request_id, run, "已改派" if redispatch else "已派单", dispatch_form=form)


@login_required
@require_POST
@shows_domain_errors
def auto_dispatch_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    return _act(
        request,
        request_id,
        lambda: request_auto_dispatch(actor=request.user, request=service_request, now=timezone.now()),
        "已按规则派单",
    )


@login_required
@require_POST
@shows_domain_errors
def recall_view(request: AuthedRequest, dispatch_id: int) -> HttpResponse:
    part = dispatch_get(user=request.user, dispatch_id=dispatch_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    return _act(
        request,
        part.request_id,
        lambda: dispatch_recall(
            actor=request.user,
            dispatch=part,
            reason=posted_text(request.POST, "reason", label="原因"),
            now=timezone.now(),
        ),
        "已撤回派单",
        reason_form=form,
    )


@login_required
@require_POST
@shows_domain_errors
def cancel_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    return _act(
        request,
        request_id,
        lambda: request_cancel(
            actor=request.user,
            request=service_request,
            reason=posted_text(request.POST, "reason", label="原因"),
            now=timezone.now(),
        ),
        "工单已撤销",
        reason_form=form,
    )


@login_required
@require_POST
@shows_domain_errors
def resolve_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    form = NoteForm(request.POST)
    form.is_valid()
    return _act(
        request,
        request_id,
        lambda: request_resolve(
            actor=request.user,
            request=service_request,
            note=posted_text(request.POST, "note", label="备注"),
            now=timezone.now(),
        ),
        "工单已办结，待回访",
        note_form=form,
    )


@login_required
@require_POST
def phone_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    """htmx: reveal the resident's full phone (audited)."""
    try:
        service_request = request_get(user=request.user, request_id=request_id)
        phone = resident_phone_reveal(actor=request.user, request=service_request)
    except DomainError as exc:
        return error_fragment(request, exc)
    return render(request, "demand/_partials/phone.html", {"phone": phone})


@login_required
@require_POST
@shows_domain_errors
def errand_document_view(request: AuthedRequest, request_id: int, document_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    document = service_request.errand_documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound("材料不存在")
    return _act(
        request,
        request_id,
        lambda: errand_document_receive(
            actor=request.user, document=document, received=request.POST.get("received") == "1", now=timezone.now()
        ),
        "材料清单已更新",
    )


@login_required
@require_POST
@shows_domain_errors
def errand_step_view(request: AuthedRequest, request_id: int, step_id: int) -> HttpResponse:
    service_request = request_get(user=request.user, request_id=request_id)
    step = service_request.errand_steps.filter(pk=step_id).first()
    if step is None:
        raise NotFound("办理步骤不存在")
    return _act(
        request,
        request_id,
        lambda: errand_step_done(
            actor=request.user, step=step, note=posted_text(request.POST, "note", label="备注"), now=timezone.now()
        ),
        "办理进度已更新",
    )


@login_required
@require_POST
@shows_domain_errors
def feedback_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    """服务反馈单: the resident online, or staff typing in a paper form (source=paper)."""
    service_request = request_get(user=request.user, request_id=request_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _detail(request, request_id, status=400, feedback_form=form, error="请选择评价")
    source = form.cleaned_data.get("source") or FeedbackSource.RESIDENT
    return _act(
        request,
        request_id,
        lambda: feedback_submit(
            actor=request.user,
            request=service_request,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data.get("comment", ""),
            source=source,
            now=timezone.now(),
        ),
        "感谢您的反馈",
        feedback_form=form,
    )


@login_required
@require_GET
@shows_domain_errors
def photo_view(request: AuthedRequest, photo_id: int) -> FileResponse:
    photo = photo_get(user=request.user, photo_id=photo_id)
    return FileResponse(photo.image.open("rb"), filename=photo.original_name or f"photo-{photo.pk}")
