"""Writes for quarterly themes, tally categories, an activity's outcomes and photos."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redvest.accounts.policy import can_administer, require
from redvest.activities.errors import ActivityCancelled
from redvest.activities.models import (
    Activity,
    ActivityOutcome,
    ActivityPhoto,
    ActivityStatus,
    ActivityTally,
    QuarterlyTheme,
    TallyCategory,
)
from redvest.activities.selectors.outcomes import tally_categories_for
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.orgs.selectors import in_subtree_q

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


def _quarter_bounds(year: int, quarter: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.min)),
    )


@transaction.atomic
def theme_set(
    *, actor: User, org: OrgNode, year: int, quarter: int, title: str, description: str = ""
) -> QuarterlyTheme:
    """Set (or replace) a node's theme for a quarter, org admins only; the subtree's activities of that
    quarter that had no nearer theme now link to it. Raises PermissionDenied, ValidationFailed."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有组织管理员可以设置季度主题")
    errors: dict[str, str] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = "年度无效"
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = "季度应为 1 到 4"
    if not title.strip():
        errors["title"] = "请填写主题"
    elif len(title.strip()) > 100:
        errors["title"] = "主题不能超过100字"
    if errors:
        raise ValidationFailed(errors)
    theme = QuarterlyTheme.objects.filter(org=org, year=year, quarter=quarter).first()
    before = snapshot(theme, ["title", "description"]) if theme else None
    if theme is None:
        theme = QuarterlyTheme(org=org, year=year, quarter=quarter, created_by=actor)
    theme.title = title.strip()
    theme.description = description.strip()
    theme.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        target=theme,
        org=org,
        before=before,
        after=snapshot(theme, ["title", "description"]),
    )
    start, end = _quarter_bounds(year, quarter)
    # Nearest wins: replace no theme, or a theme set higher up the tree than this node.
    Activity.objects.filter(in_subtree_q("org__path", org.path), start_at__gte=start, start_at__lt=end).filter(
        Q(theme__isnull=True) | Q(theme__org__depth__lt=org.depth)
    ).update(theme=theme)
    return theme


@transaction.atomic
def tally_category_create(*, actor: User, org: OrgNode, name: str, unit: str) -> TallyCategory:
    """Add a tally (e.g. 清理垃圾, 千克) for the node's subtree; org admins only."""
    if not can_administer(actor, org):
        raise PermissionDenied("只有组织管理员可以设置成效统计项")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写名称"
    if not unit.strip():
        errors["unit"] = "请填写单位"
    if not errors and TallyCategory.objects.filter(org=org, name=name.strip()).exists():
        errors["name"] = f"本级已有统计项「{name.strip()}」"
    if errors:
        raise ValidationFailed(errors)
    category = TallyCategory.objects.create(org=org, name=name.strip()[:50], unit=unit.strip()[:20])
    audit_record(actor=actor, action="create", target=category, org=org, after=snapshot(category))
    return category


@transaction.atomic
def tally_category_set_active(*, actor: User, category: TallyCategory, is_active: bool) -> TallyCategory:
    """Retire or restore a tally; past values stay."""
    if not can_administer(actor, category.org):
        raise PermissionDenied("只有组织管理员可以设置成效统计项")
    before = {"is_active": category.is_active}
    category.is_active = is_active
    category.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="update", target=category, org=category.org, before=before, after={"is_active": is_active}
    )
    return category


@dataclass
class OutcomeData:
    sessions: int = 1
    beneficiaries: int = 0
    problems_found: int = 0
    problems_solved: int = 0
    summary: str = ""
    tallies: dict[int, int | None] = field(default_factory=dict)  # category id -> value (None clears)


@transaction.atomic
def outcome_save(*, actor: User, activity: Activity, data: OutcomeData) -> ActivityOutcome:
    """The organiser records 场次, 受益人数, problems and tallies (人次 comes from attendance).
    Raises PermissionDenied, ActivityCancelled, ValidationFailed."""
    require(actor, "change", activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("已取消的活动不能填报成效")
    errors: dict[str, str] = {}
    for name, label in (
        ("sessions", "场次"),
        ("beneficiaries", "受益人数"),
        ("problems_found", "发现问题数"),
        ("problems_solved", "解决问题数"),
    ):
        if getattr(data, name) < 0:
            errors[name] = f"{label}不能为负数"
    if data.sessions < 1 and "sessions" not in errors:
        errors["sessions"] = "场次至少为 1"
    if data.problems_solved > data.problems_found and "problems_solved" not in errors:
        errors["problems_solved"] = "解决问题数不能多于发现问题数"
    allowed = {c.pk: c for c in tally_categories_for(org=activity.org)}
    for category_id, value in data.tallies.items():
        if category_id not in allowed:
            errors[f"tally_{category_id}"] = "该统计项不适用于本活动"
        elif value is not None and value < 0:
            errors[f"tally_{category_id}"] = f"{allowed[category_id].name}不能为负数"
    if errors:
        raise ValidationFailed(errors)
    outcome, created = ActivityOutcome.objects.select_for_update(of=("self",)).get_or_create(activity=activity)
    before = None if created else snapshot(outcome, ["sessions", "beneficiaries", "problems_found", "problems_solved"])
    outcome.sessions = data.sessions
    outcome.beneficiaries = data.beneficiaries
    outcome.problems_found = data.problems_found
    outcome.problems_solved = data.problems_solved
    outcome.summary = data.summary.strip()
    outcome.updated_by = actor
    outcome.save()
    for category_id, value in data.tallies.items():
        if value is None:
            ActivityTally.objects.filter(activity=activity, category_id=category_id).delete()
        else:
            ActivityTally.objects.update_or_create(
                activity=activity, category_id=category_id, defaults={"value": value}
            )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target=activity,
        org=activity.org,
        before=before,
        after={
            **snapshot(outcome, ["sessions", "beneficiaries", "problems_found", "problems_solved"]),
            "tallies": {str(k): v for k, v in data.tallies.items()},
        },
        reason="活动成效",
    )
    return outcome


@transaction.atomic
def photo_add(*, actor: User, activity: Activity, image: UploadedFile, caption: str = "") -> ActivityPhoto:
    """Attach a JPEG/PNG/WebP photo of at most 5 MB. Raises PermissionDenied, DomainError (bad file)."""
    require(actor, "change", activity)
    name = (image.name or "").lower()
    if not name.endswith(PHOTO_EXTENSIONS):
        raise DomainError("照片只支持 JPG、PNG、WebP 格式", field="image", code="bad_photo")
    if (image.size or 0) > PHOTO_MAX_BYTES:
        raise DomainError("照片不能超过 5MB", field="image", code="bad_photo")
    head = image.read(12)
    image.seek(0)
    if not head.startswith(PHOTO_SIGNATURES) or (head.startswith(b"RIFF") and head[8:12] != b"WEBP"):
        raise DomainError("文件内容不是有效的图片", field="image", code="bad_photo")
    photo = ActivityPhoto.objects.create(
        activity=activity, image=image, caption=caption.strip()[:100], uploaded_by=actor
    )
    audit_record(actor=actor, action="create", target=photo, org=activity.org, after={"image": photo.image.name})
    return photo
