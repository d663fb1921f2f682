"""Pages of 联户: thin — parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.households import selectors, services
from redvest.households.access import can_edit_household, can_log_contact
from redvest.households.forms import ContactForm, HouseholdForm
from redvest.households.models import Household

CHOICES_LIMIT = 300
shows_domain_errors = domain_error_pages("households/error.html", fragment="households/_error.html")


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choices(user: Any) -> dict[str, list[tuple[int, str]]]:
    orgs = [(o.pk, o.name) for o in selectors.household_org_options(user=user)[:CHOICES_LIMIT]]
    teams = [(t.pk, f"{t.org.name} · {t.name}") for t in selectors.household_team_options(user=user)[:CHOICES_LIMIT]]
    return {"orgs": orgs, "teams": teams}


@login_required
@require_GET
def household_list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.HouseholdFilters(
        q=g.get("q", "")[:50], org_id=_int(g.get("org")), overdue=g.get("overdue") == "1"
    )
    page = paginate(selectors.household_list(user=request.user, filters=filters), page=parse_page(g.get("page")))
    orgs = _choices(request.user)["orgs"]
    return render(
        request,
        "households/household_list.html",
        {"page": page, "f": filters, "orgs": orgs, "can_create": bool(orgs), **_due_context()},
    )


def _due_context() -> dict[str, Any]:
    today = timezone.localdate()
    return {"today": today, "contact_days": settings.HOUSEHOLD_CONTACT_DAYS}


@login_required
@require_GET
def my_households_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(selectors.my_households(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "households/my_households.html", {"page": page, **_due_context()})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def household_new_view(request: AuthedRequest) -> HttpResponse:
    form = HouseholdForm(_data(request), **_choices(request.user))
    done = run_form(
        request,
        form,
        lambda c: services.household_create(
            actor=request.user,
            data=form.data_object(volunteer_id=selectors.volunteer_id_by_number(number=c.get("volunteer") or "")),
        ),
    )
    if done:
        messages.success(request, "已登记联系户")
        return redirect("households:household-detail", done.value.pk)
    return render(request, "households/household_form.html", {"form": form, "h": None}, status=done.status)


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def household_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk, action="change")
    initial = {
        "org": household.org_id,
        "head_name": household.head_name,
        "address": household.address,
        "phone": household.phone,
        "notes": household.notes,
        "volunteer": household.volunteer.number if household.volunteer else "",
        "team": household.team_id,
    }
    form = HouseholdForm(_data(request), initial=initial, **_choices(request.user))
    done = run_form(
        request,
        form,
        lambda c: services.household_update(
            actor=request.user,
            household=household,
            data=form.data_object(volunteer_id=selectors.volunteer_id_by_number(number=c.get("volunteer") or "")),
        ),
    )
    if done:
        messages.success(request, "已保存")
        return redirect("households:household-detail", household.pk)
    return render(request, "households/household_form.html", {"form": form, "h": household}, status=done.status)


@login_required
@require_GET
@shows_domain_errors
def household_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    contacts = paginate(
        selectors.household_contacts(user=request.user, household=household), page=parse_page(request.GET.get("page"))
    )
    return render(
        request,
        "households/household_detail.html",
        {
            "h": household,
            "page": contacts,
            "can_edit": can_edit_household(request.user, household.org),
            "can_log": can_log_contact(request.user, household),
            **_due_context(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def household_phone_view(request: AuthedRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    phone = services.household_phone_reveal(actor=request.user, household=household)
    return HttpResponse(format_html('<a href="tel:{0}">{0}</a>', phone))


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def contact_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    household: Household = selectors.household_get(user=request.user, pk=pk)
    form = ContactForm(_data(request))
    done = run_form(
        request,
        form,
        lambda _: services.contact_log(actor=request.user, household=household, data=form.data_object()),
    )
    if done:
        messages.success(request, "已记录联系")
        return redirect("households:household-detail", household.pk)
    return render(request, "households/contact_form.html", {"form": form, "h": household}, status=done.status)
