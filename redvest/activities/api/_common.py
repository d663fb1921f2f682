"""What the activities API handlers share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from redvest.activities.schemas import ErrorOut

if TYPE_CHECKING:
    from redvest.accounts.models import User

ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def user_of(request: HttpRequest) -> User:
    return cast("User", request.auth)  # type: ignore[attr-defined]  # ninja sets request.auth


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    return {status: ok, **ERRORS}
