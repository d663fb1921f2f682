"""我的承诺, the commitments list and follow-up, and the public wall (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from redvest.accounts.policy import can_administer
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.replica import read_from_replica
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import child_nodes, node_visible
from redvest.publicity.forms import (
    AdminCommitmentForm,
    CommitmentEditForm,
    CommitmentFilterForm,
    CommitmentForm,
    FollowUpForm,
)
from redvest.publicity.models import CommitmentSetting
from redvest.publicity.selectors import (
    commitment_get,
    commitment_list,
    commitment_progress,
    follow_ups,
    my_commitments,
    my_volunteer,
    wall,
    wall_org,
)
from redvest.publicity.services import commitment_create, commitment_follow_up, commitment_update
from redvest.publicity.views._helpers import shows_domain_errors
from redvest.records.selectors import volunteer_by_number


@login_required
@shows_domain_errors
def my_commitments_view(request: AuthedRequest) -> HttpResponse:
    volunteer = my_volunteer(user=request.user)
    form = CommitmentForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: commitment_create(actor=request.user, volunteer=volunteer, data=form.data_for_service()),
    )
    if done:
        messages.success(request, "承诺已提交，将在承诺墙上公示")
        return redirect("publicity:my-commitments")
    rows = my_commitments(volunteer=volunteer)
    progress = commitment_progress(rows)
    items = [(c, progress.get(c.pk)) for c in rows]
    return render(
        request,
        "publicity/my_commitments.html",
        {"form": form, "items": items, "volunteer": volunteer},
        status=done.status,
    )


@login_required
def commitment_list_view(request: AuthedRequest) -> HttpResponse:
    orgs = node_visible(user=request.user)
    form = CommitmentFilterForm(request.GET or None, orgs=orgs)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = commitment_list(
        user=request.user,
        year=filters.get("year"),
        setting=filters.get("setting", ""),
        status=filters.get("status", ""),
        org=filters.get("org"),
        q=filters.get("q", ""),
    )
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    progress = commitment_progress(page.items)
    rows = [(c, progress.get(c.pk)) for c in page.items]
    return render(request, "publicity/commitment_list.html", {"form": form, "page": page, "rows": rows})


@login_required
@shows_domain_errors
def commitment_new_view(request: AuthedRequest) -> HttpResponse:
    """An admin types in a volunteer's commitment (e.g. from a paper form)."""
    form = AdminCommitmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                volunteer = volunteer_by_number(number=form.cleaned_data["volunteer_number"])
                c = commitment_create(actor=request.user, volunteer=volunteer, data=form.data_for_service())
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已为{volunteer.name}登记承诺")
                return redirect("publicity:commitment-detail", c.pk)
        else:
            status = 400
    return render(request, "publicity/commitment_new.html", {"form": form}, status=status)


@login_required
@shows_domain_errors
def commitment_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The volunteer (or an admin over them) rewords a commitment still 进行中."""
    commitment = commitment_get(user=request.user, pk=pk)
    form = CommitmentEditForm(request.POST or None, initial=CommitmentEditForm.initial_for(commitment))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, value = form.target()
            try:
                commitment_update(
                    actor=request.user,
                    commitment=commitment,
                    text=form.cleaned_data["text"],
                    target_kind=kind,
                    target_value=value,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "承诺已修改")
                if commitment.volunteer.user_id == request.user.pk:
                    return redirect("publicity:my-commitments")
                return redirect("publicity:commitment-detail", pk)
        else:
            status = 400
    return render(request, "publicity/commitment_edit.html", {"c": commitment, "form": form}, status=status)


@login_required
@shows_domain_errors
def commitment_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    commitment = commitment_get(user=request.user, pk=pk)
    may_follow_up = can_administer(request.user, commitment.volunteer.org)
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_follow_up:
            raise PermissionDenied("只有志愿者所在组织的管理员可以跟进承诺")
        if form.is_valid():
            try:
                commitment_follow_up(
                    actor=request.user,
                    commitment=commitment,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    followed_on=form.cleaned_data["followed_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "跟进已记录")
                return redirect("publicity:commitment-detail", pk)
        else:
            status = 400
    return render(
        request,
        "publicity/commitment_detail.html",
        {
            "c": commitment,
            "progress": commitment_progress([commitment]).get(commitment.pk),
            "history": list(follow_ups(commitment=commitment)),
            "form": form,
            "may_follow_up": may_follow_up,
        },
        status=status,
    )


@read_from_replica
def wall_index_view(request: HttpRequest) -> HttpResponse:
    """The public wall's entry: the top of the tree and its next level (no login)."""
    nodes = list(OrgNode.objects.filter(depth__lte=2).order_by("path")[:200])
    return render(request, "publicity/wall_index.html", {"nodes": nodes})


@shows_domain_errors
@read_from_replica
def wall_view(request: HttpRequest, org_id: int) -> HttpResponse:
    """承诺墙: the commitments of an org subtree, public, names masked without consent."""
    org = wall_org(org_id=org_id)
    year = parse_page(request.GET.get("year")) if request.GET.get("year") else None
    setting = request.GET.get("setting", "")
    if setting not in CommitmentSetting.values:
        setting = ""
    found = wall(org=org, year=year, setting=setting, page=parse_page(request.GET.get("page")))
    children = list(child_nodes(org).order_by("path")[:100])
    return render(
        request,
        "publicity/wall.html",
        {
            "org": org,
            "page": found.page,
            "year": year,
            "setting": setting,
            "settings": CommitmentSetting.choices,
            "children": children,
        },
    )
