"""季报 pages: my organisations' reports for a quarter, the filing form, the 工委's review list and review
page, and circulars (compose, preview, publish, PDF). Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from redvest.accounts.policy import can
from redvest.core.errors import NotFound
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.orgs.models import OrgNode
from redvest.reports.access import can_review
from redvest.reports.circular_pdf import circular_pdf
from redvest.reports.circular_tables import circular_tables
from redvest.reports.forms import CircularEditForm, CircularForm, QuarterForm, ReportForm, ReviewForm
from redvest.reports.models import QuarterlyReport, ReportStatus
from redvest.reports.quarters import quarter_label, quarter_of
from redvest.reports.selectors import (
    circular_get,
    circular_list,
    filing_orgs_for,
    published_circulars,
    report_events,
    report_get,
    review_orgs,
    review_overview,
    review_roots,
    review_rows,
)
from redvest.reports.services import (
    circular_create,
    circular_publish,
    circular_update,
    report_accept,
    report_open,
    report_refresh,
    report_return,
    report_submit,
    report_update,
)

shows_domain_errors = domain_error_pages("reports/error.html")


def _quarter(request: HttpRequest) -> tuple[int, int]:
    """The quarter asked for (year, quarter in the query string), else the current one (Shanghai)."""
    form = QuarterForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["quarter"]
    return quarter_of(timezone.localdate())


def _quarter_context(year: int, quarter: int) -> dict[str, Any]:
    this_year = timezone.localdate().year
    return {
        "year": year,
        "quarter": quarter,
        "period": quarter_label(year, quarter),
        "years": list(range(this_year - 2, this_year + 1)),
        "quarters": [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")],
    }


# ---- my organisations --------------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The party organisations I file for, with their report for the quarter, and published circulars."""
    user = request.user
    year, quarter = _quarter(request)
    page = paginate(filing_orgs_for(user=user), page=parse_page(request.GET.get("page")))
    rows = review_rows(page.items, year=year, quarter=quarter)
    context = {
        "page": page,
        "rows": rows,
        "circulars": list(published_circulars(user=user)[:5]),
        "reviews": review_roots(user=user).exists(),
        **_quarter_context(year, quarter),
    }
    return render(request, "reports/home.html", context)


@login_required
@require_POST
@shows_domain_errors
def report_open_view(request: AuthedRequest) -> HttpResponse:
    form = QuarterForm(request.POST)
    org = filing_orgs_for(user=request.user).filter(pk=_int(request.POST.get("org"))).first()
    if org is None or not form.is_valid():
        raise NotFound("党组织不存在或您无权填报")
    report = report_open(
        actor=request.user, org=org, year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"]
    )
    return redirect("reports:report-detail", report.pk)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# ---- one report: filing and reviewing -----------------------------------------------------------


def _detail(
    request: AuthedRequest,
    report_id: int,
    *,
    form: ReportForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    report = report_get(user=user, report_id=report_id)
    may_file = report.is_editable and can(user, "change", report)
    may_review = report.status == ReportStatus.SUBMITTED and can_review(user, report)
    if may_file and form is None:
        form = ReportForm(report=report)
    context = {
        "report": report,
        "figures": list(report.figures.all()),
        "events": report_events(report),
        "may_file": may_file,
        "may_review": may_review,
        "form": form,
        "review_form": review_form or ReviewForm(),
        "period": quarter_label(report.year, report.quarter),
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_GET
@shows_domain_errors
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
@shows_domain_errors
def report_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save figures and narrative; with `action=submit`, submit as well."""
    user = request.user
    report = report_get(user=user, report_id=pk, action="change")
    form = ReportForm(request.POST, report=report)
    submit = request.POST.get("action") == "submit"

    def save(d: dict[str, Any]) -> QuarterlyReport:
        saved = report_update(
            actor=user,
            report=report,
            figures=form.figure_inputs(),
            highlights=d["highlights"],
            problems=d["problems"],
            next_plan=d["next_plan"],
        )
        return report_submit(actor=user, report=saved) if submit else saved

    done = run_form(request, form, save)
    if not done:
        return _detail(request, pk, form=form, status=done.status)
    if submit:
        messages.success(request, "季报已报送" + ("（已逾期，标记为逾期报送）" if done.value.is_late else ""))
    else:
        messages.success(request, "已保存")
    return redirect("reports:report-detail", done.value.pk)


@login_required
@require_POST
@shows_domain_errors
def report_refresh_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    report_refresh(actor=user, report=report_get(user=user, report_id=pk, action="change"))
    messages.success(request, "已按最新记录重新生成数据")
    return redirect("reports:report-detail", pk)


@login_required
@require_POST
@shows_domain_errors
def report_review(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    report = report_get(user=user, report_id=pk)
    form = ReviewForm(request.POST)

    def review(d: dict[str, Any]) -> str:
        if d["decision"] == "accept":
            report_accept(actor=user, report=report, comment=d["comment"])
            return "已审核通过"
        report_return(actor=user, report=report, comment=d["comment"])
        return "已退回"

    done = run_form(request, form, review)
    if not done:
        return _detail(request, pk, review_form=form, status=done.status)
    messages.success(request, done.value)
    return redirect("reports:report-detail", pk)


# ---- the 工委's review list --------------------------------------------------------------------


STANDING_FILTERS = [
    ("", "全部"),
    ("unfiled", "未提交/逾期"),
    (ReportStatus.SUBMITTED.value, "已提交"),
    (ReportStatus.RETURNED.value, "已退回"),
    (ReportStatus.ACCEPTED.value, "已通过"),
]


@login_required
@require_GET
@shows_domain_errors
def review_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year, quarter = _quarter(request)
    roots = list(review_roots(user=user)[:50])
    if not roots:
        raise NotFound("您没有需要审核季报的下级党组织")
    root = next((r for r in roots if r.pk == _int(request.GET.get("root"))), roots[0])
    standing = request.GET.get("standing", "")
    orgs = review_orgs(root=root, standing=standing, year=year, quarter=quarter)
    page = paginate(orgs, page=parse_page(request.GET.get("page")))
    context = {
        "roots": roots,
        "root": root,
        "standing": standing,
        "standings": STANDING_FILTERS,
        "overview": review_overview(root=root, year=year, quarter=quarter),
        "page": page,
        "rows": review_rows(page.items, year=year, quarter=quarter),
        **_quarter_context(year, quarter),
    }
    return render(request, "reports/review_list.html", context)


# ---- circulars ---------------------------------------------------------------------------------


@login_required
@require_GET
def circular_list_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = paginate(circular_list(user=user), page=parse_page(request.GET.get("page")))
    return render(request, "reports/circular_list.html", {"page": page, "composes": review_roots(user=user).exists()})


def _compose_orgs(request: AuthedRequest) -> list[OrgNode]:
    return list(review_roots(user=request.user)[:50])


@login_required
@shows_domain_errors
def circular_new(request: AuthedRequest) -> HttpResponse:
    orgs = _compose_orgs(request)
    if not orgs:
        raise NotFound("您没有可发布通报的组织")
    if request.method == "POST":
        form = CircularForm(request.POST, orgs=orgs)
        done = run_form(
            request,
            form,
            lambda d: circular_create(
                actor=request.user,
                org=next(o for o in orgs if o.pk == d["org"]),
                year=d["year"],
                quarter=d["quarter"],
                title=d["title"],
                intro=d["intro"],
                correction_note=d["correction_note"],
                **{k: d[k] or None for k in ("highlights", "problems", "next_steps")},
            ),
        )
        if done:
            return redirect("reports:circular-detail", done.value.pk)
        return render(request, "reports/circular_form.html", {"form": form}, status=done.status)
    year, quarter = _quarter(request)
    initial = {
        "org": _int(request.GET.get("org")) or orgs[0].pk,
        "year": year,
        "quarter": quarter,
        "title": f"{quarter_label(year, quarter)}党员志愿服务情况通报",
        "intro": "现将本季度各党组织季报报送、志愿服务开展和评议情况通报如下。",
    }
    return render(request, "reports/circular_form.html", {"form": CircularForm(initial=initial, orgs=orgs)})


def _tables(circular: Any) -> dict[str, Any]:
    if circular.is_published and circular.tables:
        return cast("dict[str, Any]", circular.tables)
    return circular_tables(root=circular.org, year=circular.year, quarter=circular.quarter)


def _circular_page(
    request: AuthedRequest, pk: int, *, form: CircularEditForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    circular = circular_get(user=user, circular_id=pk)
    may_change = can(user, "change", circular)
    if form is None and may_change and not circular.is_published:
        form = CircularEditForm(
            initial={
                "title": circular.title,
                "intro": circular.intro,
                "highlights": circular.highlights,
                "problems": circular.problems,
                "next_steps": circular.next_steps,
                "correction_note": circular.correction_note,
            }
        )
    context = {
        "c": circular,
        "t": _tables(circular),
        "period": quarter_label(circular.year, circular.quarter),
        "may_change": may_change,
        "form": form,
    }
    return render(request, "reports/circular_detail.html", context, status=status)


@login_required
@shows_domain_errors
def circular_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        user = request.user
        circular = circular_get(user=user, circular_id=pk, action="change")
        form = CircularEditForm(request.POST)
        done = run_form(request, form, lambda _: circular_update(actor=user, circular=circular, **form.cleaned_data))
        if not done:
            return _circular_page(request, pk, form=form, status=done.status)
        messages.success(request, "已保存")
        return redirect("reports:circular-detail", pk)
    return _circular_page(request, pk)


@login_required
@require_POST
@shows_domain_errors
def circular_publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    circular_publish(actor=user, circular=circular_get(user=user, circular_id=pk, action="change"))
    messages.success(request, "通报已发布，下级组织管理员已收到通知")
    return redirect("reports:circular-detail", pk)


@login_required
@require_GET
@shows_domain_errors
def circular_pdf_view(request: AuthedRequest, pk: int) -> HttpResponse:
    circular = circular_get(user=request.user, circular_id=pk)
    response = HttpResponse(circular_pdf(circular=circular, tables=_tables(circular)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="circular-{circular.pk}-v{circular.version}.pdf"'
    return response
