"""Writes: open and refresh a draft from the records, edit figures and narrative, submit (late ones are
accepted and marked late), review (accept or return with comments), reminders and overdue alerts, and
the 工委's circulars (draft, publish, correct by a new version)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
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
from redvest.reports import conf
from redvest.reports.access import can_review, require_may_file
from redvest.reports.figures import record_figures
from redvest.reports.models import (
    EDITABLE_STATUSES,
    FILED_STATUSES,
    FILING_KINDS,
    Circular,
    CircularStatus,
    EventKind,
    FigureKey,
    QuarterlyReport,
    ReminderKind,
    ReportEvent,
    ReportFigure,
    ReportReminder,
    ReportStatus,
)
from redvest.reports.narrative import draft_narrative
from redvest.reports.quarters import previous_quarter, quarter_bounds, quarter_due_on, quarter_label, quarter_of
from redvest.reports.selectors import filing_orgs, records_path

if TYPE_CHECKING:
    from redvest.accounts.models import User

NARRATIVE_MAX = 5000
REASON_MAX = 300


class ReportNotEditable(Conflict):
    code = "report_not_editable"
    default_message = "季报已报送，不能修改；被退回后可修改再报"


class ReportNotSubmitted(Conflict):
    code = "report_not_submitted"
    default_message = "季报尚未报送（或已审核），不能审核"


@dataclass(frozen=True)
class FigureInput:
    value: Any
    reason: str = ""


def _quarter_ok(year: Any, quarter: Any) -> None:
    errors = {}
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors["year"] = "年度无效"
    if not isinstance(quarter, int) or isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        errors["quarter"] = "季度须为1至4"
    if errors:
        raise ValidationFailed(errors)


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update(of=("self",)).select_related("org").get(pk=report.pk)


def _figures_now(org: OrgNode, year: int, quarter: int) -> dict[str, int]:
    first, last = quarter_bounds(year, quarter)
    path = records_path(org)
    return record_figures([path], first, last)[path]


@transaction.atomic
def report_open(
    *, actor: User, org: OrgNode, year: int, quarter: int, now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The organisation's report for the quarter, created as a draft filled from the records if there is
    none yet (its figures, and a first draft of its highlights, problems and plan for the filer to edit). Only party organisations file; only their admins (and those above) open one."""
    _quarter_ok(year, quarter)
    if org.kind not in FILING_KINDS:
        raise ValidationFailed({"org": "只有党组织需要报送季报"})
    if not can_administer(actor, org):
        raise PermissionDenied("您无权填报该组织的季报")
    report = QuarterlyReport.objects.filter(org=org, year=year, quarter=quarter).first()
    if report is not None:
        return report
    now = now or timezone.now()
    figures = _figures_now(org, year, quarter)
    words = draft_narrative(org=org, year=year, quarter=quarter)
    report = QuarterlyReport.objects.create(
        org=org,
        year=year,
        quarter=quarter,
        highlights=words.highlights,
        problems=words.problems,
        next_plan=words.next_plan,
        due_on=quarter_due_on(year, quarter),
        figures_at=now,
        created_by=actor,
    )
    ReportFigure.objects.bulk_create(
        [ReportFigure(report=report, key=k, record_value=figures[k], reported_value=figures[k]) for k in FigureKey]
    )
    audit_record(actor=actor, action="create", target=report, org=org, after={"figures": figures})
    return report


@transaction.atomic
def report_refresh(*, actor: User, report: QuarterlyReport, now: datetime.datetime | None = None) -> QuarterlyReport:
    """Recompute the record values of a draft or returned report. A figure the organisation had not
    edited follows the records; an edited one keeps its reported value (and reason)."""
    report = _lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable()
    fresh = _figures_now(report.org, report.year, report.quarter)
    rows = {f.key: f for f in report.figures.all()}
    before = {k: f.record_value for k, f in rows.items()}
    for key in FigureKey:
        row = rows.get(key)
        if row is None:
            ReportFigure.objects.create(report=report, key=key, record_value=fresh[key], reported_value=fresh[key])
            continue
        if not row.is_edited:
            row.reported_value = fresh[key]
        row.record_value = fresh[key]
        if not row.is_edited:
            row.reason = ""
        row.save(update_fields=["record_value", "reported_value", "reason"])
    report.figures_at = now or timezone.now()
    report.save(update_fields=["figures_at", "updated_at"])
    audit_record(
        actor=actor, action="update", target=report, org=report.org, before={"record": before}, after={"record": fresh}
    )
    return report


def _int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: QuarterlyReport,
    figures: dict[str, FigureInput] | None = None,
    highlights: str | None = None,
    problems: str | None = None,
    next_plan: str | None = None,
) -> QuarterlyReport:
    """Edit reported figures and the narrative of a draft or returned report. A reported value that differs
    from the record needs a reason. Raises ValidationFailed (field per figure: `figure_<key>`),
    ReportNotEditable, PermissionDenied. Bad input writes nothing."""
    report = _lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable()
    rows = {f.key: f for f in report.figures.all()}
    errors: dict[str, str] = {}
    changes: list[tuple[ReportFigure, int, str]] = []
    for key, given in (figures or {}).items():
        row = rows.get(key)
        if row is None:
            errors[f"figure_{key}"] = "没有这项指标"
            continue
        value = _int_value(given.value)
        reason = (given.reason or "").strip()
        if value is None or value < 0:
            errors[f"figure_{key}"] = f"{row.get_key_display()}须为不小于0的整数"
        elif value != row.record_value and not reason:
            errors[f"reason_{key}"] = f"{row.get_key_display()}与记录值（{row.record_value}）不一致，请说明原因"
        elif len(reason) > REASON_MAX:
            errors[f"reason_{key}"] = f"说明不能超过{REASON_MAX}字"
        else:
            changes.append((row, value, reason if value != row.record_value else ""))
    narrative = {"highlights": highlights, "problems": problems, "next_plan": next_plan}
    for name, text in narrative.items():
        if text is not None and len(text) > NARRATIVE_MAX:
            errors[name] = f"不能超过{NARRATIVE_MAX}字"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(report, ["highlights", "problems", "next_plan"])
    before["figures"] = {k: [f.reported_value, f.reason] for k, f in rows.items()}
    for row, value, reason in changes:
        if (row.reported_value, row.reason) != (value, reason):
            row.reported_value, row.reason = value, reason
            row.save(update_fields=["reported_value", "reason"])
    for name, text in narrative.items():
        if text is not None:
            setattr(report, name, text.strip())
    report.save()
    after = snapshot(report, ["highlights", "problems", "next_plan"])
    after["figures"] = {k: [f.reported_value, f.reason] for k, f in rows.items()}
    audit_record(actor=actor, action="update", target=report, org=report.org, before=before, after=after)
    return report


def _reviewers_of(org: OrgNode) -> list[User]:
    """The admins of the nearest level above the organisation's host that has org admins (the 工委)."""
    host = records_path(org)
    from redvest.orgs.selectors import ancestors_paths

    above = [p for p in ancestors_paths(host) if len(p) < len(host)]
    assignments = list(
        RoleAssignment.objects.filter(role=Role.ORG_ADMIN, org__path__in=above, user__is_active=True).select_related(
            "user", "org"
        )
    )
    if not assignments:
        return []
    nearest = max(len(a.org.path) for a in assignments)
    return [a.user for a in assignments if len(a.org.path) == nearest]


def _filers_of(org: OrgNode) -> list[User]:
    """The organisation's own admins: at the 党支部 node or its host."""
    paths = {org.path, records_path(org)}
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.ORG_ADMIN, org__path__in=paths, user__is_active=True
        ).select_related("user")
    ]


def _report_url(report: QuarterlyReport) -> str:
    return reverse("reports:report-detail", args=[report.pk])


@transaction.atomic
def report_submit(*, actor: User, report: QuarterlyReport, now: datetime.datetime | None = None) -> QuarterlyReport:
    """Submit a draft or returned report. After the due day it is accepted and marked late (lateness is
    decided by the first submission: a report returned and resubmitted keeps it). Every edited figure
    must carry a reason and the highlights must be written. Raises ValidationFailed, ReportNotEditable."""
    now = now or timezone.now()
    report = _lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable("季报已报送，请勿重复报送")
    errors = {
        f"reason_{f.key}": f"{f.get_key_display()}与记录值不一致，请说明原因"
        for f in report.figures.all()
        if f.is_edited and not f.reason
    }
    if not report.highlights.strip():
        errors["highlights"] = "请填写本季度工作亮点"
    if errors:
        raise ValidationFailed(errors)
    late = timezone.localtime(now).date() > report.due_on
    before = snapshot(report, ["status", "submitted_at", "is_late"])
    if report.submitted_at is None:
        report.submitted_at = now
        report.is_late = late
    report.last_submitted_at = now
    report.status = ReportStatus.SUBMITTED
    report.save()
    ReportEvent.objects.create(report=report, kind=EventKind.SUBMITTED, actor=actor, at=now, is_late=late)
    audit_record(
        actor=actor,
        action="update",
        target=report,
        org=report.org,
        before=before,
        after=snapshot(report, ["status", "submitted_at", "is_late"]),
        reason="报送季报" + ("（逾期）" if late else ""),
    )
    reviewers = [u for u in _reviewers_of(report.org) if u.pk != actor.pk]
    if reviewers:
        notification_send(
            recipients=reviewers,
            title=f"{report.org.name}报送了{quarter_label(report.year, report.quarter)}季报"
            + ("（逾期）" if late else ""),
            body="请审核。",
            url=_report_url(report),
        )
    return report


def _review(
    *, actor: User, report: QuarterlyReport, kind: str, comment: str, now: datetime.datetime | None
) -> QuarterlyReport:
    now = now or timezone.now()
    comment = (comment or "").strip()
    if kind == EventKind.RETURNED and not comment:
        raise ValidationFailed({"comment": "退回时请填写审核意见"})
    if len(comment) > NARRATIVE_MAX:
        raise ValidationFailed({"comment": f"审核意见不能超过{NARRATIVE_MAX}字"})
    report = _lock(report)
    if not can_review(actor, report):
        raise PermissionDenied("该季报不在您的审核范围内（只能审核下级党组织的季报）")
    if report.status != ReportStatus.SUBMITTED:
        raise ReportNotSubmitted(
            "季报尚未报送，不能审核" if report.status in EDITABLE_STATUSES else "季报已审核通过，不能重复审核"
        )
    before = snapshot(report, ["status", "review_comment"])
    report.status = ReportStatus.ACCEPTED if kind == EventKind.ACCEPTED else ReportStatus.RETURNED
    report.review_comment = comment
    report.reviewed_by = actor
    report.reviewed_at = now
    report.save()
    ReportEvent.objects.create(report=report, kind=kind, actor=actor, at=now, comment=comment)
    audit_record(
        actor=actor,
        action="update",
        target=report,
        org=report.org,
        before=before,
        after=snapshot(report, ["status", "review_comment"]),
        reason=comment,
    )
    verb = "通过审核" if kind == EventKind.ACCEPTED else "被退回，请修改后重新报送"
    filers = [u for u in _filers_of(report.org) if u.pk != actor.pk]
    if filers:
        notification_send(
            recipients=filers,
            title=f"{report.org.name}{quarter_label(report.year, report.quarter)}季报{verb}",
            body=comment,
            url=_report_url(report),
        )
    return report


@transaction.atomic
def report_accept(
    *, actor: User, report: QuarterlyReport, comment: str = "", now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The 工委 accepts a submitted report. Raises ReportNotSubmitted, PermissionDenied."""
    return _review(actor=actor, report=report, kind=EventKind.ACCEPTED, comment=comment, now=now)


@transaction.atomic
def report_return(
    *, actor: User, report: QuarterlyReport, comment: str, now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The 工委 returns a submitted report with comments (required); it can be edited and resubmitted."""
    return _review(actor=actor, report=report, kind=EventKind.RETURNED, comment=comment, now=now)


# ---- reminders and overdue alerts ------------------------------------------------------------------


@dataclass
class ReminderResult:
    reminders: int = 0  # organisations reminded before the deadline
    overdue: int = 0  # organisations alerted about after it
    notifications: int = 0


def _due_quarters(today: datetime.date) -> list[tuple[int, int, str, int]]:
    """(year, quarter, kind, days) for each quarter whose reminder or alert falls on `today`."""
    found = []
    this = quarter_of(today)
    for year, quarter in (previous_quarter(*this), this):
        due = quarter_due_on(year, quarter)
        before, after = (due - today).days, (today - due).days
        if before in conf.reminder_days():
            found.append((year, quarter, ReminderKind.BEFORE.value, before))
        if after in conf.overdue_days():
            found.append((year, quarter, ReminderKind.OVERDUE.value, after))
    return found


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None) -> ReminderResult:
    """Remind every party organisation that has not filed of its coming deadline (its admins), and alert
    about overdue ones (its admins and the reviewing 工委's admins). Each (organisation, quarter, kind,
    day) is sent once: reminders already sent are recorded and skipped, so the command can run any
    number of times a day. One notification per person per kind lists all their organisations."""
    today = today or timezone.localdate()
    result = ReminderResult()
    due = _due_quarters(today)
    if not due:
        return result
    admins = list(
        RoleAssignment.objects.filter(role=Role.ORG_ADMIN, user__is_active=True).values_list("user_id", "org__path")
    )
    users = {u.pk: u for u in _users([uid for uid, _ in admins])}
    by_path: dict[str, list[int]] = defaultdict(list)
    for user_id, path in admins:
        by_path[path].append(user_id)
    for year, quarter, kind, days in due:
        filed = QuarterlyReport.objects.filter(year=year, quarter=quarter, status__in=FILED_STATUSES).values("org_id")
        sent = ReportReminder.objects.filter(year=year, quarter=quarter, kind=kind, days=days).values("org_id")
        orgs = list(filing_orgs("").exclude(pk__in=filed).exclude(pk__in=sent))
        if not orgs:
            continue
        per_user: dict[int, list[str]] = defaultdict(list)
        rows = []
        for org in orgs:
            recipients = _org_admin_ids(org, by_path)
            if kind == ReminderKind.OVERDUE:
                recipients |= _reviewer_ids(org, by_path)
            for user_id in recipients:
                per_user[user_id].append(org.name)
            rows.append(
                ReportReminder(
                    org=org, year=year, quarter=quarter, kind=kind, days=days, sent_on=today, recipients=len(recipients)
                )
            )
        ReportReminder.objects.bulk_create(rows)
        label = quarter_label(year, quarter)
        due_on = quarter_due_on(year, quarter)
        for user_id, names in per_user.items():
            if kind == ReminderKind.BEFORE:
                title = f"{label}季报将于{due_on:%m月%d日}截止（还有{days}天）"
            else:
                title = f"{label}季报已逾期{days}天未报送"
            shown = "、".join(names[:20]) + (f"等{len(names)}个党组织" if len(names) > 20 else "")
            notification_send(recipients=[users[user_id]], title=title, body=shown, url=reverse("reports:home"))
            result.notifications += 1
        if kind == ReminderKind.BEFORE:
            result.reminders += len(orgs)
        else:
            result.overdue += len(orgs)
    return result


def _users(ids: list[int]) -> list[User]:
    from redvest.accounts.models import User

    return list(User.objects.filter(pk__in=set(ids)))


def _org_admin_ids(org: OrgNode, by_path: dict[str, list[int]]) -> set[int]:
    """The organisation's own admins (at the 党支部 or its host); without any, the nearest admins above."""
    own = {uid for p in {org.path, records_path(org)} for uid in by_path.get(p, [])}
    return own or _reviewer_ids(org, by_path)


def _reviewer_ids(org: OrgNode, by_path: dict[str, list[int]]) -> set[int]:
    host = records_path(org)
    for length in range(len(host) - OrgNode.steplen, 0, -OrgNode.steplen):
        found = by_path.get(host[:length])
        if found:
            return set(found)
    return set()


# ---- circulars ---------------------------------------------------------------------------------------


class CircularPublished(Conflict):
    code = "circular_published"
    default_message = "已发布的通报不能修改；如需更正，请新建更正版"


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
    _quarter_ok(year, quarter)
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
    from redvest.reports.circular_tables import circular_tables

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
            role=Role.ORG_ADMIN, org__path__startswith=circular.org.path, user__is_active=True
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
