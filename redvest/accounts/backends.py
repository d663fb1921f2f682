from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from redvest.accounts.models import User
from redvest.core.crypto import blind_index
from redvest.core.validators import normalize_phone, phone_error


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with a username or an 11-digit phone number."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        user = User.objects.filter(username=username).first()
        if user is None and phone_error(username) is None:
            user = User.objects.filter(phone_hash=blind_index(normalize_phone(username))).first()
        if user is None:
            User().set_password(password)  # same cost as a real check, so timing does not reveal names
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
