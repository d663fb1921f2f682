"""Hours ranking for a subtree and year; star-level thresholds per org node."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from redvest.core.errors import PermissionDenied
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import parse_page
from redvest.orgs.models import OrgNode
from redvest.records import selectors
from redvest.records.forms import StarLevelsForm
from redvest.records.services import star_levels_clear, star_levels_set
from redvest.records.views._common import domain_errors, int_or_none, submit


@login_required
@domain_errors
def ranking(request: AuthedRequest) -> HttpResponse:
    data = selectors.ranking_page(
        user=request.user,
        org_id=int_or_none(request.GET.get("org")),
        year=int_or_none(request.GET.get("year")),
        page=parse_page(request.GET.get("page")),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    this_year = timezone.localdate().year
    return render(
        request,
        "records/ranking.html",
        {"r": data, "page": data.page, "years": list(range(this_year, this_year - 6, -1))},
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def star_levels(request: AuthedRequest) -> HttpResponse:
    user = request.user
    rows = selectors.star_level_rows(user=user)
    if not rows:
        raise PermissionDenied("只有组织管理员可以设置星级标准")
    orgs = {row.org.pk: row.org for row in rows}
    form = StarLevelsForm(request.POST or None, org_choices=[(row.org.pk, row.org.name) for row in rows])
    status = 200
    if request.method == "POST":
        if request.POST.get("inherit"):
            org = orgs.get(int_or_none(request.POST.get("org")) or 0)
            if org is None:
                raise PermissionDenied()
            star_levels_clear(actor=user, org=org)
            messages.success(request, f"{org.name} 已恢复沿用上级星级标准")
            return redirect("records:star-levels")
        status = submit(form, lambda data: _set(user, orgs.get(data["org"]), form.thresholds()))
        if not status:
            messages.success(request, "星级标准已保存")
            return redirect("records:star-levels")
    return render(request, "records/star_levels.html", {"form": form, "rows": rows}, status=status)


def _set(user: object, org: OrgNode | None, thresholds: list[int]) -> None:
    if org is None:
        raise PermissionDenied()
    star_levels_set(actor=user, org=org, thresholds_hours=thresholds)  # type: ignore[arg-type]  # a signed-in User
