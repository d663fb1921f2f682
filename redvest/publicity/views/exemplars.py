"""Exemplars: the admin list, the form with photos, submit/publish/unpublish; public list and detail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from redvest.accounts.policy import scope
from redvest.core.errors import NotFound, ValidationFailed
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate, parse_page
from redvest.core.replica import read_from_replica
from redvest.publicity.access import may_publish
from redvest.publicity.forms import ExemplarForm, UnpublishForm
from redvest.publicity.models import Exemplar, ExemplarStatus
from redvest.publicity.selectors import (
    exemplar_get,
    exemplar_list,
    exemplar_photos,
    photo_get,
    public_exemplar,
    public_exemplars,
)
from redvest.publicity.services import (
    ExemplarData,
    PhotoIn,
    exemplar_create,
    exemplar_publish,
    exemplar_submit,
    exemplar_unpublish,
    exemplar_update,
)
from redvest.publicity.views._helpers import admin_orgs, shows_domain_errors
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer


@login_required
def exemplar_list_view(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ExemplarStatus.values:
        status = ""
    page = paginate(exemplar_list(user=request.user, status=status), page=parse_page(request.GET.get("page")))
    return render(
        request,
        "publicity/exemplar_list.html",
        {"page": page, "status": status, "statuses": ExemplarStatus.choices},
    )


def _teams(request: HttpRequest) -> Any:
    return scope(request.user, "team", Team.objects.filter(is_active=True), "change").order_by("name")[:300]


def _data(request: HttpRequest, form: ExemplarForm) -> ExemplarData:
    numbers = form.numbers()
    found = dict(Volunteer.objects.filter(number__in=numbers).values_list("number", "pk"))
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationFailed({"volunteer_numbers": f"未找到志愿者编号：{'、'.join(missing)}"})
    captions = form.caption_lines()
    files = request.FILES.getlist("photos")
    photos = [PhotoIn(f, captions[i] if i < len(captions) else "") for i, f in enumerate(files)]
    return ExemplarData(
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        volunteer_ids=[found[n] for n in numbers],
        team_ids=[t.pk for t in form.cleaned_data.get("teams") or []],
        photos=photos,
    )


@login_required
@shows_domain_errors
def exemplar_new_view(request: AuthedRequest) -> HttpResponse:
    form = ExemplarForm(request.POST or None, orgs=admin_orgs(request), teams=_teams(request))
    done = run_form(
        request,
        form,
        lambda _: exemplar_create(actor=request.user, org=form.cleaned_data["org"], data=_data(request, form)),
    )
    if done:
        e = done.value
        messages.success(request, "典型已保存为草稿")
        return redirect("publicity:exemplar-detail", e.pk)
    return render(request, "publicity/exemplar_form.html", {"form": form, "e": None}, status=done.status)


@login_required
@shows_domain_errors
def exemplar_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    exemplar = exemplar_get(user=request.user, pk=pk, action="change")
    initial = {
        "title": exemplar.title,
        "body": exemplar.body,
        "volunteer_numbers": " ".join(v.number for v in Volunteer.objects.filter(exemplars=exemplar).only("number")),
        "teams": [t.pk for t in exemplar.teams.all()],
    }
    form = ExemplarForm(request.POST or None, initial=initial, teams=_teams(request))
    done = run_form(
        request, form, lambda _: exemplar_update(actor=request.user, exemplar=exemplar, data=_data(request, form))
    )
    if done:
        messages.success(request, "典型已保存")
        return redirect("publicity:exemplar-detail", pk)
    return render(request, "publicity/exemplar_form.html", {"form": form, "e": exemplar}, status=done.status)


@login_required
@shows_domain_errors
def exemplar_detail_view(request: AuthedRequest, pk: int) -> HttpResponseBase:
    exemplar = exemplar_get(user=request.user, pk=pk)
    publisher = may_publish(user=request.user, exemplar=exemplar)
    if not publisher and exemplar.status == ExemplarStatus.PUBLISHED:
        return redirect("publicity:public-detail", pk)  # names as the public sees them
    return render(
        request,
        "publicity/exemplar_detail.html",
        {
            "e": exemplar,
            "photos": exemplar_photos(exemplar=exemplar),
            "may_publish": publisher,
            "unpublish_form": UnpublishForm(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def exemplar_action_view(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    exemplar: Exemplar = exemplar_get(user=request.user, pk=pk)
    actor = request.user
    if action == "submit":
        exemplar_submit(actor=actor, exemplar=exemplar)
        messages.success(request, "已提交，等待发布")
    elif action == "publish":
        exemplar_publish(actor=actor, exemplar=exemplar)
        messages.success(request, "典型已发布")
    elif action == "unpublish":
        form = UnpublishForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        exemplar_unpublish(actor=actor, exemplar=exemplar, reason=reason)
        messages.success(request, "典型已撤下")
    else:
        raise NotFound("未知操作")
    return redirect("publicity:exemplar-detail", pk)


@read_from_replica
def public_list_view(request: HttpRequest) -> HttpResponse:
    page = public_exemplars(page=parse_page(request.GET.get("page")))
    return render(request, "publicity/public_list.html", {"page": page})


@shows_domain_errors
@read_from_replica
def public_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "publicity/public_detail.html", {"p": public_exemplar(pk=pk)})


@shows_domain_errors
def photo_view(request: HttpRequest, pk: int) -> FileResponse:
    photo = photo_get(user=request.user, pk=pk)
    return FileResponse(photo.image.open("rb"))
