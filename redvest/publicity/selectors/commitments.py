"""Commitments: the admin list, my commitments, follow-up history, progress from the records, the wall."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from redvest.accounts.policy import Action, scope
from redvest.core.errors import NotFound
from redvest.core.pagination import Page, paginate
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.publicity.errors import NotAVolunteer
from redvest.publicity.models import Commitment, CommitmentFollowUp, TargetKind
from redvest.publicity.selectors.names import public_names
from redvest.records.models import RecordKind, ServiceRecord, ServiceTotal
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass(frozen=True)
class Progress:
    kind: str
    target: int
    done: int  # credit minutes, or activities with credited time, in the commitment's year

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.target) if self.target else 0

    @property
    def reached(self) -> bool:
        return self.done >= self.target


def commitment_progress(commitments: Sequence[Commitment]) -> dict[int, Progress]:
    """Progress of measurable commitments from the service records of their year, for a whole page at
    once: credit minutes from the yearly totals (one query), activities from the credit entries (one
    query; an activity counts while its corrected net minutes are above zero)."""
    from django.db.models.functions import ExtractYear

    measured = [c for c in commitments if c.target_kind and c.target_value]
    by_minutes = [c for c in measured if c.target_kind == TargetKind.MINUTES]
    by_count = [c for c in measured if c.target_kind == TargetKind.ACTIVITIES]
    minutes: dict[tuple[int, int], int] = {}
    if by_minutes:
        totals = ServiceTotal.objects.filter(
            kind=RecordKind.CREDIT,
            volunteer_id__in={c.volunteer_id for c in by_minutes},
            year__in={c.year for c in by_minutes},
        ).values_list("volunteer_id", "year", "minutes")
        for v, y, m in totals:  # one row per org the time was credited to (a transfer splits the year)
            minutes[(v, y)] = minutes.get((v, y), 0) + m
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if by_count:
        years = {c.year for c in by_count}
        entries = (
            ServiceRecord.objects.filter(
                kind=RecordKind.CREDIT,
                activity__isnull=False,
                volunteer_id__in={c.volunteer_id for c in by_count},
                served_on__year__gte=min(years),
                served_on__year__lte=max(years),
            )
            .annotate(year=ExtractYear("served_on"))
            .values("volunteer_id", "year", "activity_id")
            .annotate(net=Sum("minutes"))
            .filter(net__gt=0)
            .values_list("volunteer_id", "year")
        )
        for volunteer_id, year in entries:
            counts[(volunteer_id, year)] += 1
    result: dict[int, Progress] = {}
    for c in measured:
        source = minutes if c.target_kind == TargetKind.MINUTES else counts
        result[c.pk] = Progress(
            kind=c.target_kind, target=c.target_value or 0, done=max(0, source.get((c.volunteer_id, c.year), 0))
        )
    return result


def commitment_list(
    *, user: User, year: int | None = None, setting: str = "", status: str = "", org: OrgNode | None = None, q: str = ""
) -> QuerySet[Commitment]:
    """Commitments the user may see (admins their subtree, leaders their members), newest first."""
    qs = scope(user, "commitment", Commitment.objects.all())
    if year:
        qs = qs.filter(year=year)
    if setting:
        qs = qs.filter(setting=setting)
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(in_subtree_q("volunteer__org__path", org.path))
    if q:
        qs = qs.filter(volunteer__name__icontains=q.strip())
    return qs.select_related("volunteer__org").order_by("-id")  # newest first: walks the primary key, stops at a page


def commitment_get(*, user: User, pk: int, action: Action = "view") -> Commitment:
    """One commitment the user may see (or change); raises NotFound."""
    found = scope(user, "commitment", Commitment.objects.select_related("volunteer__org"), action).filter(pk=pk).first()
    if found is None:
        raise NotFound("承诺不存在或您无权查看")
    return found


def follow_ups(*, commitment: Commitment) -> QuerySet[CommitmentFollowUp]:
    """Every review of the commitment, newest first (the history is never rewritten)."""
    return commitment.follow_ups.select_related("actor").order_by("-followed_on", "-id")


def my_volunteer(*, user: User) -> Volunteer:
    """The signed-in user's volunteer record; raises NotAVolunteer."""
    found = (
        Volunteer.objects.filter(user=user).exclude(status=VolunteerStatus.DEREGISTERED).select_related("org").first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotAVolunteer()
    return found


def my_commitments(*, volunteer: Volunteer) -> list[Commitment]:
    return list(Commitment.objects.filter(volunteer=volunteer).order_by("-year", "setting"))


@dataclass(frozen=True)
class WallRow:
    commitment: Commitment
    name: str
    progress: Progress | None


@dataclass(frozen=True)
class WallPage:
    org: OrgNode
    page: Page[WallRow]


def wall_org(*, org_id: int) -> OrgNode:
    org = OrgNode.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFound("组织不存在", field="org")
    return org


def wall(
    *, org: OrgNode, year: int | None = None, setting: str = "", page: int = 1, size: int | None = None
) -> WallPage:
    """The public wall of an org subtree: commitments of active volunteers, names masked unless the
    volunteer consented to public display; no login. A constant number of queries per page."""
    qs = Commitment.objects.filter(in_subtree_q("volunteer__org__path", org.path)).exclude(
        volunteer__status=VolunteerStatus.DEREGISTERED
    )
    if year:
        qs = qs.filter(year=year)
    if setting:
        qs = qs.filter(setting=setting)
    found = paginate(qs.select_related("volunteer__org").order_by("-id"), page=page, size=size)
    progress = commitment_progress(found.items)
    names = public_names(c.volunteer for c in found.items)
    rows = [WallRow(commitment=c, name=names[c.volunteer_id], progress=progress.get(c.pk)) for c in found.items]
    return WallPage(org=org, page=Page(items=rows, count=found.count, number=found.number, size=found.size))
