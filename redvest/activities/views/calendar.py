"""The month calendar of a subtree: holidays, 25th, July, quarterly theme, activities per day."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from redvest.accounts.policy import home_orgs
from redvest.activities.selectors import activities_visible, month_calendar
from redvest.activities.views._helpers import parse_int, shows_domain_errors
from redvest.core.errors import NotFound
from redvest.core.pages import AuthedRequest
from redvest.orgs.models import OrgNode
from redvest.volunteers.models import Volunteer

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _default_org(request: HttpRequest) -> OrgNode | None:
    admin = home_orgs(request.user)
    if admin:
        return OrgNode.objects.filter(pk=admin[0]).first()
    volunteer = Volunteer.objects.select_related("org").filter(user_id=request.user.pk or 0).first()
    if volunteer is not None:
        return volunteer.org
    return OrgNode.get_first_root_node()


@login_required
@shows_domain_errors
def calendar_view(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    year = parse_int(request.GET.get("year")) or today.year
    month = parse_int(request.GET.get("month")) or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    org_id = parse_int(request.GET.get("org"))
    org = OrgNode.objects.filter(pk=org_id).first() if org_id else _default_org(request)
    if org is None:
        raise NotFound("组织不存在")
    cal = month_calendar(activities=activities_visible(user=request.user), org=org, year=year, month=month, today=today)
    return render(request, "activities/calendar.html", {"cal": cal, "weekdays": WEEKDAYS})
