"""Outcomes of an activity (场次, 受益人数, problems, tallies) and its photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.activities.forms import OutcomeForm, PhotoForm
from redvest.activities.models import ActivityOutcome
from redvest.activities.selectors import activity_get, activity_report, photo_get, tally_categories_for, tally_values
from redvest.activities.services import outcome_save, photo_add
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import DomainError, NotFound
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest


@login_required
@shows_domain_errors
def outcome_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    outcome = ActivityOutcome.objects.filter(activity=activity).first()
    initial = (
        {
            "sessions": outcome.sessions,
            "beneficiaries": outcome.beneficiaries,
            "problems_found": outcome.problems_found,
            "problems_solved": outcome.problems_solved,
            "summary": outcome.summary,
        }
        if outcome
        else None
    )
    form = OutcomeForm(
        request.POST or None,
        initial=initial,
        categories=list(tally_categories_for(org=activity.org)),
        values=tally_values(activity=activity),
    )
    done = run_form(
        request, form, lambda _: outcome_save(actor=request.user, activity=activity, data=form.data_for_service())
    )
    if done:
        messages.success(request, "活动成效已保存")
        return redirect("activities:activity-detail", activity_id=activity.pk)
    return render(
        request,
        "activities/outcome_form.html",
        {"a": activity, "form": form, "photo_form": PhotoForm(), "report": activity_report(activity=activity)},
        status=done.status,
    )


@login_required
@require_POST
@shows_domain_errors
def photo_add_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError("请选择要上传的照片", field="image")
    photo_add(
        actor=request.user,
        activity=activity,
        image=form.cleaned_data["image"],
        caption=form.cleaned_data["caption"],
    )
    messages.success(request, "照片已上传")
    return redirect("activities:outcome", activity_id=activity.pk)


@login_required
@shows_domain_errors
def photo_view(request: AuthedRequest, photo_id: int) -> HttpResponseBase:
    """Photos are served through this login-checked view, not a public media URL."""
    photo = photo_get(user=request.user, photo_id=photo_id)
    if photo is None:
        raise NotFound("照片不存在")
    return FileResponse(photo.image.open("rb"), filename=(photo.image.name or "photo").rsplit("/", 1)[-1])
