"""群公告: a team's leader or liaison (or an admin over it) posts a notice to its members; a revision is a
new version replacing the old (history kept, nothing edited); members mark what they have read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.validation import model_errors
from redvest.teams.access import can_post_announcement
from redvest.teams.errors import AnnouncementSuperseded, TeamInactive
from redvest.teams.models import AnnouncementRead, Team, TeamAnnouncement

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass
class AnnouncementData:
    title: str
    body: str
    pinned: bool = False
    expires_at: datetime.datetime | None = None


def _build(*, actor: User, team: Team, data: AnnouncementData, replaces: TeamAnnouncement | None) -> TeamAnnouncement:
    announcement = TeamAnnouncement(
        team=team,
        title=(data.title or "").strip(),
        body=(data.body or "").strip(),
        pinned=data.pinned,
        expires_at=data.expires_at,
        replaces=replaces,
        first_version_id=(replaces.first_version_id or replaces.pk) if replaces is not None else None,
        author=actor,
    )
    errors = model_errors(announcement)
    if data.expires_at is not None and data.expires_at <= timezone.now():
        errors["expires_at"] = "有效期应晚于现在"
    if errors:
        raise ValidationFailed(errors)
    return announcement


@transaction.atomic
def announcement_post(*, actor: User, team: Team, data: AnnouncementData) -> TeamAnnouncement:
    """Post a notice to an active team (read by its author); its leader, liaison or an admin over it. Raises PermissionDenied,
    TeamInactive or ValidationFailed."""
    if not can_post_announcement(actor, team):
        raise PermissionDenied("只有服务队负责人、联络员或管理员可以发布群公告")
    if not team.is_active:
        raise TeamInactive("该服务队已撤销，不能发布公告")
    announcement = _build(actor=actor, team=team, data=data, replaces=None)
    announcement.save()
    AnnouncementRead.objects.create(announcement=announcement, user=actor)  # the author has read their own notice
    audit_record(actor=actor, action="create", target=announcement, org=team.org, after={"title": announcement.title})
    return announcement


@transaction.atomic
def announcement_revise(*, actor: User, announcement: TeamAnnouncement, data: AnnouncementData) -> TeamAnnouncement:
    """A new version of the newest version of a notice (the old stays in the history); unread again for
    everyone but its author. Raises PermissionDenied, AnnouncementSuperseded (a newer version exists) or ValidationFailed."""
    team = announcement.team
    if not can_post_announcement(actor, team):
        raise PermissionDenied("只有服务队负责人、联络员或管理员可以修订群公告")
    if TeamAnnouncement.objects.filter(replaces=announcement).exists():
        raise AnnouncementSuperseded()
    revision = _build(actor=actor, team=team, data=data, replaces=announcement)
    try:
        with transaction.atomic():
            revision.save()
    except IntegrityError as exc:  # another revision of the same version won the race
        raise AnnouncementSuperseded() from exc
    AnnouncementRead.objects.create(announcement=revision, user=actor)
    audit_record(
        actor=actor,
        action="update",
        target=revision,
        org=team.org,
        before={"title": announcement.title},
        after={"title": revision.title},
        reason=f"修订公告#{announcement.pk}",
    )
    return revision


def announcement_mark_read(*, user: User, announcement: TeamAnnouncement) -> None:
    """Record that the user has read this version (idempotent; only someone who may see it)."""
    if not can(user, "view", announcement):
        raise PermissionDenied("您无权查看该公告")
    AnnouncementRead.objects.get_or_create(announcement=announcement, user=user)
