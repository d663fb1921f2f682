"""转移接续 pages: the volunteer (on their own record) or the sending admin asks; the receiving admin accepts
or refuses with a reason; the asker or the sending side withdraws before then."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redvest.accounts import policy
from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.volunteers import selectors
from redvest.volunteers.models import TransferStatus
from redvest.volunteers.services import transfer_decide, transfer_request, transfer_withdraw
from redvest.volunteers.views._common import domain_errors


@login_required
@require_GET
@domain_errors
def transfer_list(request: AuthedRequest) -> HttpResponse:
    """转移接续 the user sees; `?incoming=1` keeps those waiting for the user's decision."""
    incoming = request.GET.get("incoming") == "1"
    status = TransferStatus.PENDING if incoming else ""
    qs = selectors.transfer_list(user=request.user, status=status, incoming_only=incoming)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    receivable = {
        t.pk for t in page.items if t.status == TransferStatus.PENDING and policy.can_administer(request.user, t.to_org)
    }
    withdrawable = {
        t.pk
        for t in page.items
        if t.status == TransferStatus.PENDING
        and (
            t.requested_by_id == request.user.pk
            or t.volunteer.user_id == request.user.pk
            or policy.can_administer(request.user, t.from_org)
        )
    }
    context = {"page": page, "incoming": incoming, "receivable": receivable, "withdrawable": withdrawable}
    return render(request, "volunteers/transfer_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def transfer_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask to move a volunteer: search the receiving node by name, pick it, give the reason."""
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    q = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        to_org = selectors.org_get(pk=_int(request.POST.get("to_org")))
        try:
            if to_org is None:
                raise ValidationFailed({"to_org": "请选择转入组织"})
            transfer_request(
                actor=request.user, volunteer=volunteer, to_org=to_org, reason=request.POST.get("reason", "")
            )
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except DomainError as exc:
            return render(request, "volunteers/error.html", {"message": exc.message}, status=exc.status)
        else:
            messages.success(request, "已提交转移接续申请，等待转入组织的管理员接收")
            return redirect("volunteers:transfer-list")
    context = {
        "volunteer": volunteer,
        "q": q,
        "targets": [t for t in selectors.transfer_targets(q=q) if t.pk != volunteer.org_id],
        "errors": errors,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "volunteers/transfer_form.html", context, status=status)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@login_required
@require_POST
@domain_errors
def transfer_decision(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    accept = request.POST.get("accept") == "1"
    try:
        transfer_decide(actor=request.user, transfer=transfer, accept=accept, note=request.POST.get("note", ""))
    except DomainError as exc:
        return render(request, "volunteers/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, "已接收，志愿者已转入本组织" if accept else "已拒绝该转移接续申请")
    return redirect("volunteers:transfer-list")


@login_required
@require_POST
@domain_errors
def transfer_withdraw_view(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    try:
        transfer_withdraw(actor=request.user, transfer=transfer, note=request.POST.get("note", ""))
    except DomainError as exc:
        return render(request, "volunteers/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, "已撤回转移接续申请")
    return redirect("volunteers:transfer-list")
