"""Reads over the ledger. Totals and rankings read ServiceTotal rows, never SUM over the entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from redvest.accounts.policy import home_orgs, scope
from redvest.activities.models import Activity, ActivityStatus, ServiceCategory
from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths
from redvest.records.errors import NotAVolunteer
from redvest.records.models import (
    DEFAULT_STAR_THRESHOLDS_HOURS,
    Anomaly,
    AnomalyStatus,
    Certificate,
    DisputeStatus,
    RecordDispute,
    RecordKind,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
    StarLevelConfig,
)
from redvest.records.services.grants import makeup_deadline
from redvest.records.services.ledger import may_change_record

if TYPE_CHECKING:
    from redvest.volunteers.models import Volunteer


# ---- the volunteer's own service -------------------------------------------------------------


def volunteer_of(*, user: Any) -> Volunteer:
    """The signed-in user's volunteer record; raises NotAVolunteer."""
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    volunteer = (
        Volunteer.objects.filter(user=user)
        .exclude(status=VolunteerStatus.DEREGISTERED)
        .select_related("org", "user")
        .first()
    )
    if volunteer is None:
        raise NotAVolunteer()
    return volunteer


def star_thresholds_for(*, org: OrgNode) -> tuple[int, ...]:
    """The nearest StarLevelConfig up the tree (one query), else 100/300/600/1000/1500 hours."""
    rows = dict(
        StarLevelConfig.objects.filter(org__path__in=ancestors_paths(org.path)).values_list(
            "org__path", "thresholds_hours"
        )
    )
    for path in reversed(ancestors_paths(org.path)):
        if path in rows:
            return tuple(int(v) for v in rows[path])
    return DEFAULT_STAR_THRESHOLDS_HOURS


@dataclass(frozen=True)
class StarLevel:
    stars: int
    thresholds_hours: tuple[int, ...]
    next_hours: int | None
    progress_percent: int

    @property
    def star_range(self) -> range:
        return range(1, len(self.thresholds_hours) + 1)


def star_level(*, credit_minutes: int, thresholds_hours: tuple[int, ...]) -> StarLevel:
    """Stars earned by lifetime credit minutes, and progress towards the next star (integer percent)."""
    stars = sum(1 for hours in thresholds_hours if credit_minutes >= hours * 60)
    if stars >= len(thresholds_hours):
        return StarLevel(stars=stars, thresholds_hours=thresholds_hours, next_hours=None, progress_percent=100)
    low = thresholds_hours[stars - 1] * 60 if stars else 0
    high = thresholds_hours[stars] * 60
    percent = max(0, min(100, (credit_minutes - low) * 100 // (high - low)))
    return StarLevel(
        stars=stars, thresholds_hours=thresholds_hours, next_hours=thresholds_hours[stars], progress_percent=percent
    )


@dataclass(frozen=True)
class YearTotals:
    year: int
    credit_minutes: int
    honour_minutes: int


@dataclass(frozen=True)
class CategoryTotals:
    year: int
    category: str
    label: str
    credit_minutes: int
    honour_minutes: int


@dataclass(frozen=True)
class ServiceSummary:
    volunteer: Volunteer
    credit_minutes: int
    honour_minutes: int
    years: list[YearTotals]
    categories: list[CategoryTotals]
    star: StarLevel
    open_disputes: int = 0


def service_summary(*, volunteer: Volunteer) -> ServiceSummary:
    """Credit and honour totals by year and by category, and the star level: four indexed queries."""
    by_year: dict[int, dict[str, int]] = {}
    for year, kind, minutes in ServiceTotal.objects.filter(volunteer=volunteer).values_list("year", "kind", "minutes"):
        by_year.setdefault(year, {RecordKind.CREDIT: 0, RecordKind.HONOUR: 0})[kind] = minutes
    by_category: dict[tuple[int, str], dict[str, int]] = {}
    category_rows = ServiceCategoryTotal.objects.filter(volunteer=volunteer).values_list(
        "year", "category", "kind", "minutes"
    )
    for year, category, kind, minutes in category_rows:
        by_category.setdefault((year, category), {RecordKind.CREDIT: 0, RecordKind.HONOUR: 0})[kind] = minutes
    labels = dict(ServiceCategory.choices)
    years = [
        YearTotals(year=y, credit_minutes=v[RecordKind.CREDIT], honour_minutes=v[RecordKind.HONOUR])
        for y, v in sorted(by_year.items(), reverse=True)
    ]
    categories = [
        CategoryTotals(
            year=y,
            category=c,
            label=labels.get(c, c),
            credit_minutes=v[RecordKind.CREDIT],
            honour_minutes=v[RecordKind.HONOUR],
        )
        for (y, c), v in sorted(by_category.items(), key=lambda item: (-item[0][0], -item[1][RecordKind.CREDIT]))
        if v[RecordKind.CREDIT] or v[RecordKind.HONOUR]
    ]
    credit = sum(y.credit_minutes for y in years)
    honour = sum(y.honour_minutes for y in years)
    star = star_level(credit_minutes=credit, thresholds_hours=star_thresholds_for(org=volunteer.org))
    open_disputes = RecordDispute.objects.filter(volunteer=volunteer, status=DisputeStatus.OPEN).count()
    return ServiceSummary(
        volunteer=volunteer,
        credit_minutes=credit,
        honour_minutes=honour,
        years=years,
        categories=categories,
        star=star,
        open_disputes=open_disputes,
    )


@dataclass(frozen=True)
class MyServicePage:
    summary: ServiceSummary
    history: Page[ServiceRecord]


def my_service(*, user: Any, kind: str = "", page: int = 1, size: int | None = None) -> MyServicePage:
    """The "my service" page: totals from ServiceTotal rows and one page of history; constant query count."""
    volunteer = volunteer_of(user=user)
    return MyServicePage(
        summary=service_summary(volunteer=volunteer),
        history=paginate(record_history(volunteer=volunteer, kind=kind), page=page, size=size),
    )


def my_records(*, user: Any, kind: str = "") -> QuerySet[ServiceRecord]:
    return record_history(volunteer=volunteer_of(user=user), kind=kind)


def my_totals(*, user: Any) -> ServiceSummary:
    return service_summary(volunteer=volunteer_of(user=user))


def record_history(*, volunteer: Volunteer, kind: str = "") -> QuerySet[ServiceRecord]:
    """Every entry of the volunteer, newest service first, with what it reverses/corrects and what reversed it."""
    qs = ServiceRecord.objects.filter(volunteer=volunteer).select_related(
        "volunteer", "activity", "reverses", "corrects", "reversed_by", "created_by"
    )
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-served_on", "-id")


# ---- records a leader or admin works on ------------------------------------------------------


def changeable_records(*, user: Any) -> QuerySet[ServiceRecord]:
    """Records the user may correct: the record policy, or the activity policy for their activity."""
    by_record = scope(user, "record", ServiceRecord.objects.all(), "change").values("pk")
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return ServiceRecord.objects.filter(Q(pk__in=by_record) | Q(activity__in=by_activity))


def visible_records(*, user: Any) -> QuerySet[ServiceRecord]:
    """Records the user may see: their own and everything they may change."""
    by_record = scope(user, "record", ServiceRecord.objects.all(), "view").values("pk")
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return ServiceRecord.objects.filter(Q(pk__in=by_record) | Q(activity__in=by_activity))


def record_list(
    *, user: Any, activity_id: int | None = None, volunteer_number: str = "", kind: str = ""
) -> QuerySet[ServiceRecord]:
    qs = changeable_records(user=user).select_related("volunteer__org", "activity", "reversed_by", "created_by")
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    if volunteer_number:
        qs = qs.filter(volunteer__number=volunteer_number.strip())
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
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


def record_detail(*, user: Any, pk: int) -> RecordDetail:
    """One record with the entries that reverse or correct it and its disputes; raises NotFound."""
    record = (
        visible_records(user=user)
        .select_related("volunteer__org", "activity", "reverses", "corrects", "reversed_by", "created_by")
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


def dispute_list(*, user: Any, status: str = "") -> QuerySet[RecordDispute]:
    """Disputes the user reviews, and their own."""
    reviewable = changeable_records(user=user).values("pk")
    qs = RecordDispute.objects.filter(Q(record__in=reviewable) | Q(volunteer__user=user)).select_related(
        "record__activity", "volunteer__org", "reviewed_by"
    )
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def dispute_for_review(*, user: Any, pk: int) -> RecordDispute:
    dispute = dispute_list(user=user).filter(pk=pk).first()
    if dispute is None:
        raise NotFound()
    return dispute


def anomaly_queue(*, user: Any, status: str = AnomalyStatus.OPEN, kind: str = "") -> QuerySet[Anomaly]:
    """Anomalies on records the user may change (record policy) or activities they may change (activity policy)."""
    by_record = scope(user, "record", Anomaly.objects.all(), "change").values("pk")
    by_activity = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    qs = Anomaly.objects.filter(Q(pk__in=by_record) | Q(activity__in=by_activity)).select_related(
        "volunteer__org", "activity", "record", "attendance", "reviewed_by"
    )
    if status in AnomalyStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def anomaly_for_review(*, user: Any, pk: int) -> Anomaly:
    anomaly = anomaly_queue(user=user, status="").filter(pk=pk).first()
    if anomaly is None:
        raise NotFound()
    return anomaly


def makeup_activities(*, user: Any, now: datetime.datetime | None = None) -> list[Activity]:
    """Activities the user runs that ended and are still inside the 10-working-day make-up window."""
    now = now or timezone.now()
    # 10 working days never span more than 30 calendar days (the longest holiday is 9 days).
    qs = (
        scope(user, "activity", Activity.objects.all(), "change")
        .exclude(status=ActivityStatus.CANCELLED)
        .filter(end_at__lte=now, end_at__gte=now - datetime.timedelta(days=30))
        .order_by("-end_at")
    )
    today = timezone.localdate(now)
    return [a for a in qs[:200] if makeup_deadline(a) >= today]


# ---- rankings ----------------------------------------------------------------------------------


def ranking_orgs(*, user: Any) -> QuerySet[OrgNode]:
    """Nodes the user can rank: those they administer, else their own node."""
    ids = home_orgs(user)
    if ids:
        return OrgNode.objects.filter(pk__in=ids).order_by("path")
    from redvest.accounts.policy import grants_for

    return OrgNode.objects.filter(pk__in=[g.org_id for g in grants_for(user) if g.org_id]).order_by("path")


def ranking(*, user: Any, org: OrgNode, year: int) -> QuerySet[ServiceTotal]:
    """Volunteers of the subtree the user may see, by credit minutes in the year (ServiceTotal rows only)."""
    from redvest.volunteers.models import Volunteer, VolunteerStatus

    visible = scope(
        user,
        "volunteer",
        Volunteer.objects.filter(org__path__startswith=org.path).exclude(status=VolunteerStatus.DEREGISTERED),
    ).values("pk")
    return (
        ServiceTotal.objects.filter(year=year, kind=RecordKind.CREDIT, minutes__gt=0, volunteer__in=visible)
        .select_related("volunteer__org")
        .order_by("-minutes", "volunteer_id")
    )


def honour_minutes_for(*, volunteer_ids: list[int], year: int) -> dict[int, int]:
    """Honour minutes in the year for a page of volunteers: one query."""
    return dict(
        ServiceTotal.objects.filter(volunteer_id__in=volunteer_ids, year=year, kind=RecordKind.HONOUR).values_list(
            "volunteer_id", "minutes"
        )
    )


# ---- certificates ------------------------------------------------------------------------------


def certificate_list(*, user: Any) -> QuerySet[Certificate]:
    return scope(user, "certificate", Certificate.objects.select_related("volunteer", "issuing_org")).order_by(
        "-issued_at", "-id"
    )


def certificate_for(*, user: Any, pk: int) -> Certificate:
    certificate = certificate_list(user=user).select_related("volunteer__org").filter(pk=pk).first()
    if certificate is None:
        raise NotFound()
    return certificate


def certificate_by_token(*, token: str) -> Certificate:
    """For the public verification page: no login, found only by its unguessable token."""
    certificate = Certificate.objects.select_related("volunteer", "issuing_org").filter(verify_token=token).first()
    if certificate is None:
        raise NotFound("未找到该证明，请核对二维码或链接")
    return certificate


def period_minutes(*, volunteer: Volunteer, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Credit and honour minutes served in [start, end]: one indexed aggregate over the volunteer's entries."""
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer, served_on__range=(start, end))
        .values("kind")
        .annotate(total=Sum("minutes"))
        .values_list("kind", "total")
    )
    totals = {RecordKind.CREDIT.value: 0, RecordKind.HONOUR.value: 0}
    totals.update({kind: int(total or 0) for kind, total in rows})
    return totals


def period_activities(*, volunteer: Volunteer, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Activities with net credit minutes in [start, end], oldest first (reversals net out)."""
    rows = (
        ServiceRecord.objects.filter(
            volunteer=volunteer, kind=RecordKind.CREDIT, served_on__range=(start, end), activity__isnull=False
        )
        .values("activity_id", "activity__title", "activity__start_at", "activity__org__name", "activity__category")
        .annotate(total=Sum("minutes"))
        .filter(total__gt=0)
        .order_by("activity__start_at", "activity_id")
    )
    labels = dict(ServiceCategory.choices)
    return [
        {
            "title": row["activity__title"],
            "date": timezone.localtime(row["activity__start_at"]).date().isoformat(),
            "org": row["activity__org__name"],
            "category": labels.get(row["activity__category"], row["activity__category"]),
            "minutes": int(row["total"]),
        }
        for row in rows
    ]


def volunteer_by_number(*, number: str) -> Volunteer:
    """Exact lookup by volunteer number for forms that act on one person; the service then asks the policy."""
    from redvest.volunteers.models import Volunteer

    volunteer = Volunteer.objects.select_related("org", "user").filter(number=(number or "").strip()).first()
    if volunteer is None:
        raise NotFound("未找到该志愿者编号", field="volunteer_number")
    return volunteer


@dataclass(frozen=True)
class StarLevelRow:
    org: OrgNode
    thresholds_hours: tuple[int, ...]
    own: bool


def star_level_rows(*, user: Any) -> list[StarLevelRow]:
    """The nodes the user administers, each with its thresholds and whether they are set there or inherited."""
    orgs = list(OrgNode.objects.filter(pk__in=home_orgs(user)).order_by("path"))
    paths = {p for org in orgs for p in ancestors_paths(org.path)}
    configs = dict(StarLevelConfig.objects.filter(org__path__in=paths).values_list("org__path", "thresholds_hours"))
    rows = []
    for org in orgs:
        found = next((configs[p] for p in reversed(ancestors_paths(org.path)) if p in configs), None)
        thresholds = tuple(int(v) for v in found) if found else DEFAULT_STAR_THRESHOLDS_HOURS
        rows.append(StarLevelRow(org=org, thresholds_hours=thresholds, own=org.path in configs))
    return rows


def activity_get(*, user: Any, pk: int) -> Activity:
    """An activity the user may see (the service then asks whether they may act on it)."""
    activity = scope(user, "activity", Activity.objects.select_related("org"), "view").filter(pk=pk).first()
    if activity is None:
        raise NotFound("活动不存在或您无权查看", field="activity")
    return activity


@dataclass(frozen=True)
class RankingRow:
    rank: int
    volunteer: Volunteer
    credit_minutes: int
    honour_minutes: int


@dataclass(frozen=True)
class RankingPage:
    orgs: list[OrgNode]
    org: OrgNode | None
    year: int
    page: Page[ServiceTotal]
    rows: list[RankingRow]


def ranking_page(
    *, user: Any, org_id: int | None, year: int | None, page: int = 1, size: int | None = None
) -> RankingPage:
    """One page of the credit-hours ranking with honour hours alongside: four queries whatever the page size."""
    year = year or timezone.localdate().year
    orgs = list(ranking_orgs(user=user))
    org = next((o for o in orgs if o.pk == org_id), orgs[0] if orgs else None)
    if org is None:
        return RankingPage(orgs=[], org=None, year=year, page=paginate(ServiceTotal.objects.none()), rows=[])
    result = paginate(ranking(user=user, org=org, year=year), page=page, size=size)
    honour = honour_minutes_for(volunteer_ids=[t.volunteer_id for t in result.items], year=year)
    start = (result.number - 1) * result.size
    rows = [
        RankingRow(
            rank=start + i + 1,
            volunteer=t.volunteer,
            credit_minutes=t.minutes,
            honour_minutes=honour.get(t.volunteer_id, 0),
        )
        for i, t in enumerate(result.items)
    ]
    return RankingPage(orgs=orgs, org=org, year=year, page=result, rows=rows)


@dataclass(frozen=True)
class CertificateVerification:
    """What the public verification page may show: no ID number, phone or full name."""

    number: str
    masked_name: str
    period_start: datetime.date
    period_end: datetime.date
    credit_minutes: int
    honour_minutes: int
    activity_count: int
    issuing_org: str
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def certificate_verification(*, token: str) -> CertificateVerification:
    from redvest.core.crypto import mask_name

    c = certificate_by_token(token=token)
    return CertificateVerification(
        number=c.number,
        masked_name=mask_name(c.volunteer.name),
        period_start=c.period_start,
        period_end=c.period_end,
        credit_minutes=c.credit_minutes,
        honour_minutes=c.honour_minutes,
        activity_count=len(c.activities_snapshot or []),
        issuing_org=c.issuing_org.name,
        issued_at=c.issued_at,
        revoked_at=c.revoked_at,
    )


# ---- consistency of the running totals ---------------------------------------------------------


@dataclass(frozen=True)
class TotalDifference:
    volunteer_id: int
    year: int
    kind: str
    category: str  # "" for the per-kind total
    stored: int
    recomputed: int


def _compare(stored: dict[tuple[Any, ...], int], recomputed: dict[tuple[Any, ...], int]) -> list[tuple[Any, ...]]:
    return [
        (*key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(set(stored) | set(recomputed))
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]


def total_differences() -> list[TotalDifference]:
    """Recompute every (volunteer, year, kind) and (…, category) total from the entries; list what differs."""
    from django.db.models.functions import ExtractYear

    entries = ServiceRecord.objects.annotate(year=ExtractYear("served_on"))
    by_kind = {
        (v, y, k): int(total)
        for v, y, k, total in entries.values("volunteer_id", "year", "kind")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "year", "kind", "total")
        .order_by()
    }
    by_category = {
        (v, y, k, c): int(total)
        for v, y, k, c, total in entries.values("volunteer_id", "year", "kind", "category")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "year", "kind", "category", "total")
        .order_by()
    }
    stored_kind = {
        (v, y, k): m for v, y, k, m in ServiceTotal.objects.values_list("volunteer_id", "year", "kind", "minutes")
    }
    stored_category = {
        (v, y, k, c): m
        for v, y, k, c, m in ServiceCategoryTotal.objects.values_list(
            "volunteer_id", "year", "kind", "category", "minutes"
        )
    }
    out = [
        TotalDifference(volunteer_id=v, year=y, kind=k, category="", stored=s, recomputed=r)
        for v, y, k, s, r in _compare(stored_kind, by_kind)
    ]
    out += [
        TotalDifference(volunteer_id=v, year=y, kind=k, category=c, stored=s, recomputed=r)
        for v, y, k, c, s, r in _compare(stored_category, by_category)
    ]
    return out
