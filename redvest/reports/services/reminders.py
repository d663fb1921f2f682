"""Reminders before the deadline and overdue alerts after it, each sent once per organisation, quarter and day."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.core.services import notification_send
from redvest.orgs.models import OrgNode
from redvest.reports import conf
from redvest.reports.models import FILED_STATUSES, QuarterlyReport, ReminderKind, ReportReminder
from redvest.reports.quarters import previous_quarter, quarter_due_on, quarter_label, quarter_of
from redvest.reports.selectors import filing_orgs, records_path


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
