"""What leaders and org admins work on: records they may correct, disputes, the anomaly queue, make-ups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from redvest.accounts.policy import can, scope
from redvest.activities.models import Activity, ActivityKind, ActivityStatus
from redvest.core.errors import NotFound
from redvest.records.access import may_change_record
from redvest.records.errors import WorkCalendarMissing
from redvest.records.models import (
    Anomaly,
    AnomalyStatus,
    CorrectionProposal,
    DisputeStatus,
    ProposalStatus,
    RecordDispute,
    RecordKind,
    ServiceRecord,
)
from redvest.records.services.grants import MAKEUP_WORKING_DAYS, makeup_deadline
from redvest.records.workdays import WorkCalendar, horizon, work_calendar
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer


def _reversal_of_row() -> QuerySet[ServiceRecord, Any]:
    """The id of the entry reversing the outer row (for `.annotate(reversal_pk=Subquery(...))`)."""
    return ServiceRecord.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]


def changeable_records(*, user: User) -> QuerySet[ServiceRecord]:
    """Records the user may correct: the record policy, or the activity policy for their activity."""
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    # One query with the two policies' conditions OR-ed, not "pk IN (all the records in scope)".
    return scope(user, "record", ServiceRecord.objects.all(), "change") | ServiceRecord.objects.filter(
        activity__in=by_activity
    )


def visible_records(*, user: User) -> QuerySet[ServiceRecord]:
    """Records the user may see: their own and everything they may change."""
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return scope(user, "record", ServiceRecord.objects.all(), "view") | ServiceRecord.objects.filter(
        activity__in=by_activity
    )


RECENT_DAYS = 30


def record_list(
    *,
    user: User,
    activity_id: int | None = None,
    volunteer_number: str = "",
    kind: str = "",
    since: datetime.date | None = None,
) -> QuerySet[ServiceRecord]:
    """Records the user may correct, newest first. Without an activity or a volunteer to narrow it, only the
    last 30 days unless `since` says otherwise: a county's ledger holds millions of entries."""
    if since is None and not activity_id and not volunteer_number:
        since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS)
    qs = (
        changeable_records(user=user)
        .select_related("volunteer__org", "activity", "created_by")
        .annotate(reversal_pk=Subquery(_reversal_of_row()))
    )
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    if volunteer_number:
        qs = qs.filter(volunteer__number=volunteer_number.strip())
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
    if since is not None:
        qs = qs.filter(served_on__gte=since)
    return qs.order_by("-served_on", "-id")


@dataclass(frozen=True)
class RecordDetail:
    record: ServiceRecord
    chain: list[ServiceRecord]
    disputes: list[RecordDispute]
    is_own: bool
    may_correct: bool

    @property
    def is_current(self) -> bool:
        """Neither a reversal nor reversed: the entry that can be disputed or corrected."""
        return self.record.reverses_id is None and not any(r.reverses_id == self.record.pk for r in self.chain)


def record_detail(*, user: User, pk: int) -> RecordDetail:
    """One record with the entries that reverse or correct it and its disputes; raises NotFound."""
    record = (
        visible_records(user=user)
        .select_related("volunteer__org", "activity", "reverses", "corrects", "created_by")
        .annotate(reversal_pk=Subquery(_reversal_of_row()))
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise NotFound()
    chain = list(
        ServiceRecord.objects.filter(Q(reverses=record) | Q(corrects=record))
        .select_related("created_by")
        .order_by("id")
    )
    disputes = list(record.disputes.select_related("reviewed_by").order_by("-created_at"))
    return RecordDetail(
        record=record,
        chain=chain,
        disputes=disputes,
        is_own=record.volunteer.user_id is not None and record.volunteer.user_id == user.pk,
        may_correct=may_change_record(user, record),
    )


def dispute_list(*, user: User, status: str = "") -> QuerySet[RecordDispute]:
    """Disputes the user reviews, and their own."""
    reviewable = changeable_records(user=user).values("pk")
    qs = RecordDispute.objects.filter(Q(record__in=reviewable) | Q(volunteer__user=user)).select_related(
        "record__activity", "volunteer__org", "reviewed_by"
    )
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def dispute_for_review(*, user: User, pk: int) -> RecordDispute:
    dispute = dispute_list(user=user).filter(pk=pk).first()
    if dispute is None:
        raise NotFound()
    return dispute


def anomaly_queue(*, user: User, status: str = AnomalyStatus.OPEN, kind: str = "") -> QuerySet[Anomaly]:
    """Anomalies on records the user may change (record policy) or activities they may change (activity policy)."""
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    # Anomaly has the record policy's fields (volunteer, activity), so the policy narrows it directly.
    qs = (
        scope(user, "record", Anomaly.objects.all(), "change") | Anomaly.objects.filter(activity__in=by_activity)
    ).select_related("volunteer__org", "activity", "record", "attendance", "reviewed_by")
    if status in AnomalyStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def anomaly_for_review(*, user: User, pk: int) -> Anomaly:
    anomaly = anomaly_queue(user=user, status="").filter(pk=pk).first()
    if anomaly is None:
        raise NotFound()
    return anomaly


def makeup_activities(*, user: User, now: datetime.datetime | None = None) -> list[Activity]:
    """Activities the user runs that ended and are still inside the 10-working-day make-up window."""
    now = now or timezone.now()
    # 10 working days never span more than 30 calendar days (the longest holiday is 9 days).
    qs = (
        scope(user, "activity", Activity.objects.filter(kind=ActivityKind.PLANNED), "change")
        .exclude(status=ActivityStatus.CANCELLED)
        .filter(end_at__lte=now, end_at__gte=now - datetime.timedelta(days=30))
        .order_by("-end_at")
    )
    today = timezone.localdate(now)
    activities = list(qs[:200])
    if not activities:
        return []
    ended = [timezone.localtime(a.end_at).date() for a in activities]
    calendar = work_calendar(min(ended), max(ended) + horizon(MAKEUP_WORKING_DAYS))
    return [a for a in activities if _makeup_open(a, calendar, today)]


def _makeup_open(activity: Activity, calendar: WorkCalendar, today: datetime.date) -> bool:
    """Still inside the window; an activity whose deadline falls in a year without its holiday arrangement
    stays listed, so that choosing it shows why the make-up cannot be recorded yet."""
    try:
        return makeup_deadline(activity, calendar=calendar) >= today
    except WorkCalendarMissing:
        return True


def volunteer_by_number(*, number: str) -> Volunteer:
    """Exact lookup by volunteer number for forms that act on one person; the service then asks the policy."""

    volunteer = Volunteer.objects.select_related("org", "user").filter(number=(number or "").strip()).first()
    if volunteer is None:
        raise NotFound("未找到该志愿者编号", field="volunteer_number")
    return volunteer


def activity_get(*, user: User, pk: int) -> Activity:
    """An activity the user may see (the service then asks whether they may act on it)."""
    activity = scope(user, "activity", Activity.objects.select_related("org"), "view").filter(pk=pk).first()
    if activity is None:
        raise NotFound("活动不存在或您无权查看", field="activity")
    return activity


def record_evidence(*, user: User, pk: int) -> ServiceRecord:
    """A record whose evidence file the user may download (they may see the record); raises NotFound."""
    record = visible_records(user=user).filter(pk=pk).exclude(evidence="").first()
    if record is None:
        raise NotFound("没有可查看的佐证材料")
    return record


def proposal_list(*, user: User, status: str = ProposalStatus.PENDING) -> QuerySet[CorrectionProposal]:
    """Correction proposals the user decides or oversees (the policy) and the ones they filed, newest first."""
    visible = scope(user, "correction_proposal", CorrectionProposal.objects.all(), "view")
    qs = (visible | CorrectionProposal.objects.filter(proposed_by=user)).select_related(
        "record__activity", "volunteer__org", "anchor_org", "proposed_by", "decided_by"
    )
    if status in ProposalStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def proposal_pending_count(*, user: User) -> int:
    """Pending correction proposals the user may decide (the workbench's 待办)."""
    decidable = scope(user, "correction_proposal", CorrectionProposal.objects.all(), "change")
    return decidable.filter(status=ProposalStatus.PENDING).exclude(proposed_by=user).count()


@dataclass(frozen=True)
class ProposalDetail:
    proposal: CorrectionProposal
    may_decide: bool


def proposal_detail(*, user: User, pk: int) -> ProposalDetail:
    """One proposal the user may see, and whether they may approve or reject it; raises NotFound."""
    proposal = proposal_list(user=user, status="").filter(pk=pk).first()
    if proposal is None:
        raise NotFound("更正申请不存在或您无权查看")
    may_decide = (
        proposal.status == ProposalStatus.PENDING
        and proposal.proposed_by_id != user.pk
        and proposal.volunteer.user_id != user.pk
        and can(user, "change", proposal)
    )
    return ProposalDetail(proposal=proposal, may_decide=may_decide)


def proposal_evidence(*, user: User, pk: int) -> CorrectionProposal:
    """A proposal whose evidence file the user may download; raises NotFound."""
    proposal = proposal_list(user=user, status="").filter(pk=pk).exclude(evidence="").first()
    if proposal is None:
        raise NotFound("没有可查看的佐证材料")
    return proposal
