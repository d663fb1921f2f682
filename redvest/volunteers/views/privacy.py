"""注销申请 pages: the volunteer asks on their own record; an administrator over them confirms or declines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from redvest.core.errors import DomainError
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.volunteers import selectors
from redvest.volunteers.services import deregistration_decide, deregistration_request
from redvest.volunteers.views._common import domain_errors


@login_required
@require_GET
def deregistration_list(request: AuthedRequest) -> HttpResponse:
    """待确认的注销申请 of the volunteers the user administers."""
    page = paginate(selectors.deregistrations_pending(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "volunteers/deregistration_list.html", {"page": page})


@login_required
@require_POST
@domain_errors
def deregistration_create(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    try:
        deregistration_request(actor=request.user, volunteer=volunteer, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return render(request, "volunteers/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, "已提交注销申请，所属组织确认后将删除您的个人信息并关闭登录")
    return redirect("volunteers:volunteer-detail", pk=volunteer.pk)


@login_required
@require_POST
@domain_errors
def deregistration_decision(request: AuthedRequest, pk: int) -> HttpResponse:
    pending = selectors.deregistration_get(user=request.user, pk=pk)
    approve = request.POST.get("approve") == "1"
    try:
        deregistration_decide(actor=request.user, request=pending, approve=approve, note=request.POST.get("note", ""))
    except DomainError as exc:
        return render(request, "volunteers/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, "已确认注销，个人信息已按保留规则删除" if approve else "已回复：不同意注销")
    return redirect("volunteers:volunteer-detail", pk=pending.volunteer_id)
