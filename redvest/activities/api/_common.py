"""What the activities API handlers share."""

from __future__ import annotations

from typing import Any

from redvest.activities.schemas import ErrorOut

ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    return {status: ok, **ERRORS}
