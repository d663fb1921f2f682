from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from redvest.accounts.models import User
from redvest.accounts.selectors import login_lockout_key, user_for_login


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
