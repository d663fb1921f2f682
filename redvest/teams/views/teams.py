"""Team pages: list, detail, create/edit, history, archive, and the actions on the detail page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.accounts.policy import home_orgs
from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.teams.forms import (
    BackboneForm,
    DocumentForm,
    JoinForm,
    MemberAddForm,
    ReasonForm,
    TeamForm,
    names_a_field_of,
)
from redvest.teams.models import MembershipKind, Specialty, TeamKind
from redvest.teams.selectors import (
    document_get,
    manages_any_team,
    membership_get,
    team_backbone,
    team_detail,
    team_documents,
    team_get,
    team_list,
    team_member_history,
    team_roster,
    volunteer_by_number,
)
from redvest.teams.services import (
    backbone_set,
    membership_add,
    membership_leave,
    team_create,
    team_deactivate,
    team_document_upload,
    team_leader_step_down,
    team_set_leader,
    team_set_liaison,
    team_update,
)
from redvest.teams.views._helpers import shows_domain_errors

BELOW_MIN = {"1": True, "0": False}


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    qs = team_list(
        user=request.user,
        q=g.get("q", ""),
        kind=g.get("kind", ""),
        specialty=g.get("specialty", ""),
        org_id=g.get("org") or None,
        below_min_size=BELOW_MIN.get(g.get("below_min", "")),
        status=g.get("status", "active"),
    )
    page = paginate(qs, page=parse_page(g.get("page")))
    return render(
        request,
        "teams/team_list.html",
        {
            "page": page,
            "kinds": TeamKind.choices,
            "specialties": [c for c in Specialty.choices if c[0]],
            "can_create": bool(home_orgs(request.user)),
            "can_review": manages_any_team(user=request.user),
            "f": {k: g.get(k, "") for k in ("q", "kind", "specialty", "below_min", "status", "org")},
        },
    )


def _detail_context(request: AuthedRequest, team_id: int, **overrides: Any) -> dict[str, Any]:
    detail = team_detail(user=request.user, team_id=team_id, page=parse_page(request.GET.get("page")))
    return {
        "d": detail,
        "team": detail.team,
        "page": detail.roster,
        "join_form": JoinForm(),
        "document_form": DocumentForm(),
        "member_form": MemberAddForm(),
        "error": "",
        **overrides,
    }


@login_required
@shows_domain_errors
def detail_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    return render(request, "teams/team_detail.html", _detail_context(request, team_id))


def _fail(request: AuthedRequest, team_id: int, exc: DomainError, **forms: Any) -> HttpResponse:
    """Show the detail page again with the service's message and its 4xx status: next to the input when
    it names a field of the submitted form, otherwise at the top of the page."""
    error = exc.message
    for form in forms.values():
        if names_a_field_of(form, exc):
            add_domain_error(form, exc)
            error = ""
    context = _detail_context(request, team_id, error=error, **forms)
    return render(request, "teams/team_detail.html", context, status=exc.status)


@login_required
@shows_domain_errors
def create_view(request: AuthedRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, user=request.user)
    done = run_form(request, form, lambda _: team_create(actor=request.user, data=form.data_for_service()))
    if done:
        team = done.value
        messages.success(request, f"已创建服务队「{team.name}」")
        return redirect("teams:team-detail", team_id=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": None}, status=done.status)


@login_required
@shows_domain_errors
def edit_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id, action="change")
    form = TeamForm(request.POST or None, user=request.user, team=team)
    done = run_form(request, form, lambda _: team_update(actor=request.user, team=team, data=form.data_for_service()))
    if done:
        messages.success(request, "服务队信息已保存")
        return redirect("teams:team-detail", team_id=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team}, status=done.status)


@login_required
@shows_domain_errors
@require_POST
def set_leader_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    try:
        team_set_leader(actor=request.user, team=team, volunteer_id=request.POST.get("volunteer"))
    except DomainError as exc:
        return _fail(request, team_id, exc)
    messages.success(request, "负责人已更新")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
@require_POST
def set_liaison_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    try:
        team_set_liaison(actor=request.user, team=team, volunteer_id=request.POST.get("volunteer") or None)
    except DomainError as exc:
        return _fail(request, team_id, exc)
    messages.success(request, "联络员已更新")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
@require_POST
def step_down_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        team = team_leader_step_down(actor=request.user, team=team, reason=reason)
    except DomainError as exc:
        return _fail(request, team_id, exc)
    messages.success(request, f"负责人已卸任，{'由' + team.leader.name + '接任' if team.leader else '暂无骨干可接任'}")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
@require_POST
def deactivate_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        team_deactivate(actor=request.user, team=team, reason=reason)
    except DomainError as exc:
        return _fail(request, team_id, exc)
    messages.success(request, f"服务队「{team.name}」已撤销")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
def backbone_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id, action="change")
    members = [m.volunteer for m in team_roster(team=team) if m.volunteer_id != team.leader_id]
    current = {b.volunteer_id: b.order for b in team_backbone(team=team)}
    form = BackboneForm(request.POST or None, members=members, current=current)
    done = run_form(
        request, form, lambda _: backbone_set(actor=request.user, team=team, volunteer_ids=form.ordered_ids())
    )
    if done:
        messages.success(request, "骨干梯队已保存")
        return redirect("teams:team-detail", team_id=team.pk)
    return render(request, "teams/backbone_form.html", {"team": team, "form": form}, status=done.status)


@login_required
@shows_domain_errors
@require_POST
def member_add_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id, action="change")
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return render(
            request, "teams/team_detail.html", _detail_context(request, team_id, member_form=form), status=400
        )
    volunteer = volunteer_by_number(user=request.user, number=form.cleaned_data["number"])
    if volunteer is None:
        form.add_error("number", "未找到该编号的志愿者，或您无权调动该志愿者")
        return render(
            request, "teams/team_detail.html", _detail_context(request, team_id, member_form=form), status=404
        )
    try:
        membership_add(
            actor=request.user,
            team=team,
            volunteer=volunteer,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return _fail(request, team_id, exc, member_form=form)
    kind = MembershipKind(form.cleaned_data["kind"]).label
    messages.success(request, f"{volunteer.name}已以{kind}加入本队")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
@require_POST
def membership_leave_view(request: AuthedRequest, membership_id: int) -> HttpResponse:
    membership = membership_get(user=request.user, membership_id=membership_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership_leave(actor=request.user, membership=membership, reason=reason)
    except DomainError as exc:
        return _fail(request, membership.team_id, exc)
    messages.success(request, f"{membership.volunteer.name}已离开「{membership.team.name}」")
    return redirect("teams:team-detail", team_id=membership.team_id)


@login_required
@shows_domain_errors
def history_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    page = paginate(team_member_history(team=team), page=parse_page(request.GET.get("page")))
    return render(request, "teams/team_history.html", {"team": team, "page": page})


@login_required
@shows_domain_errors
def documents_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    page = paginate(team_documents(team=team), page=parse_page(request.GET.get("page")))
    return render(request, "teams/team_documents.html", {"team": team, "page": page})


@login_required
@shows_domain_errors
@require_POST
def document_upload_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "teams/team_detail.html", _detail_context(request, team_id, document_form=form), status=400
        )
    try:
        team_document_upload(
            actor=request.user, team=team, title=form.cleaned_data["title"], file=form.cleaned_data["file"]
        )
    except DomainError as exc:
        return _fail(request, team_id, exc, document_form=form)
    messages.success(request, "档案已上传")
    return redirect("teams:team-detail", team_id=team_id)


@login_required
@shows_domain_errors
def document_download_view(request: AuthedRequest, document_id: int) -> FileResponse:
    document = document_get(user=request.user, document_id=document_id)
    name = (document.file.name or "").rsplit("/", 1)[-1]
    suffix = ("." + name.rsplit(".", 1)[-1]) if "." in name else ""
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.title}{suffix}")
