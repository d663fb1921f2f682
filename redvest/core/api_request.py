"""The user an API operation runs for: the API's auth classes (redvest/api.py) put it on `request.auth`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from redvest.accounts.models import User


def api_user(request: HttpRequest) -> User:
    """The authenticated user of an API operation (every operation requires auth unless it says otherwise)."""
    return cast("User", request.auth)  # type: ignore[attr-defined]  # set by the API's auth classes
