"""Helpers shared by the teams services: input checking with field names, row locks, notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from redvest.core.errors import ValidationFailed
from redvest.core.services import notification_send
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.volunteers.models import Volunteer


class FieldErrors:
    """Collects field errors so one response names every wrong field; raises ValidationFailed."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def clean_text(
    value: str | None, *, field: str, label: str, max_length: int, errors: FieldErrors, required: bool = False
) -> str:
    """Trimmed text; empty when required, too long or holding NUL characters is a field error."""
    text = (value or "").strip()
    if "\x00" in text:
        errors.add(field, f"{label}含有非法字符")
    elif required and not text:
        errors.add(field, f"请填写{label}")
    elif len(text) > max_length:
        errors.add(field, f"{label}不能超过{max_length}个字")
    return text


def as_pk(value: Any) -> int:
    """An id from input, or 0 (which matches no row) when it is not a usable primary key."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return 0
    return pk if 0 < pk < 2**63 else 0


def lock_team(team_id: int) -> Team:
    """The team row, locked for the rest of the transaction (member counts and roles change under it)."""
    return Team.objects.select_for_update(of=("self",)).select_related("org").get(pk=team_id)


def lock_teams(*team_ids: int) -> dict[int, Team]:
    """Several team rows locked in id order, so two transfers in opposite directions cannot deadlock."""
    rows = (
        Team.objects.select_for_update(of=("self",)).select_related("org").filter(pk__in=set(team_ids)).order_by("pk")
    )
    return {t.pk: t for t in rows}


def lock_volunteer(volunteer_id: int) -> None:
    """Lock the volunteer row for the rest of the transaction (their memberships change under it)."""

    Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer_id).values_list("pk").first()


def team_url(team: Team) -> str:
    return reverse("teams:team-detail", args=[team.pk])


def notify_volunteers(volunteers: Iterable[Volunteer | None], *, title: str, body: str = "", url: str = "") -> None:
    """Inbox message to the volunteers that have a login; delivery runs after commit."""
    users = [v.user for v in volunteers if v is not None and v.user_id is not None and v.user is not None]
    if users:
        notification_send(recipients=users, title=title, body=body, url=url)
