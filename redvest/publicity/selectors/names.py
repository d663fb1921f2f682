"""Names of volunteers on public pages: shown in full only with their consent, otherwise masked."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from redvest.core.crypto import mask_name


def _consent_rule() -> Callable[..., Any] | None:
    """The evaluation app's consent-aware naming, when it is installed (it owns the consent records)."""
    try:
        module = importlib.import_module("redvest.evaluation.selectors")
    except ImportError:
        return None
    found = getattr(module, "public_volunteer_names", None)
    return found if callable(found) else None


def public_names(volunteers: Iterable[Any]) -> dict[int, str]:
    """Volunteer id → the name a public page may show, for a page of volunteers (at most one query)."""
    people = {v.pk: v for v in volunteers}
    if not people:
        return {}
    rule = _consent_rule()
    if rule is None:
        return {pk: mask_name(v.name) for pk, v in people.items()}
    shown = dict(rule(list(people.values())))
    return {pk: str(shown.get(pk) or mask_name(v.name)) for pk, v in people.items()}
