"""The organiser's side: my activities, create, edit, publish, cancel; quarterly themes; tally categories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.accounts.policy import scope
from redvest.activities.forms import ActivityForm, CancelForm, TallyCategoryForm, ThemeForm
from redvest.activities.models import ActivityStatus, TallyCategory
from redvest.activities.selectors import activity_get, activity_manage_list, tally_category_list, theme_list
from redvest.activities.services import (
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
    tally_category_create,
    tally_category_set_active,
    theme_set,
)
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import NotFound
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.orgs.models import OrgNode
from redvest.volunteers.models import Volunteer


@login_required
@shows_domain_errors
def manage_view(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ActivityStatus.values else ""
    q = request.GET.get("q", "").strip()[:50]
    outcome_due = request.GET.get("outcome") == "due"
    uninsured = request.GET.get("risk") == "uninsured"
    page = paginate(
        activity_manage_list(
            user=request.user, status=status, q=q, at=timezone.now(), outcome_due=outcome_due, uninsured=uninsured
        ),
        page=parse_page(request.GET.get("page")),
    )
    return render(
        request,
        "activities/manage_list.html",
        {
            "page": page,
            "statuses": ActivityStatus.choices,
            "status": status,
            "q": q,
            "outcome_due": outcome_due,
            "uninsured": uninsured,
        },
    )


@login_required
@shows_domain_errors
def create_view(request: AuthedRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, user=request.user)
    done = run_form(request, form, lambda _: activity_create(actor=request.user, data=form.data_for_service()))
    if done:
        activity = done.value
        messages.success(request, "活动已保存为草稿，确认无误后请发布")
        return redirect("activities:activity-detail", activity_id=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": None}, status=done.status)


@login_required
@shows_domain_errors
def edit_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    form = ActivityForm(request.POST or None, user=request.user, activity=activity)
    done = run_form(
        request,
        form,
        lambda _: activity_update(
            actor=request.user, activity=activity, data=form.data_for_service(), at=timezone.now()
        ),
    )
    if done:
        messages.success(request, "活动已保存")
        return redirect("activities:activity-detail", activity_id=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity}, status=done.status)


@login_required
@require_POST
@shows_domain_errors
def publish_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    activity_publish(actor=request.user, activity=activity, at=timezone.now())
    messages.success(request, "活动已发布，志愿者现在可以报名")
    return redirect("activities:activity-detail", activity_id=activity.pk)


@login_required
@shows_domain_errors
def cancel_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    form = CancelForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: activity_cancel(
            actor=request.user, activity=activity, reason=form.cleaned_data["reason"], at=timezone.now()
        ),
    )
    if done:
        messages.success(request, "活动已取消，已通知所有报名的志愿者")
        return redirect("activities:activity-detail", activity_id=activity.pk)
    return render(request, "activities/activity_cancel.html", {"form": form, "a": activity}, status=done.status)


def _admin_orgs(request: HttpRequest) -> QuerySet[OrgNode]:
    return scope(request.user, "org", OrgNode.objects.all(), "change").order_by("path")


def _home_node(request: HttpRequest, admin_orgs: QuerySet[OrgNode]) -> OrgNode | None:
    """The node whose themes the page shows by default: the first administered, else the volunteer's own."""
    node = admin_orgs.first()
    if node is None:
        volunteer = Volunteer.objects.select_related("org").filter(user_id=request.user.pk or 0).first()
        node = volunteer.org if volunteer is not None else None
    return node


@login_required
@shows_domain_errors
def theme_list_view(request: AuthedRequest) -> HttpResponse:
    """Quarterly themes a node has (its own and inherited), and a form for org admins to set one."""
    orgs = _admin_orgs(request)
    form = ThemeForm(request.POST or None, orgs=orgs, initial={"year": timezone.localdate().year})
    done = run_form(
        request,
        form,
        lambda d: theme_set(
            actor=request.user,
            org=d["org"],
            year=d["year"],
            quarter=d["quarter"],
            title=d["title"],
            description=d["description"],
        ),
    )
    if done:
        messages.success(request, "季度主题已保存")
        return redirect("activities:theme-list")
    node = _home_node(request, orgs)
    page = paginate(theme_list(org=node), page=parse_page(request.GET.get("page"))) if node else None
    return render(
        request,
        "activities/theme_list.html",
        {"form": form, "page": page, "node": node, "can_set": orgs.exists()},
        status=done.status,
    )


@login_required
@shows_domain_errors
def tally_category_list_view(request: AuthedRequest) -> HttpResponse:
    """Outcome tallies configured at the nodes the user administers; inherited by their subtrees."""
    orgs = _admin_orgs(request)
    form = TallyCategoryForm(request.POST or None, orgs=orgs)
    done = run_form(
        request, form, lambda d: tally_category_create(actor=request.user, org=d["org"], name=d["name"], unit=d["unit"])
    )
    if done:
        messages.success(request, "统计项已添加")
        return redirect("activities:tally-category-list")
    page = paginate(tally_category_list(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "activities/tally_category_list.html", {"form": form, "page": page}, status=done.status)


@login_required
@require_POST
@shows_domain_errors
def tally_category_toggle_view(request: AuthedRequest, category_id: int) -> HttpResponse:
    category = tally_category_list(user=request.user).filter(pk=category_id).first()
    if category is None:
        raise NotFound("统计项不存在")
    updated: TallyCategory = tally_category_set_active(
        actor=request.user, category=category, is_active=not category.is_active
    )
    messages.success(request, f"统计项「{updated.name}」已{'启用' if updated.is_active else '停用'}")
    return redirect("activities:tally-category-list")
