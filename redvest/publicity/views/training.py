"""Training: sessions list/create/detail with enrolment and attendance marking, 我的培训, the hours report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.accounts.policy import can_administer, home_orgs
from redvest.core.errors import DomainError, NotFound, PermissionDenied
from redvest.core.exports import export_started
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.publicity.forms import EnrolForm, PeriodForm, SessionForm, year_start
from redvest.publicity.models import TrainingCategory
from redvest.publicity.selectors import (
    is_enrolled,
    my_training,
    my_volunteer,
    session_get,
    session_list,
    session_roster,
    training_hours_report,
)
from redvest.publicity.services import (
    TRAINING_HOURS_LABEL,
    attendance_mark,
    training_enrol,
    training_hours_export_request,
    training_session_create,
)
from redvest.publicity.views._helpers import admin_orgs, shows_domain_errors
from redvest.records.selectors import volunteer_by_number


@login_required
def session_list_view(request: AuthedRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    if category not in TrainingCategory.values:
        category = ""
    upcoming = request.GET.get("upcoming") == "1"
    page = paginate(
        session_list(user=request.user, category=category, upcoming=upcoming), page=parse_page(request.GET.get("page"))
    )
    return render(
        request,
        "publicity/session_list.html",
        {
            "page": page,
            "category": category,
            "upcoming": upcoming,
            "categories": TrainingCategory.choices,
            "may_create": bool(home_orgs(request.user)),
        },
    )


@login_required
@shows_domain_errors
def session_new_view(request: AuthedRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, orgs=admin_orgs(request))
    done = run_form(
        request,
        form,
        lambda _: training_session_create(
            actor=request.user, org=form.cleaned_data["org"], data=form.data_for_service()
        ),
    )
    if done:
        s = done.value
        messages.success(request, "培训已发布")
        return redirect("publicity:session-detail", s.pk)
    return render(request, "publicity/session_form.html", {"form": form}, status=done.status)


@login_required
@shows_domain_errors
def session_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_get(user=request.user, pk=pk)
    organiser = can_administer(request.user, session.org)
    try:
        me = my_volunteer(user=request.user)
    except DomainError:
        me = None
    return render(
        request,
        "publicity/session_detail.html",
        {
            "s": session,
            "organiser": organiser,
            "roster": session_roster(session=session) if organiser else [],
            "me": me,
            "enrolled": is_enrolled(session=session, volunteer=me),
            "enrol_form": EnrolForm(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def session_enrol_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_get(user=request.user, pk=pk)
    number = request.POST.get("volunteer_number", "").strip()
    volunteer = volunteer_by_number(number=number) if number else my_volunteer(user=request.user)
    training_enrol(actor=request.user, session=session, volunteer=volunteer)
    messages.success(request, f"{volunteer.name}已报名")
    return redirect("publicity:session-detail", pk)


@login_required
@require_POST
@shows_domain_errors
def session_attendance_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Bulk marking: every listed enrolment (`e`) is attended when its box (`attended_<id>`) is ticked."""
    session = session_get(user=request.user, pk=pk)
    try:
        ids = [int(v) for v in request.POST.getlist("e")]
    except ValueError as exc:
        raise NotFound("出勤名单有误") from exc
    marks = {i: request.POST.get(f"attended_{i}") == "1" for i in ids}
    result = attendance_mark(
        actor=request.user, session=session, marks=marks, reason=posted_text(request.POST, "reason", label="原因")
    )
    messages.success(request, f"出勤已登记：新登记{result.marked}人，更正{result.corrected}人")
    return redirect("publicity:session-detail", pk)


@login_required
@shows_domain_errors
def my_training_view(request: AuthedRequest) -> HttpResponse:
    mine = my_training(volunteer=my_volunteer(user=request.user))
    return render(request, "publicity/my_training.html", {"mine": mine, "year": timezone.localdate().year})


@login_required
@shows_domain_errors
def hours_report_view(request: AuthedRequest) -> HttpResponse:
    orgs = admin_orgs(request)
    form = PeriodForm(request.GET or None, orgs=orgs, initial={"start": year_start()})
    if not form.is_bound:
        first = orgs.order_by("path").first()
        if first is None:
            raise PermissionDenied("只有组织管理员可以查看培训时长统计")
        form = PeriodForm({"org": first.pk, "start": year_start().isoformat()}, orgs=orgs)
    if not form.is_valid():
        return render(request, "publicity/hours_report.html", {"form": form, "page": None}, status=400)
    org, start, end = form.cleaned_data["org"], form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if request.method == "POST":  # the export: queued, its progress shown on the next page
        ticket = training_hours_export_request(
            actor=request.user, org=org, start=start, end=end, fmt=request.POST.get("format", "xlsx")
        )
        back = f"{request.path}?{request.GET.urlencode()}"
        return export_started(request, ticket, label=TRAINING_HOURS_LABEL, back_url=back)
    page = training_hours_report(
        user=request.user, org=org, start=start, end=end, page=parse_page(request.GET.get("page"))
    )
    return render(request, "publicity/hours_report.html", {"form": form, "page": page, "org": org})
