"""The system admin's working-day calendar: the years held, and one year's holidays and swapped working days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import parse_page
from redvest.records import selectors
from redvest.records.forms import CalendarDaysForm, HolidayYearConfirmForm, HolidayYearForm, HolidayYearImportForm
from redvest.records.services import calendar_days_set, holiday_year_confirm, holiday_year_create, holiday_year_import
from redvest.records.views._common import domain_errors


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def calendar_years(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = selectors.holiday_year_page(user=user, page=parse_page(request.GET.get("page")))
    importable = selectors.importable_years(user=user)
    action = request.POST.get("action") if request.method == "POST" else None
    create_form = HolidayYearForm(request.POST if action == "create" else None, prefix="create")
    import_form = HolidayYearImportForm(request.POST if action == "import" else None, prefix="import", years=importable)
    status = 200
    if action == "create":
        run = run_form(
            request, create_form, lambda data: holiday_year_create(actor=user, year=data["year"], notice=data["notice"])
        )
        status = run.status
        if run:
            year = create_form.cleaned_data["year"]
            messages.success(request, f"已新建{year}年，请逐项录入放假和调休上班的日期，核对后确认生效")
            return redirect("records:calendar-year", year=year)
    elif action == "import":
        run = run_form(request, import_form, lambda data: holiday_year_import(actor=user, year=data["year"]))
        status = run.status
        if run:
            messages.success(request, f"已从 chinesecalendar 数据包导入{import_form.cleaned_data['year']}年的安排")
            return redirect("records:calendar")
    context = {"page": page, "create_form": create_form, "import_form": import_form, "importable": importable}
    return render(request, "records/calendar_years.html", context, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def calendar_year(request: AuthedRequest, year: int) -> HttpResponse:
    user = request.user
    detail = selectors.holiday_year_detail(user=user, year=year)
    holiday_year = detail.holiday_year
    action = request.POST.get("action") if request.method == "POST" else None
    days_form = CalendarDaysForm(request.POST if action == "days" else None, prefix="days")
    confirm_form = HolidayYearConfirmForm(
        request.POST if action == "confirm" else None,
        prefix="confirm",
        initial={"complete": "1" if holiday_year.complete else "0", "notice": holiday_year.notice},
    )
    status = 200
    if action == "days":
        days = run_form(
            request,
            days_form,
            lambda data: calendar_days_set(
                actor=user,
                holiday_year=holiday_year,
                first=data["first"],
                last=data["last"],
                kind=data["kind"],
                name=data["name"],
                reason=data["reason"],
            ),
        )
        status = days.status
        if days:
            messages.success(request, f"已保存，{days.value}天有变动" if days.value else "没有需要变动的日期")
            return redirect("records:calendar-year", year=year)
    elif action == "confirm":
        run = run_form(
            request,
            confirm_form,
            lambda data: holiday_year_confirm(
                actor=user,
                holiday_year=holiday_year,
                complete=data["complete"],
                notice=data["notice"],
                reason=data["reason"],
            ),
        )
        status = run.status
        if run:
            messages.success(request, f"{year}年的状态已保存")
            return redirect("records:calendar-year", year=year)
    context = {"detail": detail, "days_form": days_form, "confirm_form": confirm_form}
    return render(request, "records/calendar_year.html", context, status=status)
