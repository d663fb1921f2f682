"""好人好事登记: report with evidence, the review queue, approve / reject / revoke."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.accounts.policy import can
from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.points.errors import NotAVolunteer
from redvest.points.forms import ClaimForm, DecisionForm
from redvest.points.models import ClaimStatus, PointType
from redvest.points.selectors import claim_get, claim_list, volunteer_by_number, volunteer_of
from redvest.points.services import ClaimData, claim_approve, claim_reject, claim_report, claim_revoke
from redvest.points.views._common import shows_domain_errors


@login_required
@shows_domain_errors
def list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    qs = claim_list(user=request.user, status=g.get("status", ""), point_type=g.get("type", ""))
    page = paginate(qs, page=parse_page(g.get("page")))
    return render(
        request,
        "points/claim_list.html",
        {
            "page": page,
            "statuses": ClaimStatus.choices,
            "types": PointType.choices,
            "f": {"status": g.get("status", ""), "type": g.get("type", "")},
        },
    )


@login_required
@shows_domain_errors
def new(request: AuthedRequest) -> HttpResponse:
    initial = {}
    with contextlib.suppress(NotAVolunteer):
        initial["volunteer_number"] = volunteer_of(user=request.user).number
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            volunteer = volunteer_by_number(number=d["volunteer_number"])
            try:
                if volunteer is None:
                    raise DomainError("没有找到该编号的已注册志愿者", field="volunteer_number")
                claim = claim_report(
                    actor=request.user,
                    data=ClaimData(
                        volunteer=volunteer,
                        point_type=d["point_type"],
                        title=d["title"],
                        occurred_on=d["occurred_on"],
                        description=d["description"],
                        place=d["place"],
                        evidence=d["evidence"],
                    ),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                if claim.status == ClaimStatus.APPROVED:
                    messages.success(request, f"登记成功，{claim.points} 分已计入 {volunteer.name} 的积分")
                else:
                    messages.success(request, "登记成功，等待审核")
                return redirect("points:claim-detail", claim_id=claim.pk)
        else:
            status = 400
    return render(request, "points/claim_form.html", {"form": form}, status=status)


def _detail(
    request: AuthedRequest, claim_id: int, *, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    claim = claim_get(user=request.user, claim_id=claim_id)
    return render(
        request,
        "points/claim_detail.html",
        {
            "claim": claim,
            "can_review": can(request.user, "change", claim),
            "form": form or DecisionForm(initial={"points": claim.points}),
        },
        status=status,
    )


@login_required
@shows_domain_errors
def detail(request: AuthedRequest, claim_id: int) -> HttpResponse:
    return _detail(request, claim_id)


@login_required
@require_POST
@shows_domain_errors
def decide(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = claim_get(user=request.user, claim_id=claim_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, claim_id, form=form, status=400)
    d = form.cleaned_data
    actor = request.user
    try:
        if d["action"] == "approve":
            claim_approve(actor=actor, claim=claim, points=d["points"], note=d["note"])
            messages.success(request, "已通过，积分已入账")
        elif d["action"] == "reject":
            claim_reject(actor=actor, claim=claim, note=d["note"])
            messages.success(request, "已退回")
        else:
            claim_revoke(actor=actor, claim=claim, reason=d["note"])
            messages.success(request, "已撤销，积分已冲正")
    except DomainError as exc:
        if exc.field == "reason":
            exc.field = "note"
        add_domain_error(form, exc)
        return _detail(request, claim_id, form=form, status=exc.status)
    return redirect("points:claim-detail", claim_id=claim_id)


@login_required
@shows_domain_errors
def evidence(request: AuthedRequest, claim_id: int) -> HttpResponseBase:
    claim = claim_get(user=request.user, claim_id=claim_id)
    if not claim.evidence:
        raise Http404
    return FileResponse(claim.evidence.open("rb"), filename=(claim.evidence.name or "evidence").rsplit("/", 1)[-1])
