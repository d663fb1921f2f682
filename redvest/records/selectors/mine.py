"""The volunteer's own service: totals by year and category (from the total rows), star level, history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery, Sum

from redvest.activities.models import ServiceCategory
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths
from redvest.records.errors import NotAVolunteer
from redvest.records.models import (
    DEFAULT_STAR_THRESHOLDS_HOURS,
    DisputeStatus,
    RecordDispute,
    RecordKind,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
    StarLevelConfig,
)
from redvest.volunteers import hooks as volunteer_hooks
from redvest.volunteers.models import Volunteer, VolunteerStatus
from redvest.volunteers.selectors import volunteer_get

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer


def volunteer_of(*, user: User) -> Volunteer:
    """The signed-in user's volunteer record; raises NotAVolunteer."""

    volunteer = (
        Volunteer.objects.filter(user=user).exclude(status=VolunteerStatus.DEREGISTERED).select_related("org").first()
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
        by_year.setdefault(year, {RecordKind.CREDIT: 0, RecordKind.HONOUR: 0})[kind] += minutes  # one row per org
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


def my_service(*, user: User, kind: str = "", page: int = 1, size: int | None = None) -> MyServicePage:
    """The "my service" page: totals from ServiceTotal rows and one page of history; constant query count."""
    volunteer = volunteer_of(user=user)
    return MyServicePage(
        summary=service_summary(volunteer=volunteer),
        history=paginate(record_history(volunteer=volunteer, kind=kind).only(*HISTORY_FIELDS), page=page, size=size),
    )


def my_records(*, user: User, kind: str = "") -> QuerySet[ServiceRecord]:
    """The history for the API, which also shows the volunteer number and who recorded each entry."""
    return record_history(volunteer=volunteer_of(user=user), kind=kind).select_related("volunteer", "created_by")


def my_totals(*, user: User) -> ServiceSummary:
    return service_summary(volunteer=volunteer_of(user=user))


def record_history(*, volunteer: Volunteer, kind: str = "") -> QuerySet[ServiceRecord]:
    """Every entry of the volunteer, newest service first, with its activity and `reversal_pk`: the entry that
    reversed it, if any (a subquery on the sparse reverses index rather than a join to a second record)."""
    reversal = ServiceRecord.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
    qs = ServiceRecord.objects.filter(volunteer=volunteer).select_related("activity")
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
    return qs.annotate(reversal_pk=Subquery(reversal)).order_by("-served_on", "-id")


# What the history table shows: the page loads only these columns.
HISTORY_FIELDS = (
    "id",
    "volunteer_id",
    "kind",
    "source",
    "category",
    "minutes",
    "served_on",
    "reason",
    "reverses_id",
    "corrects_id",
    "activity__title",
)


@dataclass(frozen=True)
class OrgPeriod:
    """A volunteer's service time credited to one org node: 转入记录 when that node lies outside their
    current org (earned before a transfer; the sending org's credit, shown here, never counted here)."""

    org_name: str
    first_day: datetime.date
    last_day: datetime.date
    credit_minutes: int
    honour_minutes: int
    transferred: bool


@dataclass(frozen=True)
class TransferredRecords:
    volunteer: Volunteer
    transferred: list[OrgPeriod]
    here: list[OrgPeriod]
    credit_minutes: int
    honour_minutes: int
    # (text, url) lines from apps above: records brought from another system (the exchange's 转入记录).
    elsewhere: list[tuple[str, str]]


def transferred_records(*, user: User, volunteer_id: int) -> TransferredRecords:
    """A volunteer's time split by the org it was earned for: 转入记录 (other orgs, before a transfer) apart
    from the time earned in their current org's subtree; the person's total stays whole; links to records brought from another system. Three queries, plus the panels' own (the exchange: up to three)."""
    volunteer = volunteer_get(user=user, pk=volunteer_id)
    rows = (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .values("org_id", "org__name", "org__path")
        .annotate(
            first=Min("served_on"),
            last=Max("served_on"),
            credit=Sum("minutes", filter=Q(kind=RecordKind.CREDIT)),
            honour=Sum("minutes", filter=Q(kind=RecordKind.HONOUR)),
        )
        .order_by("first")
    )
    periods = [
        OrgPeriod(
            org_name=row["org__name"] or "（未记组织）",
            first_day=row["first"],
            last_day=row["last"],
            credit_minutes=int(row["credit"] or 0),
            honour_minutes=int(row["honour"] or 0),
            transferred=not (row["org__path"] or "").startswith(volunteer.org.path),
        )
        for row in rows
    ]
    return TransferredRecords(
        volunteer=volunteer,
        transferred=[p for p in periods if p.transferred],
        here=[p for p in periods if not p.transferred],
        credit_minutes=sum(p.credit_minutes for p in periods),
        honour_minutes=sum(p.honour_minutes for p in periods),
        elsewhere=[panel for panel in volunteer_hooks.detail_panels(volunteer) if panel is not None],
    )
