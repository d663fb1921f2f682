from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from redvest.accounts.consent import RESIDENT_NOTICE
from redvest.accounts.errors import AccountLocked
from redvest.accounts.forms import CodeForm, LoginForm, NewPasswordForm, PhoneForm, SignUpForm
from redvest.accounts.models import CodePurpose
from redvest.accounts.otp import CodeResendTooSoon, phone_code_proven, phone_code_verify
from redvest.accounts.selectors import profile_for, signup_community_choices
from redvest.accounts.services import (
    login_code_send,
    password_reset_by_phone,
    reset_code_send,
    resident_sign_up,
    signup_code_send,
    sms_sign_in,
)
from redvest.accounts.weixin import (
    PENDING_TTL,
    WeixinFailed,
    WeixinProfile,
    weixin_authorize_url,
    weixin_bind_code_send,
    weixin_configured,
    weixin_exchange,
    weixin_link,
    weixin_link_by_phone,
    weixin_unlink,
    weixin_user,
)
from redvest.core.crypto import mask_phone
from redvest.core.errors import DomainError
from redvest.core.forms import add_domain_error, run_form
from redvest.core.pages import AuthedRequest
from redvest.core.ratelimit import posted_phone, rate_limited
from redvest.core.validators import normalize_phone

PASSWORD_BACKEND = "redvest.accounts.backends.UsernameOrPhoneBackend"
CODE_BACKEND = "redvest.accounts.backends.PhoneCodeBackend"
WEIXIN_BACKEND = "redvest.accounts.backends.WeixinBackend"


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    context = {"profile": profile_for(user=request.user), "weixin_login": weixin_configured()}
    return render(request, "accounts/profile.html", context)


class LoginPage(auth_views.LoginView):
    """用户名/手机号+密码; beside it 短信验证码登录 and, when configured, 微信登录."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "weixin_login": weixin_configured()}


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
    steps: int = 3


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


LOGIN = PhoneFlow(
    purpose=CodePurpose.LOGIN,
    title="短信验证码登录",
    session_key="login_phone",
    start="accounts:login-sms",
    code="accounts:login-sms-code",
    finish="portal:home",
    send=login_code_send,
    steps=2,
)


WEIXIN_BIND = PhoneFlow(
    purpose=CodePurpose.WEIXIN_BIND,
    title="绑定微信登录",
    session_key="weixin_bind_phone",
    start="accounts:weixin-bind",
    code="accounts:weixin-bind-code",
    finish="accounts:weixin-bind-finish",
    send=weixin_bind_code_send,
    steps=2,
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
def login_sms(request: HttpRequest) -> HttpResponse:
    """短信验证码登录 step 1: the phone bound to the account."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    if nxt := _safe_next(request):
        request.session["login_next"] = nxt
    return _phone_step(request, LOGIN)


def _safe_next(request: HttpRequest) -> str:
    nxt = str(request.GET.get("next") or "")
    return nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else ""


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-check")
def login_sms_code(request: HttpRequest) -> HttpResponse:
    """短信验证码登录 step 2: the code signs in, with the same lockout as a password (PhoneCodeBackend)."""
    phone = request.session.get(LOGIN.session_key, "")
    if not phone:
        return redirect(LOGIN.start)
    form = CodeForm(request.POST or None)
    done = run_form(request, form, lambda data: sms_sign_in(request=request, phone=phone, code=data["code"]))
    if done:
        request.session.pop(LOGIN.session_key, None)
        nxt = request.session.pop("login_next", "")
        login(request, done.value, backend=CODE_BACKEND)
        return redirect(nxt or "portal:home")
    context = {"form": form, "flow": LOGIN, "phone": phone, "phone_masked": mask_phone(phone)}
    return render(request, "accounts/phone_code.html", context, status=done.status)


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


# ---- WeChat sign-in (accounts.weixin) -------------------------------------------------------------------------

WEIXIN_STATE = "weixin_state"
WEIXIN_PENDING = "weixin_pending"  # a WeChat id not linked yet: {"openid", "unionid", "at"} until bound by phone


def _weixin_on() -> None:
    if not weixin_configured():
        raise Http404


@require_http_methods(["GET"])
@rate_limited("weixin-login")
def weixin_start(request: HttpRequest) -> HttpResponse:
    """To WeChat's authorization page, with a one-use state kept in the session (against forged callbacks)."""
    _weixin_on()
    state = secrets.token_urlsafe(16)
    request.session[WEIXIN_STATE] = state
    if nxt := _safe_next(request):
        request.session["login_next"] = nxt
    redirect_uri = request.build_absolute_uri(reverse("accounts:weixin-callback"))
    return redirect(weixin_authorize_url(redirect_uri=redirect_uri, state=state))


@require_http_methods(["GET"])
def weixin_callback(request: HttpRequest) -> HttpResponse:
    """WeChat sends the browser back here with a code: a linked account signs in; a signed-in person links
    this WeChat to their account; anyone else binds it by a code texted to their account's phone."""
    _weixin_on()
    expected = request.session.pop(WEIXIN_STATE, None)
    if not expected or request.GET.get("state") != expected:
        messages.error(request, "微信登录已失效，请重新扫码")
        return redirect("accounts:login")
    code = str(request.GET.get("code") or "")
    if not code:
        messages.info(request, "您取消了微信登录")
        return redirect("accounts:login")
    try:
        profile = weixin_exchange(code=code)
    except WeixinFailed as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    if request.user.is_authenticated:
        try:
            weixin_link(user=request.user, profile=profile, now=timezone.now(), how="已登录账号")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已绑定微信，以后可以用微信登录")
        return redirect("accounts:profile")
    user = weixin_user(profile=profile)
    if user is not None:
        if not user.is_active:
            messages.error(request, "该账号已停用，请联系所在组织")
            return redirect("accounts:login")
        login(request, user, backend=WEIXIN_BACKEND)
        return redirect(request.session.pop("login_next", "") or "portal:home")
    request.session[WEIXIN_PENDING] = {"openid": profile.openid, "unionid": profile.unionid, "at": time.time()}
    messages.info(request, "这个微信还没有绑定账号。请用账号绑定的手机号验证一次，完成绑定后即可直接用微信登录")
    return redirect("accounts:weixin-bind")


def _weixin_pending(request: HttpRequest) -> WeixinProfile | None:
    pending = request.session.get(WEIXIN_PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_TTL.total_seconds():
        return None
    return WeixinProfile(openid=str(pending["openid"]), unionid=str(pending.get("unionid") or ""))


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-send")
@rate_limited("phone-code-phone", key=posted_phone)
def weixin_bind(request: HttpRequest) -> HttpResponse:
    """Bind step 1: the phone of the account (a registered volunteer's, a resident's, staff's)."""
    _weixin_on()
    if _weixin_pending(request) is None:
        messages.warning(request, "微信登录已失效，请重新扫码")
        return redirect("accounts:login")
    return _phone_step(request, WEIXIN_BIND)


@require_http_methods(["GET", "POST"])
@rate_limited("phone-code-check")
def weixin_bind_code(request: HttpRequest) -> HttpResponse:
    _weixin_on()
    return _code_step(request, WEIXIN_BIND)


@require_http_methods(["GET"])
def weixin_bind_finish(request: HttpRequest) -> HttpResponse:
    """The phone is proven: link the WeChat id to its account and sign in."""
    _weixin_on()
    profile = _weixin_pending(request)
    phone = _proven_phone(request, WEIXIN_BIND)
    if profile is None or not phone:
        messages.warning(request, "请先扫码并验证手机号")
        return redirect("accounts:login")
    try:
        user = weixin_link_by_phone(phone=phone, profile=profile, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    request.session.pop(WEIXIN_PENDING, None)
    request.session.pop(WEIXIN_BIND.session_key, None)
    login(request, user, backend=WEIXIN_BACKEND)
    messages.success(request, "已绑定微信，以后可以直接用微信登录")
    return redirect(request.session.pop("login_next", "") or "portal:home")


@login_required
@require_http_methods(["POST"])
def weixin_unbind(request: AuthedRequest) -> HttpResponse:
    try:
        weixin_unlink(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已解除微信登录绑定")
    return redirect("accounts:profile")
