"""Pages of the volunteer ledger: list, detail, register, edit, status, audited full view, self-registration."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from redvest.accounts import policy
from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.forms import add_domain_error
from redvest.core.pages import AuthedRequest
from redvest.core.pagination import paginate_keyset, parse_page
from redvest.core.ratelimit import rate_limited
from redvest.volunteers import hooks, selectors
from redvest.volunteers.consent import CURRENT_TEXTS
from redvest.volunteers.forms import (
    SelfRegisterForm,
    StatusForm,
    VolunteerCreateForm,
    VolunteerEditForm,
    filters_from,
)
from redvest.volunteers.models import (
    DeregistrationStatus,
    PoliticalStatus,
    RecruitmentSource,
    Volunteer,
    VolunteerStatus,
)
from redvest.volunteers.services import (
    STATUS_FLOW,
    volunteer_data_of,
    volunteer_register,
    volunteer_reveal,
    volunteer_self_register,
    volunteer_set_status,
    volunteer_update,
)
from redvest.volunteers.views._common import domain_errors


@login_required
@require_GET
@domain_errors
def volunteer_list(request: AuthedRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    page = paginate_keyset(
        selectors.volunteer_list_filtered(user=request.user, filters=filters),
        ordering=selectors.VOLUNTEER_LIST_ORDER,
        page=parse_page(request.GET.get("page")),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    orgs = selectors.org_options(user=request.user, selected=filters.org_id)
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "page": page,
            "filters": filters,
            "orgs": orgs,
            "statuses": VolunteerStatus.choices,
            "politicals": PoliticalStatus.choices,
            "sources": RecruitmentSource.choices,
            "can_manage": bool(orgs),
        },
    )


def _detail_context(request: HttpRequest, volunteer: Volunteer, **extra: Any) -> dict[str, Any]:
    next_statuses = STATUS_FLOW[volunteer.status]
    deregistrations = list(selectors.volunteer_deregistrations(volunteer=volunteer))
    return {
        "volunteer": volunteer,
        "is_self": volunteer.user_id is not None and volunteer.user_id == request.user.pk,
        "consents": selectors.volunteer_consents(volunteer=volunteer),
        "deregistrations": deregistrations,
        "pending_deregistration": next((d for d in deregistrations if d.status == DeregistrationStatus.PENDING), None),
        "memberships": selectors.volunteer_memberships(volunteer=volunteer),
        "transfers": selectors.volunteer_transfers(volunteer=volunteer),
        "can_transfer": volunteer.status != VolunteerStatus.DEREGISTERED
        and (volunteer.user_id == request.user.pk or policy.can_manage_under(request.user, volunteer.org)),
        "history": selectors.volunteer_status_history(volunteer=volunteer),
        "panels": [panel for panel in hooks.detail_panels(volunteer) if panel is not None],
        "can_change": policy.can(request.user, "change", volunteer),
        "can_set_status": policy.can_manage_under(request.user, volunteer.org),
        "can_reveal": policy.can_view_sensitive(request.user, volunteer),
        "status_form": extra.pop("status_form", None)
        or StatusForm(initial={"status": next(iter(sorted(next_statuses)), "")}),
        "next_statuses": [(s.value, s.label) for s in VolunteerStatus if s in next_statuses],
        "sections": hooks.volunteer_page_sections(request, volunteer),
        **extra,
    }


@login_required
@require_GET
@domain_errors
def volunteer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    return render(request, "volunteers/volunteer_detail.html", _detail_context(request, volunteer))


@login_required
@require_POST
@domain_errors
def volunteer_reveal_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: swap the masked ID and phone for the full values (audited each time)."""
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    info = volunteer_reveal(actor=request.user, volunteer=volunteer)
    return render(request, "volunteers/_sensitive.html", {"volunteer": volunteer, "info": info})


@login_required
@require_POST
@domain_errors
def volunteer_status(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            volunteer = volunteer_set_status(
                actor=request.user,
                volunteer=volunteer,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, f"已将 {volunteer.name} 的状态改为“{volunteer.get_status_display()}”")
            return redirect("volunteers:volunteer-detail", pk=volunteer.pk)
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    return render(
        request,
        "volunteers/volunteer_detail.html",
        _detail_context(request, volunteer, status_form=form),
        status=status,
    )


def _create_form(request: AuthedRequest, data: Any = None) -> VolunteerCreateForm:
    """Org picker: nodes the user manages; team picker: teams they may assign (narrowed by ?org= on GET)."""
    org_id = request.GET.get("org", "")
    org = selectors.org_get(pk=int(org_id)) if data is None and org_id.isdigit() else None
    return VolunteerCreateForm(
        data,
        orgs=selectors.manageable_orgs(user=request.user),
        teams=selectors.team_choices(user=request.user, org=org),
        initial={"org": org.pk} if org else None,
    )


@login_required
def volunteer_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.manageable_orgs(user=request.user).exists():
        return render(request, "volunteers/error.html", {"message": "您没有可登记志愿者的组织"}, status=403)
    if request.method != "POST":
        return render(request, "volunteers/volunteer_form.html", {"form": _create_form(request), "mode": "create"})
    form = _create_form(request, request.POST)
    if form.is_valid():
        try:
            volunteer = volunteer_register(
                actor=request.user,
                org=form.cleaned_data.get("org"),
                team=form.cleaned_data.get("team"),
                data=form.to_data(),
                password=form.cleaned_data.get("password") or None,
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记志愿者 {volunteer.name}，编号 {volunteer.number}")
            return redirect("volunteers:volunteer-detail", pk=volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {"form": form, "mode": "create"}, status=400)


@login_required
@domain_errors
def volunteer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_get(user=request.user, pk=pk, action="change")
    if request.method != "POST":
        form = VolunteerEditForm(initial=VolunteerEditForm.initial_from(volunteer_data_of(volunteer)))
        return render(request, "volunteers/volunteer_form.html", {"form": form, "mode": "edit", "volunteer": volunteer})
    form = VolunteerEditForm(request.POST)
    if form.is_valid():
        try:
            volunteer = volunteer_update(actor=request.user, volunteer=volunteer, data=form.to_data())
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存修改")
            return redirect("volunteers:volunteer-detail", pk=volunteer.pk)
    return render(
        request, "volunteers/volunteer_form.html", {"form": form, "mode": "edit", "volunteer": volunteer}, status=400
    )


@login_required
@require_GET
def team_options(request: AuthedRequest) -> HttpResponse:
    """htmx: the team <option>s for the org chosen in the registration form."""
    org_id = request.GET.get("org", "")
    org = selectors.org_get(pk=int(org_id)) if org_id.isdigit() else None
    teams = selectors.team_choices(user=request.user, org=org)
    return render(request, "volunteers/_team_options.html", {"teams": teams})


@rate_limited("self-register")
def register(request: HttpRequest) -> HttpResponse:
    """Public self-registration (no login): a pending volunteer plus a login account; an org admin approves."""
    teams = selectors.public_team_choices()
    texts = list(CURRENT_TEXTS.values())
    if request.method != "POST":
        return render(request, "volunteers/register.html", {"form": SelfRegisterForm(teams=teams), "texts": texts})
    form = SelfRegisterForm(request.POST, teams=teams)
    if form.is_valid():
        try:
            volunteer = volunteer_self_register(
                team=form.cleaned_data.get("team"),
                data=form.to_data(),
                password=form.cleaned_data.get("password") or "",
                password_confirm=form.cleaned_data.get("password_confirm") or "",
                consents=form.consents(),
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session["registered_number"] = volunteer.number
            return redirect("volunteers:register-done")
    return render(request, "volunteers/register.html", {"form": form, "texts": texts}, status=400)


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/register_done.html", {"number": request.session.get("registered_number", "")})
