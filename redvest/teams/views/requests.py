"""Join requests: a volunteer's 申请加入 and withdraw; the managers' inbox with htmx approve/reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.teams.forms import DecisionForm, JoinForm
from redvest.teams.models import JoinRequest
from redvest.teams.selectors import join_request_get, join_request_inbox, team_get
from redvest.teams.services import join_request_approve, join_request_create, join_request_reject, join_request_withdraw
from redvest.teams.views._helpers import shows_domain_errors
from redvest.teams.views.teams import _detail_context, _fail


@login_required
@shows_domain_errors
@require_POST
def join_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(request, "teams/team_detail.html", _detail_context(request, team_id, join_form=form), status=400)
    try:
        join_request_create(
            actor=request.user, team=team, kind=form.cleaned_data["kind"], message=form.cleaned_data["message"]
        )
    except DomainError as exc:
        return _fail(request, team_id, exc, join_form=form)
    messages.success(request, "申请已提交，请等待负责人审批")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
@require_POST
def withdraw_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    join_request = join_request_get(user=request.user, request_id=request_id)
    try:
        join_request_withdraw(actor=request.user, join_request=join_request)
    except DomainError as exc:
        return _fail(request, join_request.team_id, exc)
    messages.success(request, "申请已撤回")
    return redirect("teams:team-detail", team_id=join_request.team_id)


@login_required
@shows_domain_errors
def inbox_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(join_request_inbox(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "teams/joinrequest_list.html", {"page": page, "form": DecisionForm()})


def _row(
    request: HttpRequest, join_request: JoinRequest, *, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "teams/_partials/joinrequest_row.html",
        {"r": join_request, "form": form or DecisionForm()},
        status=status,
    )


def _decide(request: AuthedRequest, request_id: int, *, approve: bool) -> HttpResponse:
    join_request = join_request_get(user=request.user, request_id=request_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if approve:
            join_request = join_request_approve(actor=request.user, join_request=join_request, note=note)
        else:
            join_request = join_request_reject(actor=request.user, join_request=join_request, note=note)
    except DomainError as exc:
        if request.htmx:
            add_domain_error(form, exc)
            return _row(request, join_request, form=form, status=exc.status)
        messages.error(request, exc.message)
        page = paginate(join_request_inbox(user=request.user), page=1)
        return render(request, "teams/joinrequest_list.html", {"page": page, "form": DecisionForm()}, status=exc.status)
    if request.htmx:
        return _row(request, join_request)
    messages.success(request, f"已{'同意' if approve else '拒绝'}{join_request.volunteer.name}的申请")
    return redirect("teams:joinrequest-list")


@login_required
@shows_domain_errors
@require_POST
def approve_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    return _decide(request, request_id, approve=True)


@login_required
@shows_domain_errors
@require_POST
def reject_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    return _decide(request, request_id, approve=False)
