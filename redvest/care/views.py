"""Care pairing pages: the registry, a person's page, consent and health, pairings, visits, the overdue
list, "my pairings" and the cadence settings. Views parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redvest.accounts.policy import can_administer
from redvest.care import selectors, services
from redvest.care.access import can_log_care_visit, can_view_care_health, may_set_cadence
from redvest.care.forms import (
    CadenceForm,
    ConsentForm,
    HealthForm,
    PairingForm,
    ReasonForm,
    RecipientForm,
    VisitLogForm,
)
from redvest.care.models import CareCategory, CareRecipient, RecipientStatus
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest, domain_error_pages
from redvest.core.pagination import paginate, parse_page
from redvest.core.text import posted_text

CHOICES_LIMIT = 300


shows_domain_errors = domain_error_pages("care/error.html", fragment="care/_error.html")


def _data(request: HttpRequest) -> Any:
    """A form's data when posted (an empty POST still binds, so the form shows what is missing)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------ registry


@login_required
@require_GET
def recipient_list_view(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.RecipientFilters(
        category=g.get("category", ""),
        org_id=_int(g.get("org")),
        overdue=g.get("overdue") == "1",
        status=g.get("status", RecipientStatus.ACTIVE),
        q=g.get("q", ""),
    )
    page = paginate(selectors.recipient_list(user=request.user, filters=filters), page=parse_page(g.get("page")))
    orgs = list(selectors.recipient_org_options(user=request.user)[:CHOICES_LIMIT])
    return render(
        request,
        "care/recipient_list.html",
        {
            "page": page,
            "f": filters,
            "categories": CareCategory.choices,
            "statuses": RecipientStatus.choices,
            "orgs": orgs,
            "can_create": bool(orgs),
            "today": timezone.localdate(),
        },
    )


def _org_options(user: Any) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.recipient_org_options(user=user)[:CHOICES_LIMIT]]


@login_required
@require_http_methods(["GET", "POST"])
def recipient_new_view(request: AuthedRequest) -> HttpResponse:
    orgs = _org_options(request.user)
    if not orgs:
        return render(request, "care/error.html", {"message": "您无权登记帮扶对象"}, status=403)
    form = RecipientForm(_data(request), orgs=orgs)
    # Like every care form page, a refused form is shown again with status 200.
    done = run_form(request, form, lambda _: services.recipient_create(actor=request.user, data=form.data_object()))
    if done:
        messages.success(request, f"已登记帮扶对象{done.value.name}")
        return redirect("care:recipient-detail", done.value.pk)
    return render(request, "care/form.html", {"form": form, "title": "登记帮扶对象", "back": "care:recipient-list"})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def recipient_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    recipient = selectors.recipient_get(user=request.user, pk=pk, action="change")
    initial = {
        "org": recipient.org_id,
        "name": recipient.name,
        "gender": recipient.gender,
        "birth_year": recipient.birth_year,
        "birth_date": recipient.birth_date,
        "address": recipient.address,
        "category": recipient.category,
        "other_categories": recipient.other_categories,
        "living_situation": recipient.living_situation,
        "living_note": recipient.living_note,
        "cadence_days": recipient.cadence_days,
    }
    form = RecipientForm(_data(request), initial=initial, orgs=_org_options(request.user))
    form.fields["phone"].help_text = f"当前：{recipient.phone_masked or '未登记'}。留空则不修改"

    def save(_: dict[str, Any]) -> None:
        data = form.data_object()
        if not data.phone:
            data.phone = recipient.phone
        services.recipient_update(actor=request.user, recipient=recipient, data=data)

    if run_form(request, form, save):
        messages.success(request, "已保存")
        return redirect("care:recipient-detail", recipient.pk)
    return render(
        request, "care/form.html", {"form": form, "title": f"修改 · {recipient.name}", "recipient": recipient}
    )


@login_required
@require_GET
@shows_domain_errors
def recipient_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    recipient = selectors.recipient_get(user=user, pk=pk)
    visits = paginate(
        selectors.recipient_visits(user=user, recipient=recipient), page=parse_page(request.GET.get("page"))
    )
    admin = can_administer(user, recipient.org)
    health_allowed = can_view_care_health(user, recipient)
    return render(
        request,
        "care/recipient_detail.html",
        {
            "r": recipient,
            "pairings": list(selectors.recipient_pairings(recipient=recipient)),
            "page": visits,
            "admin": admin,
            "health_allowed": health_allowed,
            "consent": selectors.consent_in_force(recipient=recipient) if health_allowed or admin else None,
            "consents": list(selectors.recipient_consents(recipient=recipient)) if admin else [],
            "has_health": health_allowed and selectors.has_health_record(recipient=recipient),
            "can_visit": can_log_care_visit(user, recipient) and recipient.status == RecipientStatus.ACTIVE,
            "today": timezone.localdate(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def recipient_end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    recipient = selectors.recipient_get(user=request.user, pk=pk, action="change")
    services.recipient_end(
        actor=request.user, recipient=recipient, reason=posted_text(request.POST, "reason", label="原因")
    )
    messages.success(request, "已结束帮扶，相关结对已解除")
    return redirect("care:recipient-detail", recipient.pk)


@login_required
@require_POST
@shows_domain_errors
def recipient_phone_view(request: AuthedRequest, pk: int) -> HttpResponse:
    recipient = selectors.recipient_get(user=request.user, pk=pk)
    phone = services.recipient_phone_reveal(actor=request.user, recipient=recipient)
    return HttpResponse(format_html('<a href="tel:{0}">{0}</a>', phone))


# ---------------------------------------------------------------------------------- consent, health


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def consent_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    recipient = selectors.recipient_get(user=request.user, pk=pk, action="change")
    form = ConsentForm(_data(request), _files(request))
    done = run_form(
        request,
        form,
        lambda c: services.consent_record(
            actor=request.user,
            recipient=recipient,
            given_by=c["given_by"],
            giver_name=c["giver_name"],
            method=c["method"],
            given_on=c["given_on"],
            evidence=c["evidence"],
        ),
    )
    if done:
        messages.success(request, "已登记健康信息单独同意")
        return redirect("care:recipient-detail", recipient.pk)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "title": f"登记健康信息单独同意 · {recipient.name}",
            "recipient": recipient,
            "multipart": True,
            "intro": "健康、残疾等信息属于敏感个人信息，须取得本人或监护人的单独同意后方可记录。撤回同意后已记录的健康信息将被删除。",
        },
    )


@login_required
@require_POST
@shows_domain_errors
def consent_withdraw_view(request: AuthedRequest, consent_id: int) -> HttpResponse:
    consent = selectors.consent_get(user=request.user, pk=consent_id)
    services.consent_withdraw(
        actor=request.user, consent=consent, reason=posted_text(request.POST, "reason", label="原因")
    )
    messages.success(request, "已撤回同意，健康信息已删除")
    return redirect("care:recipient-detail", consent.recipient_id)


@login_required
@require_GET
@shows_domain_errors
def health_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The health section, loaded on demand (htmx) so that each look is one audited view."""
    recipient = selectors.recipient_get(user=request.user, pk=pk)
    health = services.health_reveal(actor=request.user, recipient=recipient)
    return render(request, "care/_health.html", {"health": health, "r": recipient})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def health_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    recipient = selectors.recipient_get(user=user, pk=pk, action="change")
    consent = selectors.consent_in_force(recipient=recipient)
    initial: dict[str, Any] = {}
    if request.method == "GET" and consent is not None:
        current = services.health_reveal(actor=user, recipient=recipient)
        if current is not None:
            initial = {**current.__dict__}
    form = HealthForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.health_save(actor=user, recipient=recipient, data=form.data_object())
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
            return render(request, "care/form.html", _health_context(form, recipient, consent), status=status)
        messages.success(request, "已保存健康信息")
        return redirect("care:recipient-detail", recipient.pk)
    return render(request, "care/form.html", _health_context(form, recipient, consent))


def _health_context(form: HealthForm, recipient: CareRecipient, consent: Any) -> dict[str, Any]:
    intro = (
        f"依据{consent}（{consent.given_on:%Y-%m-%d}）记录。"
        if consent is not None
        else "未取得本人或监护人对健康信息的单独同意，不能记录健康或残疾信息。请先登记单独同意。"
    )
    return {"form": form, "title": f"健康与残疾信息 · {recipient.name}", "recipient": recipient, "intro": intro}


# ------------------------------------------------------------------------------------------ pairings


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def pairing_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    recipient = selectors.recipient_get(user=user, pk=pk, action="change")
    volunteers = selectors.pairing_volunteer_choices(user=user, recipient=recipient, q=request.GET.get("q", ""))
    teams = selectors.pairing_team_choices(user=user, recipient=recipient)
    form = PairingForm(
        _data(request),
        volunteers=[(v.pk, f"{v.name}（{v.org.name}）") for v in volunteers[:CHOICES_LIMIT]],
        teams=[(t.pk, f"{t.name}（{t.org.name}）") for t in teams[:CHOICES_LIMIT]],
    )
    done = run_form(
        request,
        form,
        lambda c: services.pairing_create(
            actor=user,
            recipient=recipient,
            volunteer=volunteers.filter(pk=c["volunteer"]).first() if c["volunteer"] else None,
            team=teams.filter(pk=c["team"]).first() if c["team"] else None,
            started_on=c["started_on"],
        ),
    )
    if done:
        messages.success(request, "已建立结对")
        return redirect("care:recipient-detail", recipient.pk)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "title": f"安排结对 · {recipient.name}",
            "recipient": recipient,
            "intro": "每次选择一名志愿者或一支服务队；一对多结对请重复添加。同村社区、同镇街的排在前面。",
            "search": {"q": request.GET.get("q", ""), "placeholder": "按姓名或志愿者编号查找志愿者"},
        },
    )


@login_required
@require_POST
@shows_domain_errors
def pairing_end_view(request: AuthedRequest, pairing_id: int) -> HttpResponse:
    pairing = selectors.pairing_get(user=request.user, pk=pairing_id)
    services.pairing_end(actor=request.user, pairing=pairing, reason=posted_text(request.POST, "reason", label="原因"))
    messages.success(request, "已解除结对")
    return redirect("care:recipient-detail", pairing.recipient_id)


@login_required
@require_GET
def my_pairings_view(request: AuthedRequest) -> HttpResponse:
    page = paginate(selectors.my_pairings(user=request.user), page=parse_page(request.GET.get("page")))
    return render(request, "care/my_pairings.html", {"page": page, "today": timezone.localdate()})


@login_required
@require_GET
def overdue_view(request: AuthedRequest) -> HttpResponse:
    sort = request.GET.get("sort", "most")
    today = timezone.localdate()
    qs = selectors.overdue_pairings(user=request.user, today=today, org_id=_int(request.GET.get("org")), sort=sort)
    page = paginate(qs, page=parse_page(request.GET.get("page")))
    return render(
        request,
        "care/overdue.html",
        {
            "page": page,
            "rows": [(p, p.days_overdue(today)) for p in page.items],
            "sort": sort,
            "today": today,
            "orgs": list(selectors.recipient_org_options(user=request.user)[:CHOICES_LIMIT]),
            "org_id": _int(request.GET.get("org")),
        },
    )


# -------------------------------------------------------------------------------------------- visits


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def visit_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    recipient = selectors.recipient_get(user=user, pk=pk)
    if not can_log_care_visit(user, recipient):
        raise PermissionDenied("您不是该帮扶对象的结对志愿者，不能记录走访")
    pairings = [
        (p.pk, f"{p.partner_name}（应于{p.next_visit_due:%m-%d}前）" if p.next_visit_due else p.partner_name)
        for p in selectors.recipient_pairings(recipient=recipient)
        if p.status == "active"
    ]
    items = [(label, [(i.code, f"{i.code} {i.name}") for i in group]) for label, group in selectors.need_item_options()]
    admin = can_administer(user, recipient.org)
    form = VisitLogForm(_data(request), _files(request), pairings=pairings if admin else [], items=items)
    done = run_form(
        request,
        form,
        lambda _: services.visit_log(actor=user, recipient=recipient, data=form.data_object(), now=timezone.now()),
    )
    if done:
        visit = done.value
        message = "已记录走访"
        if visit.request is not None:
            message += f"，需求已转为工单{visit.request.number}"
        messages.success(request, message)
        return redirect("care:recipient-detail", recipient.pk)
    return render(request, "care/visit_form.html", {"form": form, "r": recipient})


# ------------------------------------------------------------------------------------------- cadence


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def cadence_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    editable = may_set_cadence(user)
    if request.method == "POST":
        form = CadenceForm(request.POST)
        if form.is_valid():
            try:
                services.cadence_set(actor=user, category=form.cleaned_data["category"], days=form.cleaned_data["days"])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已更新走访周期，相关结对的下次走访日期已重新计算")
        else:
            messages.error(request, "走访周期应在1到366天之间")
        return redirect("care:cadence")
    if not (editable or selectors.recipient_org_options(user=user).exists()):
        raise PermissionDenied("只有管理员可以查看走访周期设置")
    return render(request, "care/cadence.html", {"rows": selectors.cadence_rows(), "editable": editable})
