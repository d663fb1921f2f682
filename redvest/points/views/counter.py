"""My reservations, and the counter where a merchant or station keeper confirms them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text
from redvest.points.forms import CounterForm
from redvest.points.models import RedemptionStatus
from redvest.points.selectors import counter_lookup, counter_redemptions, my_redemptions, redemption_get, volunteer_of
from redvest.points.services import redemption_cancel, redemption_confirm
from redvest.points.views._common import shows_domain_errors


@login_required
@shows_domain_errors
def my_redemptions_view(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_of(user=request.user)
    status = request.GET.get("status", "")
    page = paginate(my_redemptions(volunteer=volunteer, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request, "points/redemption_list.html", {"page": page, "status": status, "statuses": RedemptionStatus.choices}
    )


@login_required
@require_POST
@shows_domain_errors
def cancel(request: AuthedRequest, redemption_id: int) -> HttpResponse:
    redemption = redemption_get(user=request.user, redemption_id=redemption_id)
    try:
        redemption_cancel(
            actor=request.user, redemption=redemption, reason=posted_text(request.POST, "reason", label="原因")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已取消，{redemption.points} 分已退回")
    return redirect(request.POST.get("next") or "points:redemption-list")


def _counter_page(request: AuthedRequest, *, form: CounterForm, found: list[object], status: int = 200) -> HttpResponse:
    page = paginate(counter_redemptions(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "points/counter.html", {"form": form, "found": found, "page": page}, status=status)


@login_required
@shows_domain_errors
def counter(request: AuthedRequest) -> HttpResponse:
    """GET lists the reservations waiting at the user's counters; POST looks one up by code or QR."""
    if request.method != "POST":
        return _counter_page(request, form=CounterForm(), found=[])
    form = CounterForm(request.POST)
    if not form.is_valid():
        return _counter_page(request, form=form, found=[], status=400)
    try:
        found = counter_lookup(user=request.user, text=form.cleaned_data["code"])
    except DomainError as exc:
        exc.field = "code"
        add_domain_error(form, exc)
        return _counter_page(request, form=form, found=[], status=exc.status)
    return _counter_page(request, form=form, found=list(found))


@login_required
@require_POST
@shows_domain_errors
def confirm(request: AuthedRequest, redemption_id: int) -> HttpResponse:
    redemption = redemption_get(user=request.user, redemption_id=redemption_id)
    try:
        done = redemption_confirm(actor=request.user, redemption=redemption)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _counter_page(request, form=CounterForm(), found=[], status=exc.status)
    messages.success(request, f"核销成功：{done.item.title}×{done.quantity}，{done.volunteer.name}，{done.points} 分")
    return redirect("points:counter")
