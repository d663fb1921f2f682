"""群公告 pages: a team's notices (and the form to post one), my teams' notices, one notice with its
versions (opening it marks it read)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from redvest.core.forms import CheckedForm, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.teams.access import can_post_announcement
from redvest.teams.selectors import (
    announcement_get,
    announcement_versions,
    my_announcements,
    team_announcements,
    team_get,
)
from redvest.teams.services import AnnouncementData, announcement_mark_read, announcement_post, announcement_revise
from redvest.teams.views._helpers import shows_domain_errors


class AnnouncementForm(CheckedForm):
    title = forms.CharField(label="标题", max_length=100, required=False)
    body = forms.CharField(label="内容", widget=forms.Textarea({"rows": 5}), max_length=5000, required=False)
    pinned = forms.BooleanField(label="置顶", required=False)
    expires_at = forms.DateTimeField(
        label="有效期至",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="留空为长期有效；过期后队员不再看到",
    )

    REQUIRED = ("title", "body")

    def data_object(self) -> AnnouncementData:
        c = self.cleaned_data
        return AnnouncementData(
            title=c.get("title") or "",
            body=c.get("body") or "",
            pinned=bool(c.get("pinned")),
            expires_at=c.get("expires_at"),
        )


def _post_data(request: AuthedRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def team_announcements_view(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = team_get(user=request.user, team_id=team_id)
    can_post = can_post_announcement(request.user, team)
    form = AnnouncementForm(_post_data(request) if can_post else None)
    if can_post:
        done = run_form(
            request, form, lambda _: announcement_post(actor=request.user, team=team, data=form.data_object())
        )
        if done:
            messages.success(request, "已发布群公告")
            return redirect("teams:announcement-list", team_id=team.pk)
        status = done.status
    else:
        status = 200
    page = paginate(team_announcements(user=request.user, team=team), page=parse_page(request.GET.get("page")))
    context = {"team": team, "page": page, "form": form if can_post else None}
    return render(request, "teams/announcement_list.html", context, status=status)


@login_required
@require_GET
def my_announcements_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(my_announcements(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "teams/announcement_list.html", {"team": None, "page": page, "form": None})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def announcement_detail_view(request: AuthedRequest, announcement_id: int) -> HttpResponse:
    announcement = announcement_get(user=request.user, pk=announcement_id)
    can_revise = can_post_announcement(request.user, announcement.team)
    initial = {
        "title": announcement.title,
        "body": announcement.body,
        "pinned": announcement.pinned,
        "expires_at": announcement.expires_at,
    }
    form = AnnouncementForm(_post_data(request), initial=initial) if can_revise else None
    status = 200
    if form is not None:
        done = run_form(
            request,
            form,
            lambda _: announcement_revise(actor=request.user, announcement=announcement, data=form.data_object()),
        )
        if done:
            messages.success(request, "已发布修订版")
            return redirect("teams:announcement-detail", announcement_id=done.value.pk)
        status = done.status
    # Opening a notice is reading it: the receipt is the one write a GET makes here, and it is idempotent.
    announcement_mark_read(user=request.user, announcement=announcement)
    versions = list(announcement_versions(announcement=announcement))
    context = {"a": announcement, "versions": versions, "form": form, "latest": versions[0].pk == announcement.pk}
    return render(request, "teams/announcement_detail.html", context, status=status)
