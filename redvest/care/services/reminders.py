"""The daily visit reminders: partners ahead of a due date, partners and org admins once it has passed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.selectors import admins_over
from redvest.care.models import CarePairing, CareReminder, PairingStatus, RecipientStatus, ReminderKind
from redvest.core.services import notification_send

if TYPE_CHECKING:
    from redvest.accounts.models import User


DEFAULT_REMIND_LEAD_DAYS = 2


@dataclass(frozen=True)
class RemindResult:
    upcoming: int
    overdue: int
    notified: int


def _partner_users(pairing: CarePairing) -> list[User]:
    if pairing.volunteer is not None:
        return [pairing.volunteer.user] if pairing.volunteer.user is not None else []
    team = pairing.team
    if team is None:
        return []
    people = [p for p in (team.leader, team.liaison) if p is not None]
    return [p.user for p in people if p.user is not None]


def _org_admins_over(path: str, cache: dict[str, list[User]]) -> list[User]:
    if path not in cache:
        cache[path] = admins_over(path)
    return cache[path]


MAX_LINES = 10


def _summary(lines: list[str]) -> str:
    shown = "；".join(lines[:MAX_LINES])
    return shown if len(lines) <= MAX_LINES else f"{shown}；等{len(lines)}人"


@transaction.atomic
def care_remind(*, today: datetime.date, lead_days: int = DEFAULT_REMIND_LEAD_DAYS) -> RemindResult:
    """Daily: tell the partners of each active pairing `lead_days` ahead of a due date, and the partners
    plus the org admins over the person once it has passed. One reminder per pairing, due date and kind,
    recorded in CareReminder, so running twice (or catching up after a missed day) sends nothing twice.
    Each person gets one notification per run (their pairings listed; an admin gets the overdue count).
    The due pairings are locked first, so a concurrent run waits and then finds them already sent."""
    now = timezone.now()
    horizon = today + datetime.timedelta(days=max(0, lead_days))
    candidates = list(
        CarePairing.objects.select_for_update(of=("self",))
        .filter(status=PairingStatus.ACTIVE, recipient__status=RecipientStatus.ACTIVE, next_visit_due__lte=horizon)
        .select_related("recipient__org", "volunteer__user", "team__leader__user", "team__liaison__user")
        .order_by("id")
    )
    sent = set(
        CareReminder.objects.filter(
            pairing__status=PairingStatus.ACTIVE,
            pairing__next_visit_due__lte=horizon,
            due_on=F("pairing__next_visit_due"),
        ).values_list("pairing_id", "due_on", "kind")
    )
    admins: dict[str, list[User]] = {}
    partners: dict[int, tuple[User, list[str], list[str]]] = {}  # user -> (upcoming lines, overdue lines)
    admin_overdue: dict[int, tuple[User, int]] = {}
    reminders: list[CareReminder] = []
    for pairing in candidates:
        due = pairing.next_visit_due
        assert due is not None  # filtered on next_visit_due
        kind = ReminderKind.OVERDUE if due < today else ReminderKind.UPCOMING
        if (pairing.pk, due, kind) in sent:
            continue
        recipient = pairing.recipient
        users = [u for u in _partner_users(pairing) if u.is_active]
        for user in users:
            upcoming_lines, overdue_lines = partners.setdefault(user.pk, (user, [], []))[1:]
            if kind == ReminderKind.OVERDUE:
                overdue_lines.append(f"{recipient.name}（应于{due:%m-%d}前，已逾期{(today - due).days}天）")
            else:
                upcoming_lines.append(f"{recipient.name}（{due:%m-%d}前）")
        notified = len(users)
        if kind == ReminderKind.OVERDUE:
            for admin in _org_admins_over(recipient.org.path, admins):
                admin_overdue[admin.pk] = (admin, admin_overdue.get(admin.pk, (admin, 0))[1] + 1)
                notified += 1
        reminders.append(CareReminder(pairing=pairing, due_on=due, kind=kind, sent_at=now, notified=notified))
    CareReminder.objects.bulk_create(reminders, batch_size=1000)
    mine = reverse("care:my-pairings")
    for user, upcoming_lines, overdue_lines in partners.values():
        parts = []
        if overdue_lines:
            parts.append(f"走访已逾期：{_summary(overdue_lines)}。")
        if upcoming_lines:
            parts.append(f"走访即将到期：{_summary(upcoming_lines)}。")
        count = len(upcoming_lines) + len(overdue_lines)
        title = (
            ("走访已逾期：" if overdue_lines else "走访即将到期：")
            + (overdue_lines or upcoming_lines)[0].split("（")[0]
            if count == 1
            else f"{count}位结对对象需要走访"
        )
        notification_send(recipients=[user], title=title, body="".join(parts), url=mine)
    overdue_url = reverse("care:overdue")
    for admin, count in admin_overdue.values():
        notification_send(
            recipients=[admin],
            title=f"结对走访逾期：新增{count}位",
            body=f"您管理范围内有{count}位帮扶对象的走访新近逾期，请督促结对志愿者或服务队尽快走访。",
            url=overdue_url,
        )
    overdue = sum(r.kind == ReminderKind.OVERDUE for r in reminders)
    return RemindResult(upcoming=len(reminders) - overdue, overdue=overdue, notified=len(partners) + len(admin_overdue))
