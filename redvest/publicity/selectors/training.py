"""Training: sessions (a public directory for volunteers), the roster with current marks, my training,
and training minutes per volunteer and period (bulk, from the current attended marks)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from redvest.accounts.policy import Action, can_administer, scope
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.publicity.models import AttendanceMark, Enrolment, TrainingSession
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User


def session_list(
    *, user: User, org: OrgNode | None = None, category: str = "", upcoming: bool = False
) -> QuerySet[TrainingSession]:
    """Sessions the user may see, newest first, with the number enrolled."""
    qs = scope(user, "training_session", TrainingSession.objects.all())
    if org is not None:
        qs = qs.filter(in_subtree_q("org__path", org.path))
    if category:
        qs = qs.filter(category=category)
    if upcoming:
        qs = qs.filter(ends_at__gt=timezone.now())
    return qs.select_related("org").annotate(enrolled=Count("enrolments")).order_by("-starts_at", "-id")


def session_get(*, user: User, pk: int, action: Action = "view") -> TrainingSession:
    found = (
        scope(user, "training_session", TrainingSession.objects.select_related("org"), action)
        .annotate(enrolled=Count("enrolments"))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("培训不存在或您无权查看")
    return found


@dataclass(frozen=True)
class RosterRow:
    enrolment: Enrolment
    current: AttendanceMark | None
    history: list[AttendanceMark]  # every mark, oldest first (corrections included)

    @property
    def attended(self) -> bool | None:
        return None if self.current is None else self.current.attended


def session_roster(*, session: TrainingSession) -> list[RosterRow]:
    """Everyone enrolled with their current mark and its history (two queries)."""
    enrolments = (
        session.enrolments.select_related("volunteer__org")
        .prefetch_related(Prefetch("marks", queryset=AttendanceMark.objects.select_related("marked_by").order_by("id")))
        .order_by("id")
    )
    rows = []
    for e in enrolments:
        marks = list(e.marks.all())
        corrected = {m.corrects_id for m in marks if m.corrects_id}
        current = next((m for m in reversed(marks) if m.pk not in corrected), None)
        rows.append(RosterRow(enrolment=e, current=current, history=marks))
    return rows


def is_enrolled(*, session: TrainingSession, volunteer: Volunteer | None) -> bool:
    return volunteer is not None and Enrolment.objects.filter(session=session, volunteer=volunteer).exists()


def _period_q(start: datetime.date | None, end: datetime.date | None, prefix: str = "session__") -> Q:
    q = Q()
    tz = timezone.get_current_timezone()
    if start is not None:
        q &= Q(**{f"{prefix}starts_at__gte": datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)})
    if end is not None:
        after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        q &= Q(**{f"{prefix}starts_at__lt": after})
    return q


def _attended() -> QuerySet[AttendanceMark]:
    """The marks that stand now (nobody corrected them) and say attended."""
    return AttendanceMark.objects.filter(attended=True, corrected_by__isnull=True)


def training_minutes(
    *, volunteer_ids: Iterable[int], start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[int, int]:
    """Training minutes per volunteer over sessions starting within [start, end] (Shanghai dates): one query."""
    rows = (
        _attended()
        .filter(_period_q(start, end), volunteer_id__in=list(volunteer_ids))
        .values("volunteer_id")
        .annotate(minutes=Sum("session__minutes"))
        .values_list("volunteer_id", "minutes")
    )
    return {v: int(m or 0) for v, m in rows}


@dataclass(frozen=True)
class MyTraining:
    volunteer: Volunteer
    rows: list[RosterRow]
    sessions: list[TrainingSession]
    minutes: int
    year_minutes: int


def my_training(*, volunteer: Volunteer, year: int | None = None) -> MyTraining:
    """The volunteer's enrolments with their own current marks, and their training minutes (all time and
    this year)."""
    year = year or timezone.localdate().year
    enrolments = (
        Enrolment.objects.filter(volunteer=volunteer)
        .select_related("session__org")
        .prefetch_related(Prefetch("marks", queryset=AttendanceMark.objects.order_by("id")))
        .order_by("-session__starts_at")[:200]
    )
    rows = []
    for e in enrolments:
        marks = list(e.marks.all())
        corrected = {m.corrects_id for m in marks if m.corrects_id}
        current = next((m for m in reversed(marks) if m.pk not in corrected), None)
        rows.append(RosterRow(enrolment=e, current=current, history=marks))
    total = training_minutes(volunteer_ids=[volunteer.pk]).get(volunteer.pk, 0)
    this_year = training_minutes(
        volunteer_ids=[volunteer.pk], start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
    ).get(volunteer.pk, 0)
    return MyTraining(
        volunteer=volunteer,
        rows=rows,
        sessions=[r.enrolment.session for r in rows],
        minutes=total,
        year_minutes=this_year,
    )


@dataclass(frozen=True)
class HoursRow:
    volunteer_id: int
    name: str
    number: str
    org_name: str
    sessions: int
    minutes: int


def _hours_qs(*, org: OrgNode, start: datetime.date | None, end: datetime.date | None) -> Any:
    return (
        _attended()
        .filter(in_subtree_q("volunteer__org__path", org.path), _period_q(start, end))
        .values("volunteer_id")
        .annotate(minutes=Sum("session__minutes"), sessions=Count("id"))
        .order_by("-minutes", "volunteer_id")
    )


def _rows(values: list[dict[str, Any]]) -> list[HoursRow]:
    people = {
        v.pk: v
        for v in Volunteer.objects.filter(pk__in=[r["volunteer_id"] for r in values])
        .select_related("org")
        .only("id", "name", "number", "org__name")
    }
    return [
        HoursRow(
            volunteer_id=r["volunteer_id"],
            name=people[r["volunteer_id"]].name,
            number=people[r["volunteer_id"]].number,
            org_name=people[r["volunteer_id"]].org.name,
            sessions=int(r["sessions"]),
            minutes=int(r["minutes"] or 0),
        )
        for r in values
    ]


def _require_admin(user: User, org: OrgNode) -> None:
    if not can_administer(user, org):
        raise PermissionDenied("只有本组织的管理员可以查看培训时长统计")


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationFailed({"end": "结束日期不能早于开始日期"})


def training_hours_report(
    *,
    user: User,
    org: OrgNode,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    page: int = 1,
    size: int | None = None,
) -> Page[HoursRow]:
    """Training minutes per volunteer of a subtree in a period, most first (admins over the node)."""
    _require_admin(user, org)
    _check_period(start, end)
    found = paginate(_hours_qs(org=org, start=start, end=end), page=page, size=size)
    return Page(items=_rows(list(found.items)), count=found.count, number=found.number, size=found.size)


def training_hours_count(
    *, user: User, org: OrgNode, start: datetime.date | None = None, end: datetime.date | None = None
) -> int:
    """How many volunteers the report lists (the export's total). Raises PermissionDenied, ValidationFailed."""
    _require_admin(user, org)
    _check_period(start, end)
    return int(_hours_qs(org=org, start=start, end=end).count())


def training_hours_all(
    *, user: User, org: OrgNode, start: datetime.date | None = None, end: datetime.date | None = None
) -> Iterable[HoursRow]:
    """Every row of the report, in chunks of 2,000 (for the Excel export)."""
    _require_admin(user, org)
    _check_period(start, end)
    qs = _hours_qs(org=org, start=start, end=end)
    offset = 0
    while True:
        chunk = list(qs[offset : offset + 2000])
        if not chunk:
            return
        yield from _rows(chunk)
        offset += len(chunk)
