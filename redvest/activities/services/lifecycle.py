"""The clock on activities: 招募中 → 进行中 at the start, → 已结束 at the end.

A periodic job stores the statuses (`advance_activities`, the `activities_advance_task`); the selectors
and the sign-up and check-in rules read the clock themselves, so nothing waits on the job.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from redvest.activities.models import LIVE_STATUSES, Activity, ActivityStatus
from redvest.audit.models import AuditAction
from redvest.audit.services import AuditItem, audit_record_many

BATCH = 500


@dataclass(frozen=True)
class AdvanceResult:
    started: int
    ended: int


def _advance(*, due: Q, to: ActivityStatus, reason: str) -> int:
    """Move the rows matching `due` to `to`, a batch per transaction: lock, one UPDATE, one audit row each
    (written in bulk through the audit app's `audit_record_many`).

    Rows an organiser is editing right now are skipped (they are recomputed by that edit, or the next run).
    """
    moved = 0
    label = Activity._meta.label_lower
    while True:
        with transaction.atomic():
            rows = list(
                Activity.objects.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("pk")
                .values_list("pk", "status", "org_id", "title")[:BATCH]
            )
            if not rows:
                return moved
            Activity.objects.filter(pk__in=[pk for pk, *_ in rows]).update(status=to)
            audit_record_many(
                actor=None,
                action=AuditAction.UPDATE,
                items=(
                    AuditItem(label, pk, title, org_id, before={"status": status}, after={"status": str(to)})
                    for pk, status, org_id, title in rows
                ),
                reason=reason,
            )
        moved += len(rows)
        if len(rows) < BATCH:
            return moved


def activities_advance(*, at: datetime.datetime) -> AdvanceResult:
    """Store the status every held activity has at `at` (over first, then under way); safe to repeat:
    a row already in its status is not touched and gets no second audit row. Drafts and cancelled stay."""
    ended = _advance(
        due=Q(status__in=LIVE_STATUSES, end_at__lte=at), to=ActivityStatus.ENDED, reason="活动已结束，系统自动更新状态"
    )
    started = _advance(
        due=Q(status=ActivityStatus.PUBLISHED, start_at__lte=at, end_at__gt=at),
        to=ActivityStatus.IN_PROGRESS,
        reason="活动已开始，系统自动更新状态",
    )
    return AdvanceResult(started=started, ended=ended)
