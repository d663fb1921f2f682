"""Names of volunteers on public pages: shown in full only with their consent, otherwise masked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redvest.evaluation.selectors import public_volunteer_names


def public_names(volunteers: Iterable[Any]) -> dict[int, str]:
    """Volunteer id → the name a public page may show, for a page of volunteers (at most one query).
    The consent records belong to the evaluation app; its rule decides."""

    ids = sorted({v.pk for v in volunteers})
    return public_volunteer_names(ids) if ids else {}
