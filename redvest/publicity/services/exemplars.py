"""Exemplars (典型): write a story with photos, submit it, publish or unpublish it (org admins over its node)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import can_administer, scope
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.orgs.selectors import in_subtree_q
from redvest.publicity.errors import BadExemplarStatus
from redvest.publicity.models import Exemplar, ExemplarPhoto, ExemplarStatus
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


@dataclass(frozen=True)
class PhotoIn:
    file: Any  # an UploadedFile
    caption: str = ""


@dataclass(frozen=True)
class ExemplarData:
    title: str
    body: str
    volunteer_ids: Sequence[int] = ()
    team_ids: Sequence[int] = ()
    photos: Sequence[PhotoIn] = field(default_factory=tuple)


def photos_check(photos: Sequence[PhotoIn], *, existing: int = 0) -> None:
    """JPG, PNG or WebP that Pillow can read, each at most 5 MB, at most 9 per story; raises ValidationFailed."""
    from PIL import Image, UnidentifiedImageError

    if existing + len(photos) > MAX_PHOTOS:
        raise ValidationFailed({"photos": f"每篇典型最多{MAX_PHOTOS}张照片"})
    for photo in photos:
        upload = photo.file
        name = getattr(upload, "name", "") or ""
        ext = os.path.splitext(name)[1].lower()
        if ext not in PHOTO_TYPES:
            raise ValidationFailed({"photos": f"「{name}」不是 JPG、PNG 或 WebP 图片"})
        if (getattr(upload, "size", 0) or 0) > MAX_PHOTO_BYTES:
            raise ValidationFailed({"photos": f"「{name}」超过5MB"})
        if len(photo.caption or "") > 100:
            raise ValidationFailed({"captions": "照片说明不能超过100字"})
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                image.verify()
                real = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationFailed({"photos": f"「{name}」无法识别为图片"}) from exc
        finally:
            upload.seek(0)
        if real != PHOTO_TYPES[ext]:
            raise ValidationFailed({"photos": f"「{name}」的内容与扩展名不符"})


def _clean(*, actor: User, org: OrgNode, data: ExemplarData) -> tuple[str, str, list[int], list[int]]:

    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    body = (data.body or "").strip()
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > 100:
        errors["title"] = "标题不能超过100字"
    if not body:
        errors["body"] = "请填写事迹正文"
    volunteer_ids = sorted(set(data.volunteer_ids))
    team_ids = sorted(set(data.team_ids))
    if not volunteer_ids and not team_ids:
        errors["volunteers"] = "请至少关联一名志愿者或一支服务队"
    # Only people and teams the author may see, and within the story's own subtree.
    found_v = scope(
        actor, "volunteer", Volunteer.objects.filter(in_subtree_q("org__path", org.path), pk__in=volunteer_ids)
    )
    if volunteer_ids and found_v.count() != len(volunteer_ids):
        errors["volunteers"] = "关联的志愿者不存在或不在本组织范围内"
    found_t = scope(actor, "team", Team.objects.filter(in_subtree_q("org__path", org.path), pk__in=team_ids))
    if team_ids and found_t.count() != len(team_ids):
        errors["teams"] = "关联的服务队不存在或不在本组织范围内"
    if errors:
        raise ValidationFailed(errors)
    return title, body, volunteer_ids, team_ids


def _add_photos(exemplar: Exemplar, photos: Sequence[PhotoIn], *, start: int) -> None:
    for i, photo in enumerate(photos):
        ExemplarPhoto.objects.create(
            exemplar=exemplar, image=photo.file, caption=(photo.caption or "").strip(), order=start + i
        )


@transaction.atomic
def exemplar_create(*, actor: User, org: OrgNode, data: ExemplarData) -> Exemplar:
    """A draft story at a node the author administers. Raises ValidationFailed, PermissionDenied."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有本组织的管理员可以撰写典型")
    title, body, volunteer_ids, team_ids = _clean(actor=actor, org=org, data=data)
    photos_check(data.photos)
    exemplar = Exemplar.objects.create(title=title, body=body, org=org, created_by=actor)
    exemplar.volunteers.set(volunteer_ids)
    exemplar.teams.set(team_ids)
    _add_photos(exemplar, data.photos, start=0)
    audit_record(
        actor=actor,
        action="create",
        target=exemplar,
        org=org,
        after={**snapshot(exemplar), "volunteers": volunteer_ids, "teams": team_ids, "photos": len(data.photos)},
    )
    return exemplar


def _locked(exemplar: Exemplar) -> Exemplar:
    return Exemplar.objects.select_for_update(of=("self",)).select_related("org").get(pk=exemplar.pk)


@transaction.atomic
def exemplar_update(*, actor: User, exemplar: Exemplar, data: ExemplarData) -> Exemplar:
    """Edit a draft (or a story sent back by unpublishing) and add photos. Raises BadExemplarStatus,
    ValidationFailed, PermissionDenied."""
    locked = _locked(exemplar)
    if not can_administer(actor, locked.org):
        raise PermissionDenied("您不能修改该典型")
    if locked.status not in {ExemplarStatus.DRAFT, ExemplarStatus.UNPUBLISHED}:
        raise BadExemplarStatus("已提交或已发布的典型不能修改，请先撤下")
    title, body, volunteer_ids, team_ids = _clean(actor=actor, org=locked.org, data=data)
    photos_check(data.photos, existing=locked.photos.count())
    before = snapshot(locked, ["title", "body"])
    locked.title, locked.body = title, body
    locked.save(update_fields=["title", "body"])
    locked.volunteers.set(volunteer_ids)
    locked.teams.set(team_ids)
    _add_photos(locked, data.photos, start=locked.photos.count())
    audit_record(
        actor=actor,
        action="update",
        target=locked,
        org=locked.org,
        before=before,
        after={**snapshot(locked, ["title", "body"]), "volunteers": volunteer_ids, "teams": team_ids},
    )
    return locked


def _move(
    *,
    actor: User,
    exemplar: Exemplar,
    allowed_from: set[str],
    to: str,
    now: datetime.datetime,
    reason: str = "",
) -> Exemplar:
    locked = _locked(exemplar)
    if not can_administer(actor, locked.org):
        raise PermissionDenied("只有该典型所属组织及上级组织的管理员可以执行此操作")
    if locked.status not in allowed_from:
        raise BadExemplarStatus(f"典型当前为「{locked.get_status_display()}」，不能执行此操作")
    before = {"status": locked.status}
    locked.status = to
    fields = ["status"]
    if to == ExemplarStatus.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    elif to == ExemplarStatus.PUBLISHED:
        locked.published_at, locked.published_by, locked.unpublish_reason = now, actor, ""
        fields += ["published_at", "published_by", "unpublish_reason"]
    elif to == ExemplarStatus.UNPUBLISHED:
        locked.unpublish_reason = reason
        fields.append("unpublish_reason")
    locked.save(update_fields=fields)
    audit_record(
        actor=actor, action="update", target=locked, org=locked.org, before=before, after={"status": to}, reason=reason
    )
    return locked


@transaction.atomic
def exemplar_submit(*, actor: User, exemplar: Exemplar, now: datetime.datetime | None = None) -> Exemplar:
    """Draft (or unpublished) → submitted for publishing. Raises BadExemplarStatus, PermissionDenied."""
    return _move(
        actor=actor,
        exemplar=exemplar,
        allowed_from={ExemplarStatus.DRAFT, ExemplarStatus.UNPUBLISHED},
        to=ExemplarStatus.SUBMITTED,
        now=now or timezone.now(),
    )


@transaction.atomic
def exemplar_publish(*, actor: User, exemplar: Exemplar, now: datetime.datetime | None = None) -> Exemplar:
    """Submitted → published, by an org admin over the story's node; a draft must be submitted first.
    Raises BadExemplarStatus, PermissionDenied."""
    return _move(
        actor=actor,
        exemplar=exemplar,
        allowed_from={ExemplarStatus.SUBMITTED},
        to=ExemplarStatus.PUBLISHED,
        now=now or timezone.now(),
    )


@transaction.atomic
def exemplar_unpublish(
    *, actor: User, exemplar: Exemplar, reason: str, now: datetime.datetime | None = None
) -> Exemplar:
    """Published → unpublished with a reason (audited). Raises ValidationFailed, BadExemplarStatus,
    PermissionDenied."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写撤下原因"})
    if len(reason) > 300:
        raise ValidationFailed({"reason": "撤下原因不能超过300字"})
    return _move(
        actor=actor,
        exemplar=exemplar,
        allowed_from={ExemplarStatus.PUBLISHED},
        to=ExemplarStatus.UNPUBLISHED,
        now=now or timezone.now(),
        reason=reason,
    )


@transaction.atomic
def exemplar_add_photos(*, actor: User, exemplar: Exemplar, photos: Sequence[PhotoIn]) -> list[ExemplarPhoto]:
    """Add photos to a draft (or unpublished) story. Raises BadExemplarStatus, ValidationFailed, PermissionDenied."""
    locked = _locked(exemplar)
    if not can_administer(actor, locked.org):
        raise PermissionDenied("您不能修改该典型")
    if locked.status not in {ExemplarStatus.DRAFT, ExemplarStatus.UNPUBLISHED}:
        raise BadExemplarStatus("已提交或已发布的典型不能修改，请先撤下")
    if not photos:
        raise ValidationFailed({"photos": "请选择照片"})
    existing = locked.photos.count()
    photos_check(photos, existing=existing)
    _add_photos(locked, photos, start=existing)
    audit_record(actor=actor, action="update", target=locked, org=locked.org, after={"photos_added": len(photos)})
    return list(locked.photos.order_by("order", "id"))[existing:]
