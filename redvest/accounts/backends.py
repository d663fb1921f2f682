from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from redvest.accounts.models import CodePurpose, User
from redvest.accounts.otp import phone_code_consume, phone_code_verify
from redvest.accounts.selectors import login_lockout_key, user_for_login, user_for_phone
from redvest.core.errors import DomainError
from redvest.core.validators import normalize_phone


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with a username or an 11-digit phone number."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        user = user_for_login(login=username)
        if user is None:
            User().set_password(password)  # same cost as a real check, so timing does not reveal names
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class PhoneCodeBackend(BaseBackend):
    """Log in with the phone bound to an account and the one-time code texted to it (短信验证码登录). Called
    through django.contrib.auth.authenticate(username=phone, sms_code=code), so django-axes counts a wrong code
    against the same account as a wrong password and locks both ways in. The code's own error (wrong,
    expired, too many tries) is kept on the request for the message."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, sms_code: str | None = None, **kwargs: Any
    ) -> User | None:
        if sms_code is None or not username:
            return None
        now = timezone.now()
        try:
            phone_code_verify(phone=username, purpose=CodePurpose.LOGIN, code=sms_code, now=now)
            user = user_for_phone(phone=normalize_phone(username))
            if user is None or not user.is_active:
                return None
            phone_code_consume(phone=normalize_phone(username), purpose=CodePurpose.LOGIN, now=now)
        except DomainError as exc:
            if request is not None:
                request.sms_login_error = exc  # type: ignore[attr-defined]  # read by services.sms_sign_in
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


class WeixinBackend(BaseBackend):
    """The session backend of a WeChat sign-in (accounts.weixin): the view logs in the account linked to the
    WeChat id; this only reloads that user on later requests."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """django-axes counts failures under this name, so every spelling of one account shares a counter."""
    login = (credentials or {}).get("username")
    if login is None and request is not None:
        login = request.POST.get("username")
    login = str(login or "")
    memo: dict[str, str] = request.__dict__.setdefault("_lockout_keys", {}) if request is not None else {}
    if login not in memo:
        memo[login] = login_lockout_key(login=login)
    return memo[login]


class LockoutHandler(AxesDatabaseHandler):
    """A successful login clears that account's failures only, not every failure from the same address."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        count, _ = AccessAttempt.objects.filter(username=lockout_username(request, credentials)).delete()
        return count


def lockout_clear(*, user: User) -> None:
    """Forget the account's failed logins (after a password reset by phone), not the address's."""
    AccessAttempt.objects.filter(username=user.username).delete()
