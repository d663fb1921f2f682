"""安全保障 pages: the organiser's insurance, agreement and guardian-consent page of an activity; the
volunteer's agreement acceptance and guardian text; the guardian's confirmation page (from the texted link)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from redvest.activities.forms import GuardianConfirmForm, GuardianPaperForm, InsuranceForm
from redvest.activities.models import ACTIVE_SIGNUP_STATUSES, SignUp, SignUpStatus
from redvest.activities.selectors import activity_get, activity_safeguards, insurance_policy_list, signup_get
from redvest.activities.services import (
    agreement_accept,
    guardian_consent_confirm,
    guardian_consent_record,
    guardian_consent_request,
    guardian_link_signup,
    insurance_policy_create,
)
from redvest.activities.views._helpers import shows_domain_errors
from redvest.core.errors import DomainError
from redvest.core.forms import run_form
from redvest.core.pages import AuthedRequest
from redvest.core.ratelimit import client_ip


@login_required
@shows_domain_errors
def manage_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Insurance in force and its history, approved volunteers not insured, sign-ups waiting for an agreement
    or a guardian's consent; the insurance form."""
    activity = activity_get(user=request.user, activity_id=activity_id, action="change")
    signups = SignUp.objects.filter(activity=activity, status__in=ACTIVE_SIGNUP_STATUSES)
    approved_ids = list(signups.filter(status=SignUpStatus.APPROVED).values_list("volunteer_id", flat=True))
    form = InsuranceForm(
        request.POST or None,
        request.FILES or None,
        signups=signups,
        initial={"volunteers": approved_ids, "cover_start": activity.start_at, "cover_end": activity.end_at},
    )
    done = run_form(
        request,
        form,
        lambda _: insurance_policy_create(actor=request.user, activity=activity, data=form.data_for_service()),
    )
    if done:
        messages.success(request, "意外保险已录入")
        return redirect("activities:safeguards", activity_id=activity.pk)
    context = {
        "a": activity,
        "s": activity_safeguards(user=request.user, activity=activity),
        "policies": insurance_policy_list(user=request.user, activity=activity)[:20],
        "form": form,
        "paper_form": GuardianPaperForm(),
    }
    return render(request, "activities/safeguards.html", context, status=done.status)


@login_required
@require_POST
@shows_domain_errors
def agreement_accept_view(request: AuthedRequest, signup_id: int) -> HttpResponse:
    signup = signup_get(user=request.user, signup_id=signup_id)
    if request.POST.get("accept_agreements") != "1":
        messages.error(request, "请先阅读协议并勾选同意")
    else:
        agreement_accept(
            actor=request.user,
            signup=signup,
            at=timezone.now(),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        messages.success(request, "已签署服务协议")
    return redirect("activities:activity-detail", activity_id=signup.activity_id)


@login_required
@require_POST
@shows_domain_errors
def guardian_request_view(request: AuthedRequest, signup_id: int) -> HttpResponse:
    """The volunteer (from the activity page) or an organiser (from the safeguards page) texts the guardian."""
    signup = signup_get(user=request.user, signup_id=signup_id)
    masked = guardian_consent_request(actor=request.user, signup=signup, site_url=request.build_absolute_uri("/"))
    messages.success(request, f"已向监护人手机 {masked} 发送确认短信")
    if signup.volunteer.user_id == request.user.pk:
        return redirect("activities:activity-detail", activity_id=signup.activity_id)
    return redirect("activities:safeguards", activity_id=signup.activity_id)


@login_required
@require_POST
@shows_domain_errors
def guardian_paper_view(request: AuthedRequest, signup_id: int) -> HttpResponse:
    """An organiser records the signed paper form."""
    signup = signup_get(user=request.user, signup_id=signup_id)
    form = GuardianPaperForm(request.POST, request.FILES)
    done = run_form(
        request,
        form,
        lambda d: guardian_consent_record(
            actor=request.user,
            signup=signup,
            guardian_name=d["guardian_name"],
            relation=d["relation"],
            evidence=d["evidence"],
            at=timezone.now(),
        ),
    )
    if done:
        messages.success(request, f"已录入{signup.volunteer.name}的监护人同意书")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs) or "录入失败")
    return redirect("activities:safeguards", activity_id=signup.activity_id)


def guardian_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the guardian opens the texted link (it went to the phone on the volunteer's file)."""
    try:
        signup = guardian_link_signup(token)
    except DomainError as exc:
        return render(request, "activities/guardian_confirm.html", {"error": exc.message}, status=exc.status)
    form = GuardianConfirmForm(request.POST or None, initial={"guardian_name": signup.volunteer.guardian_name})
    done = run_form(
        request,
        form,
        lambda d: guardian_consent_confirm(
            token=token,
            guardian_name=d["guardian_name"],
            relation=d["relation"],
            at=timezone.now(),
            ip_address=client_ip(request),
        ),
    )
    context = {"signup": signup, "a": signup.activity, "form": form, "done": bool(done)}
    return render(request, "activities/guardian_confirm.html", context, status=done.status)
