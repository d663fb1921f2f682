"""The 工委's quarterly circulars (情况通报): draft, edit, publish (tables frozen, the subtree notified),
correct by a new version."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment
from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.services import notification_send
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.reports.circular_tables import circular_tables
from redvest.reports.errors import CircularPublished
from redvest.reports.models import FILING_KINDS, Circular, CircularStatus
from redvest.reports.narrative import draft_narrative
from redvest.reports.services.filing import NARRATIVE_MAX, REASON_MAX, quarter_ok

if TYPE_CHECKING:
    from redvest.accounts.models import User


def _circular_text(title: Any, intro: Any, correction_note: Any = "", **sections: Any) -> dict[str, str]:
    """The circular's words, checked: a title, each narrative section within its limit. A section passed
    as None is left out (kept as it is)."""
    errors = {}
    title = (title or "").strip() if isinstance(title, str) else ""
    intro = (intro or "").strip() if isinstance(intro, str) else ""
    note = (correction_note or "").strip() if isinstance(correction_note, str) else ""
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > 200:
        errors["title"] = "标题不能超过200字"
    if len(intro) > NARRATIVE_MAX:
        errors["intro"] = f"总体情况不能超过{NARRATIVE_MAX}字"
    if len(note) > REASON_MAX:
        errors["correction_note"] = f"更正说明不能超过{REASON_MAX}字"
    text = {"title": title, "intro": intro, "correction_note": note}
    for name, label in CIRCULAR_SECTIONS.items():
        value = sections.get(name)
        if value is None:
            continue
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > NARRATIVE_MAX:
            errors[name] = f"{label}不能超过{NARRATIVE_MAX}字"
        text[name] = value
    if errors:
        raise ValidationFailed(errors)
    return text


CIRCULAR_SECTIONS = {"highlights": "工作亮点", "problems": "存在问题", "next_steps": "下步工作"}


@transaction.atomic
def circular_create(
    *,
    actor: User,
    org: OrgNode,
    year: int,
    quarter: int,
    title: str,
    intro: str = "",
    correction_note: str = "",
    highlights: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
) -> Circular:
    """A draft circular of a reviewing node for a quarter. One draft at a time; after one is published a
    new one is a correction: the next version, referencing the published one, with a correction note.
    Sections not given are drafted from the subtree's records of the quarter, for the author to edit."""
    quarter_ok(year, quarter)
    text = _circular_text(
        title, intro, correction_note, highlights=highlights, problems=problems, next_steps=next_steps
    )
    if org.kind in FILING_KINDS:
        raise ValidationFailed({"org": "情况通报由工委（上级组织）发布"})
    if not can_administer(actor, org):
        raise PermissionDenied("您无权为该组织发布通报")
    existing = list(
        Circular.objects.select_for_update(of=("self",)).filter(org=org, year=year, quarter=quarter).order_by("version")
    )
    if any(not c.is_published for c in existing):
        raise Conflict("该季度已有通报草稿，请在草稿上修改", code="circular_draft_exists")
    latest = existing[-1] if existing else None
    if latest is not None and not text["correction_note"]:
        raise ValidationFailed({"correction_note": "该季度通报已发布，新建更正版须说明更正内容"})
    if any(name not in text for name in CIRCULAR_SECTIONS):
        words = draft_narrative(org=org, year=year, quarter=quarter)
        drafted = {"highlights": words.highlights, "problems": words.problems, "next_steps": words.next_plan}
        text = {**drafted, **text}
    circular = Circular.objects.create(
        org=org,
        year=year,
        quarter=quarter,
        version=(latest.version + 1) if latest else 1,
        supersedes=latest,
        created_by=actor,
        **text,
    )
    audit_record(actor=actor, action="create", target=circular, org=org, after=snapshot(circular))
    return circular


@transaction.atomic
def circular_update(
    *,
    actor: User,
    circular: Circular,
    title: str,
    intro: str = "",
    correction_note: str = "",
    highlights: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
) -> Circular:
    """Edit a draft circular. Raises CircularPublished for a published one (it is immutable)."""
    circular = Circular.objects.select_for_update(of=("self",)).select_related("org").get(pk=circular.pk)
    if not can(actor, "change", circular):
        raise PermissionDenied("您无权修改该通报")
    if circular.is_published:
        raise CircularPublished()
    text = _circular_text(
        title, intro, correction_note, highlights=highlights, problems=problems, next_steps=next_steps
    )
    if circular.supersedes_id and not text["correction_note"]:
        raise ValidationFailed({"correction_note": "更正版须说明更正内容"})
    before = snapshot(circular, list(text))
    for name, value in text.items():
        setattr(circular, name, value)
    circular.save()
    audit_record(actor=actor, action="update", target=circular, org=circular.org, before=before, after=text)
    return circular


def _doc_number(circular: Circular, *, now: datetime.datetime) -> str:
    """The 文号 of a published circular: the issuing body's short name, the year in 〔〕 and its number
    among the body's circulars published that year (a correction keeps the number of the one it corrects)."""
    if circular.supersedes_id:
        earlier = Circular.objects.filter(pk=circular.supersedes_id).values_list("doc_number", flat=True).first()
        if earlier:
            return f"{earlier}（更正）" if not earlier.endswith("（更正）") else earlier
    OrgNode.objects.select_for_update().filter(pk=circular.org_id).first()  # one numbering at a time per body
    year = timezone.localtime(now).year
    published = Circular.objects.filter(
        org=circular.org, status=CircularStatus.PUBLISHED, published_at__year=year, supersedes__isnull=True
    ).count()
    return f"{circular.org.name[:2]}志通〔{year}〕{published + 1}号"


@transaction.atomic
def circular_publish(*, actor: User, circular: Circular, now: datetime.datetime | None = None) -> Circular:
    """Publish a draft: its tables are generated now and frozen with it; the org admins of the subtree
    are notified. Raises CircularPublished when already published."""
    now = now or timezone.now()
    circular = Circular.objects.select_for_update(of=("self",)).select_related("org").get(pk=circular.pk)
    if not can(actor, "change", circular):
        raise PermissionDenied("您无权发布该通报")
    if circular.is_published:
        raise CircularPublished("通报已发布，请勿重复发布")
    circular.tables = circular_tables(
        root=circular.org, year=circular.year, quarter=circular.quarter, today=timezone.localtime(now).date()
    )
    circular.doc_number = _doc_number(circular, now=now)
    circular.status = CircularStatus.PUBLISHED
    circular.published_at = now
    circular.published_by = actor
    circular.save()
    audit_record(
        actor=actor,
        action="update",
        target=circular,
        org=circular.org,
        before={"status": CircularStatus.DRAFT},
        after={"status": CircularStatus.PUBLISHED, "version": circular.version},
        reason="发布情况通报",
    )
    readers = list(
        RoleAssignment.objects.filter(
            in_subtree_q("org__path", circular.org.path), role=Role.ORG_ADMIN, user__is_active=True
        )
        .exclude(user=actor)
        .select_related("user")
    )
    users = list({a.user_id: a.user for a in readers}.values())
    if users:
        notification_send(
            recipients=users,
            title=f"{circular.org.name}发布了{circular.title}" + ("（更正版）" if circular.supersedes_id else ""),
            url=reverse("reports:circular-detail", args=[circular.pk]),
        )
    return circular
