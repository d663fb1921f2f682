"""Pages: schemes and criteria, rounds (scores, adjustments, review, publish), the public ranking (晾晒),
the 党建考核 bonus table and export, volunteer evaluations and "我的评价". Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from redvest.core.errors import DomainError
from redvest.core.excel import XLSX_CONTENT_TYPE
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import Page, paginate, parse_page
from redvest.core.replica import read_from_replica
from redvest.evaluation.forms import AdjustmentForm, BonusRuleForm, ConsentForm, CriteriaForm, RoundForm, SchemeForm
from redvest.evaluation.models import EvaluationScore, Metric, ScoreStatus
from redvest.evaluation.period import Period, parse_period, previous_period
from redvest.evaluation.selectors import (
    adjustments_of,
    admin_org_choices,
    admin_root,
    public_round_get,
    public_rounds,
    ranking_entries,
    round_get,
    round_list,
    round_scores,
    scheme_get,
    scheme_in_force,
    scheme_list,
    score_get,
    unreviewed_count,
)
from redvest.evaluation.selectors.bonus import bonus_rule_in_force, bonus_table, bonus_xlsx
from redvest.evaluation.selectors.volunteers import (
    GRADES,
    LOW_GRADE,
    NO_DATA,
    evaluation_page,
    top_volunteers_public,
    volunteer_evaluations,
)
from redvest.evaluation.services import (
    bonus_rule_set,
    consent_record,
    round_create,
    round_publish,
    round_recompute,
    round_review_all,
    scheme_create,
    scheme_set_criteria,
    score_adjust,
    score_review,
)
from redvest.orgs.models import OrgNode
from redvest.records.selectors import volunteer_of

METRIC_LABELS = dict(Metric.choices)
GRADE_CHOICES = [label for _, label in GRADES] + [LOW_GRADE, NO_DATA]


shows_domain_errors = domain_error_pages("evaluation/error.html")


def _period_context(period: Period) -> dict[str, Any]:
    return {"period": period, "quarters": [1, 2, 3, 4]}


# ---- schemes --------------------------------------------------------------------------------------


@login_required
@shows_domain_errors
def scheme_list_view(request: AuthedRequest) -> HttpResponse:
    admin_root(user=request.user)  # admins only
    orgs = admin_org_choices(user=request.user)
    form = SchemeForm(request.POST or None, orgs=orgs)
    criteria = CriteriaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and criteria.is_valid():
            try:
                scheme = scheme_create(
                    actor=request.user,
                    org=OrgNode.objects.get(pk=form.cleaned_data["org"]),
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    criteria=criteria.criteria(),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"评议方案“{scheme.name}”已制定")
                return redirect("evaluation:scheme-edit", scheme.pk)
        else:
            status = 400
    page = paginate(scheme_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "evaluation/scheme_list.html",
        {"page": page, "form": form, "criteria": criteria, "labels": METRIC_LABELS},
        status=status,
    )


@login_required
@shows_domain_errors
def scheme_edit_view(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = scheme_get(user=request.user, scheme_id=scheme_id, action="change")
    form = CriteriaForm(request.POST or None, scheme=scheme)
    done = run_form(
        request,
        form,
        lambda d: scheme_set_criteria(actor=request.user, scheme=scheme, criteria=form.criteria(), name=d["name"]),
    )
    if done:
        messages.success(request, "评议指标已保存")
        return redirect("evaluation:scheme-edit", scheme.pk)
    return render(request, "evaluation/scheme_edit.html", {"scheme": scheme, "form": form}, status=done.status)


# ---- rounds ---------------------------------------------------------------------------------------


@login_required
@shows_domain_errors
def round_list_view(request: AuthedRequest) -> HttpResponse:
    root = admin_root(user=request.user)
    last = previous_period()
    form = RoundForm(
        request.POST or None,
        orgs=admin_org_choices(user=request.user),
        initial={"org": root.pk, "year": last.year, "quarter": last.quarter},
    )
    done = run_form(
        request,
        form,
        lambda d: round_create(
            actor=request.user,
            org=OrgNode.objects.get(pk=d["org"]),
            year=d["year"],
            quarter=d["quarter"],
            cohort_kind=d["cohort_kind"],
        ),
    )
    if done:
        messages.success(request, f"{done.value}已计算，请审核各组织得分")
        return redirect("evaluation:round-detail", done.value.pk)
    page = paginate(round_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "evaluation/round_list.html",
        {"page": page, "form": form, "scheme": scheme_in_force(org=root), "root": root},
        status=done.status,
    )


def _round_context(request: HttpRequest, round: Any, adjust_form: AdjustmentForm | None = None) -> dict[str, Any]:
    status = request.GET.get("status", "")
    page: Page[Any] = paginate(round_scores(round=round, status=status), page=parse_page(request.GET.get("page")))
    rows = [
        {
            "score": score,
            "final": score.computed + score.adjusted,
            "cells": [(score.values.get(c["metric"]), score.metric_scores.get(c["metric"])) for c in round.criteria],
        }
        for score in page.items
    ]
    return {
        "round": round,
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": ScoreStatus.choices,
        "labels": METRIC_LABELS,
        "unreviewed": unreviewed_count(round=round),
        "adjustments": adjustments_of(round=round)[:20],
        "ranking": paginate(ranking_entries(round=round), page=1, size=200).items if round.is_published else [],
        "adjust_form": adjust_form or AdjustmentForm(),
    }


@login_required
@shows_domain_errors
def round_detail_view(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = round_get(user=request.user, round_id=round_id)
    return render(request, "evaluation/round_detail.html", _round_context(request, round))


@login_required
@require_POST
@shows_domain_errors
def round_adjust_view(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = round_get(user=request.user, round_id=round_id, action="change")
    form = AdjustmentForm(request.POST)

    def adjust(d: dict[str, Any]) -> EvaluationScore:
        score = score_get(round=round, score_id=d["score"])
        score_adjust(actor=request.user, round=round, score=score, delta=d["delta"], reason=d["reason"])
        return score

    done = run_form(request, form, adjust)
    if done:
        messages.success(request, f"已调整{done.value.org.name}的得分")
        return redirect("evaluation:round-detail", round.pk)
    return render(request, "evaluation/round_detail.html", _round_context(request, round, form), status=done.status)


@login_required
@require_POST
@shows_domain_errors
def round_review_view(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = round_get(user=request.user, round_id=round_id, action="change")
    if request.POST.get("all"):
        changed = round_review_all(actor=request.user, round=round)
    else:
        changed = score_review(
            actor=request.user,
            round=round,
            scores=[score_get(round=round, score_id=parse_page(request.POST.get("score")))],
        )
    messages.success(request, f"已审核{changed}个组织的得分")
    return redirect(reverse("evaluation:round-detail", args=[round.pk]) + "?" + request.GET.urlencode())


@login_required
@require_POST
@shows_domain_errors
def round_recompute_view(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = round_recompute(actor=request.user, round=round_get(user=request.user, round_id=round_id, action="change"))
    messages.success(request, f"已重新计算（第{round.version}版），请重新审核")
    return redirect("evaluation:round-detail", round.pk)


@login_required
@require_POST
@shows_domain_errors
def round_publish_view(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = round_get(user=request.user, round_id=round_id, action="change")
    try:
        round_publish(actor=request.user, round=round)
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(request, "evaluation/round_detail.html", _round_context(request, round), status=exc.status)
    messages.success(request, "排名已晾晒")
    return redirect("evaluation:public-ranking", round.pk)


# ---- public pages (no login) ----------------------------------------------------------------------


@read_from_replica
def public_list_view(request: HttpRequest) -> HttpResponse:
    page = paginate(public_rounds(), page=parse_page(request.GET.get("page")))
    return render(request, "evaluation/public_list.html", {"page": page})


@shows_domain_errors
@read_from_replica
def public_ranking_view(request: HttpRequest, round_id: int) -> HttpResponse:
    round = public_round_get(round_id=round_id)
    page = paginate(ranking_entries(round=round), page=parse_page(request.GET.get("page")), size=50)
    return render(request, "evaluation/public_ranking.html", {"round": round, "page": page})


@shows_domain_errors
@read_from_replica
def public_volunteers_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The best-rated volunteers of a published round's subtree and quarter, names masked without consent."""
    round = public_round_get(round_id=round_id)
    rows = top_volunteers_public(period=Period(round.year, round.quarter), root_path=round.org.path, limit=20)
    return render(request, "evaluation/public_volunteers.html", {"round": round, "rows": rows})


# ---- 党建考核 bonus ----------------------------------------------------------------------------------


@login_required
@shows_domain_errors
def bonus_view(request: AuthedRequest) -> HttpResponse:
    root = admin_root(user=request.user, org_id=request.GET.get("org"))
    period = parse_period(request.GET.get("year"), request.GET.get("quarter"))
    rule = bonus_rule_in_force(org=root)
    own = rule if rule is not None and rule.org_id == root.pk else None
    initial: dict[str, Any] = {"is_active": True}
    if rule is not None:
        initial = {
            "organise_points": rule.organise_points,
            "join_points": rule.join_points,
            "cap_per_period": rule.cap_per_period,
            "is_active": rule.is_active,
        }
    form = BonusRuleForm(request.POST or None, initial=initial)
    done = run_form(request, form, lambda d: bonus_rule_set(actor=request.user, org=root, **d))
    if done:
        messages.success(request, "加分规则已保存")
        return redirect(reverse("evaluation:bonus") + "?" + request.GET.urlencode())
    rows = bonus_table(org=root, period=period)
    page = paginate(rows, page=parse_page(request.GET.get("page")), size=50)
    context = {
        "root": root,
        "orgs": admin_org_choices(user=request.user),
        "page": page,
        "form": form,
        "rule": rule,
        "own_rule": own,
        **_period_context(period),
    }
    return render(request, "evaluation/bonus.html", context, status=done.status)


@login_required
@shows_domain_errors
def bonus_export_view(request: AuthedRequest) -> HttpResponse:
    root = admin_root(user=request.user, org_id=request.GET.get("org"))
    period = parse_period(request.GET.get("year"), request.GET.get("quarter"))
    data = bonus_xlsx(org=root, period=period, rows=bonus_table(org=root, period=period))
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bonus-{period.year}q{period.quarter}.xlsx"'
    return response


# ---- volunteer evaluation -------------------------------------------------------------------------


@login_required
@shows_domain_errors
def volunteer_list_view(request: AuthedRequest) -> HttpResponse:
    root = admin_root(user=request.user, org_id=request.GET.get("org"))
    period = parse_period(request.GET.get("year"), request.GET.get("quarter"))
    grade = request.GET.get("grade", "")
    grade = grade if grade in GRADE_CHOICES else ""
    items, count, number = evaluation_page(
        period=period, root_path=root.path, page=parse_page(request.GET.get("page")), grade=grade
    )
    page = Page(items=items, count=count, number=number, size=20)
    context = {
        "root": root,
        "orgs": admin_org_choices(user=request.user),
        "page": page,
        "grade": grade,
        "grades": GRADE_CHOICES,
        **_period_context(period),
    }
    return render(request, "evaluation/volunteer_list.html", context)


@login_required
@shows_domain_errors
def my_evaluation_view(request: AuthedRequest) -> HttpResponse:
    from redvest.evaluation.selectors import consents_of

    volunteer = volunteer_of(user=request.user)
    period = parse_period(request.GET.get("year"), request.GET.get("quarter"))
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent_record(actor=request.user, volunteer=volunteer, granted=form.cleaned_data["granted"])
        messages.success(request, "公开展示设置已保存")
        return redirect("evaluation:my-evaluation")
    found = volunteer_evaluations(period=period, volunteer_id=volunteer.pk)
    context = {
        "volunteer": volunteer,
        "evaluation": found[0] if found else None,
        "consent": consents_of([volunteer.pk]).get(volunteer.pk, False),
        "form": form,
        **_period_context(period),
    }
    return render(request, "evaluation/my_evaluation.html", context)
