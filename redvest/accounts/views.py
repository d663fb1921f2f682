from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from redvest.accounts.consent import RESIDENT_NOTICE
from redvest.accounts.errors import AccountLocked
from redvest.accounts.forms import CodeForm, NewPasswordForm, PhoneForm, SignUpForm
from redvest.accounts.models import CodePurpose
from redvest.accounts.otp import CodeResendTooSoon, phone_code_proven, phone_code_verify
from redvest.accounts.selectors import profile_for, signup_community_choices
from redvest.accounts.services import password_reset_by_phone, reset_code_send, resident_sign_up, signup_code_send
from redvest.core.crypto import mask_phone
from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.ratelimit import posted_phone, rate_limited
from redvest.core.validators import normalize_phone

PASSWORD_BACKEND = "redvest.accounts.backends.UsernameOrPhoneBackend"


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile": profile_for(user=request.user)})


def lockout(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict | None = None,
    *args: object,
    **kwargs: object,
) -> HttpResponse:
    """django-axes lockout: JSON for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse(AccountLocked().as_dict(), status=429)
    return render(request, "accounts/locked.html", status=429)


@dataclass(frozen=True)
class PhoneFlow:
    """注册 or 找回密码: phone → code → the last step; the proven number is kept in the session between steps."""

    purpose: CodePurpose
    title: str
    session_key: str
    start: str  # URL names
    code: str
    finish: str
    send: Callable[..., None]


SIGNUP = PhoneFlow(
    purpose=CodePurpose.SIGNUP,
    title="注册居民账号",
    session_key="signup_phone",
    start="accounts:signup",
    code="accounts:signup-code",
    finish="accounts:signup-details",
    send=signup_code_send,
)
RESET = PhoneFlow(
    purpose=CodePurpose.PASSWORD_RESET,
    title="找回密码",
    session_key="password_reset_phone",
    start="accounts:password-reset",
    code="accounts:password-reset-code",
    finish="accounts:password-reset-new",
    send=reset_code_send,
)


def _phone_step(request: HttpRequest, flow: PhoneFlow) -> HttpResponse:
    """Step 1: the phone number; a code is texted to it (a repeat within a minute keeps the code already sent)."""
    form = PhoneForm(request.POST or None, initial={"phone": request.session.get(flow.session_key, "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                flow.send(phone=form.cleaned_data["phone"], now=timezone.now())
            except CodeResendTooSoon as exc:
                messages.info(request, exc.message)
                request.session[flow.session_key] = normalize_phone(form.cleaned_data["phone"])
                return redirect(flow.code)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                request.session[flow.session_key] = normalize_phone(form.cleaned_data["phone"])
                messages.success(request, "验证码已发送，请查看手机短信")
                return redirect(flow.code)
        else:
            status = 400
    context = {"form": form, "flow": flow, "taken": status == 409}
    return render(request, "accounts/phone_start.html", context, status=status)


def _code_step(request: HttpRequest, flow: PhoneFlow) -> HttpResponse:
    """Step 2: the six digits from the text."""
    phone = request.session.get(flow.session_key, "")
    if not phone:
        return redirect(flow.start)
    form = CodeForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: phone_code_verify(
            phone=phone, purpose=flow.purpose, code=form.cleaned_data["code"], now=timezone.now()
        ),
    )
    if done:
        return redirect(flow.finish)
    context = {"form": form, "flow": flow, "phone": phone, "phone_masked": mask_phone(phone)}
    return render(request, "accounts/phone_code.html", context, status=done.status)


def _proven_phone(request: HttpRequest, flow: PhoneFlow) -> str:
    """The session's number if its code was checked and not yet used, else ""."""
    phone = str(request.session.get(flow.session_key, ""))
    return phone if phone and phone_code_proven(phone=phone, purpose=flow.purpose, now=timezone.now()) else ""


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-send")
@rate_limited("phone-code-phone", key=posted_phone)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    return _phone_step(request, SIGNUP)


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-check")
def signup_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, SIGNUP)


@require_http_methods(["GET", "POST"])
def signup_details(request: HttpRequest) -> HttpResponse:
    """Step 3: name, password, community, consent; then the new resident is signed in on their workbench."""
    phone = _proven_phone(request, SIGNUP)
    if not phone:
        messages.warning(request, "请先验证手机号")
        return redirect(SIGNUP.start)
    form = SignUpForm(request.POST or None, communities=signup_community_choices())
    done = run_form(
        request,
        form,
        lambda data: resident_sign_up(
            phone=phone,
            name=data["name"],
            password=data["password"],
            password_confirm=data["password_confirm"],
            community=data.get("community"),
            consent=bool(data.get("consent")),
            now=timezone.now(),
        ),
    )
    if done:
        user = done.value
        request.session.pop(SIGNUP.session_key, None)
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, "注册成功。您用本手机号提交过的求助已归入「我的求助」。")
        return redirect("portal:home")
    context = {"form": form, "flow": SIGNUP, "phone_masked": mask_phone(phone), "notice": RESIDENT_NOTICE}
    return render(request, "accounts/signup_details.html", context, status=done.status)


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-send")
@rate_limited("phone-code-phone", key=posted_phone)
def password_reset(request: HttpRequest) -> HttpResponse:
    return _phone_step(request, RESET)


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-check")
def password_reset_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, RESET)


@require_http_methods(["GET", "POST"])
def password_reset_new(request: HttpRequest) -> HttpResponse:
    """Step 3: the new password; then the login page."""
    phone = _proven_phone(request, RESET)
    if not phone:
        messages.warning(request, "请先验证手机号")
        return redirect(RESET.start)
    form = NewPasswordForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda _: password_reset_by_phone(
            phone=phone,
            password=form.cleaned_data["password"],
            password_confirm=form.cleaned_data["password_confirm"],
            now=timezone.now(),
        ),
    )
    if done:
        request.session.pop(RESET.session_key, None)
        messages.success(request, "密码已重设，请用手机号和新密码登录")
        return redirect("accounts:login")
    context = {"form": form, "flow": RESET, "phone_masked": mask_phone(phone)}
    return render(request, "accounts/password_reset_new.html", context, status=done.status)
