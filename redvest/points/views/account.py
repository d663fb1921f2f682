"""My points, statements, the QR for the counter, donations, care funds and the bank report."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from redvest.accounts.models import Role
from redvest.accounts.policy import home_orgs, roles_of
from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.orgs.models import OrgNode
from redvest.points import excel
from redvest.points.errors import NotAVolunteer
from redvest.points.forms import DonateForm, FundForm
from redvest.points.models import AccountKind, PointsAccount
from redvest.points.selectors import (
    account_get,
    bank_orgs,
    bank_report,
    counter_token,
    fund_list,
    funds_for,
    my_points,
    statement,
    volunteer_by_number,
    volunteer_of,
)
from redvest.points.selectors.rewards import COUNTER_TOKEN_MAX_AGE
from redvest.points.services import donate_to_fund, fund_create, transfer_to_volunteer
from redvest.points.services.exports import export_record
from redvest.points.views._common import parse_date, parse_int, shows_domain_errors, xlsx_response

QR_REFRESH_SECONDS = COUNTER_TOKEN_MAX_AGE - 60


def _qr_svg(token: str) -> str:
    return mark_safe(segno.make(token, error="m").svg_inline(scale=4, border=2))


@login_required
@shows_domain_errors
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    try:
        mine = my_points(user=user)
    except NotAVolunteer:
        mine = None
    roles = roles_of(user)
    context = {
        "mine": mine,
        "qr_svg": _qr_svg(counter_token(volunteer=mine.volunteer)) if mine else "",
        "qr_refresh": QR_REFRESH_SECONDS,
        "is_admin": bool(roles & {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}),
        "runs_counter": bool(roles & {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STATION_KEEPER, Role.MERCHANT}),
        "runs_bank": bool(roles & {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STATION_KEEPER}),
        "is_merchant": Role.MERCHANT in roles,
    }
    return render(request, "points/home.html", context)


@login_required
@shows_domain_errors
def qr(request: AuthedRequest) -> HttpResponse:
    """The QR partial the "my points" page swaps in before the token runs out."""
    volunteer = volunteer_of(user=request.user)
    return render(
        request,
        "points/_partials/qr.html",
        {"qr_svg": _qr_svg(counter_token(volunteer=volunteer)), "qr_refresh": QR_REFRESH_SECONDS},
    )


def _statement_page(request: AuthedRequest, account: PointsAccount, *, own: bool) -> HttpResponse:
    entries = statement(account=account)
    if request.GET.get("export") == "xlsx":
        if not own:
            export_record(actor=request.user, target=account, what="积分明细")
        return xlsx_response(
            excel.statement_xlsx(account=account, entries=entries.iterator(chunk_size=2000)),
            f"积分明细-{account.pk}-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = paginate(entries, page=parse_page(request.GET.get("page")))
    return render(request, "points/statement.html", {"account": account, "page": page, "own": own})


@login_required
@shows_domain_errors
def my_statement(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_of(user=request.user)
    account = PointsAccount.objects.filter(kind=AccountKind.VOLUNTEER, volunteer=volunteer).first()
    if account is None:
        return render(request, "points/statement.html", {"account": None, "page": None, "own": True})
    return _statement_page(request, account, own=True)


@login_required
@shows_domain_errors
def account_statement(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, account_id=account_id)
    own = account.volunteer is not None and account.volunteer.user_id == request.user.pk
    return _statement_page(request, account, own=own)


@login_required
@shows_domain_errors
def donate(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_of(user=request.user)
    funds = [(f.pk, f"{f.name}（{f.org.name if f.org else ''}）") for f in funds_for(volunteer=volunteer)]
    form = DonateForm(request.POST or None, funds=funds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["target"] == "fund":
                    fund = (
                        PointsAccount.objects.filter(pk=d["fund"] or 0, kind=AccountKind.FUND)
                        .select_related("org")
                        .first()
                    )
                    if fund is None:
                        raise DomainError("请选择爱心基金", field="fund")
                    donate_to_fund(
                        actor=request.user, volunteer=volunteer, fund=fund, amount=d["amount"], note=d["note"]
                    )
                else:
                    recipient = volunteer_by_number(number=d["recipient_number"])
                    if recipient is None:
                        raise DomainError("没有找到该编号的已注册志愿者", field="recipient_number")
                    transfer_to_volunteer(
                        actor=request.user,
                        volunteer=volunteer,
                        recipient=recipient,
                        amount=d["amount"],
                        note=d["note"],
                    )
            except DomainError as exc:
                if exc.field == "recipient":
                    exc.field = "recipient_number"
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已捐赠 {d['amount']} 分，感谢您的爱心")
                return redirect("points:statement")
        else:
            status = 400
    return render(request, "points/donate.html", {"form": form, "volunteer": volunteer}, status=status)


@login_required
@shows_domain_errors
def funds(request: AuthedRequest) -> HttpResponse:
    orgs = [(o.pk, o.name) for o in OrgNode.objects.filter(pk__in=home_orgs(request.user)).order_by("path")]
    form = FundForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            org = OrgNode.objects.get(pk=form.cleaned_data["org"])
            try:
                fund = fund_create(actor=request.user, org=org, name=form.cleaned_data["name"])
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已设立「{fund.name}」")
                return redirect("points:fund-list")
        else:
            status = 400
    page = paginate(fund_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "points/funds.html", {"form": form, "page": page, "can_create": bool(orgs)}, status=status)


@login_required
@shows_domain_errors
def bank(request: AuthedRequest) -> HttpResponse:
    orgs = list(bank_orgs(user=request.user).order_by("path")[:500])
    org_id = parse_int(request.GET.get("org"))
    org = next((o for o in orgs if o.pk == org_id), orgs[0] if orgs else None)
    if org is None:
        raise DomainError("您没有可查看的好人好事银行", code="no_bank")
    today = timezone.localdate()
    start = parse_date(request.GET.get("start"), today.replace(day=1))
    end = parse_date(request.GET.get("end"), today)
    if end < start:
        start, end = end, start
    end = min(end, start + datetime.timedelta(days=366))
    report = bank_report(user=request.user, org=org, start=start, end=end)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            excel.bank_report_xlsx(report=report), f"银行报表-{org.name}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        )
    return render(request, "points/bank.html", {"report": report, "orgs": orgs})
