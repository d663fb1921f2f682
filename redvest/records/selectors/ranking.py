"""Hours rankings per subtree and year, and star-level settings per org node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from redvest.accounts.policy import can_administer, grants_for, home_orgs, scope
from redvest.core.pagination import Page, paginate, paginate_keyset
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, subtree_ids
from redvest.records.models import (
    DEFAULT_STAR_THRESHOLDS_HOURS,
    RecordKind,
    ServiceTotal,
    StarLevelConfig,
)
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

RANKING_ORDER = (
    "-minutes",
    "volunteer_id",
    "org_id",
)  # ties by volunteer, then org: a total order, so the ranking pages by key


def ranking_orgs(*, user: User) -> QuerySet[OrgNode]:
    """Nodes the user can rank: those they administer, else their own node."""
    ids = home_orgs(user)
    if ids:
        return OrgNode.objects.filter(pk__in=ids).order_by("path")

    return OrgNode.objects.filter(pk__in=[g.org_id for g in grants_for(user) if g.org_id]).order_by("path")


def ranking(*, user: User, org: OrgNode, year: int) -> QuerySet[ServiceTotal]:
    """Volunteers of the subtree the user may see, by credit minutes earned there in the year (time earned
    before a transfer into the subtree stays with the sending org). Reads only ServiceTotal, through its
    covering index (year, kind, -minutes, volunteer, org): no join to the volunteers. A person transferred
    between two nodes of the subtree within the year has a row for each."""

    qs = ServiceTotal.objects.filter(year=year, kind=RecordKind.CREDIT, minutes__gt=0, org__in=subtree_ids(org))
    if not can_administer(user, org):  # an admin of the node sees its whole subtree; others whom the policy lets
        qs = qs.filter(volunteer__in=scope(user, "volunteer", Volunteer.objects.all()).values("pk"))
    return qs.only("volunteer_id", "org_id", "minutes").order_by(*RANKING_ORDER)


def honour_minutes_for(*, volunteer_ids: list[int], year: int, org: OrgNode | None = None) -> dict[int, int]:
    """Honour minutes in the year for a page of volunteers (earned in `org`'s subtree when given): one query."""
    qs = ServiceTotal.objects.filter(volunteer_id__in=volunteer_ids, year=year, kind=RecordKind.HONOUR)
    if org is not None:
        qs = qs.filter(org__in=subtree_ids(org))
    out: dict[int, int] = {}
    for volunteer_id, minutes in qs.values_list("volunteer_id", "minutes"):
        out[volunteer_id] = out.get(volunteer_id, 0) + minutes
    return out


@dataclass(frozen=True)
class StarLevelRow:
    org: OrgNode
    thresholds_hours: tuple[int, ...]
    own: bool


def star_level_rows(*, user: User) -> list[StarLevelRow]:
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
    *,
    user: User,
    org_id: int | None,
    year: int | None,
    page: int = 1,
    after: str = "",
    before: str = "",
    size: int | None = None,
) -> RankingPage:
    """One page of the credit-hours ranking with honour hours alongside: five queries whatever the page size
    and depth (a capped count; deep pages after or before a cursor, core.pagination.paginate_keyset).
    Raises InvalidCursor for a cursor this ranking did not make."""
    year = year or timezone.localdate().year
    orgs = list(ranking_orgs(user=user))
    org = next((o for o in orgs if o.pk == org_id), orgs[0] if orgs else None)
    if org is None:
        return RankingPage(orgs=[], org=None, year=year, page=paginate(ServiceTotal.objects.none()), rows=[])
    result = paginate_keyset(
        ranking(user=user, org=org, year=year), ordering=RANKING_ORDER, page=page, after=after, before=before, size=size
    )
    ids = [t.volunteer_id for t in result.items]

    people = Volunteer.objects.select_related("org").in_bulk(ids)
    honour = honour_minutes_for(volunteer_ids=ids, year=year, org=org)
    rows = [
        RankingRow(
            rank=result.start + i + 1,
            volunteer=people[t.volunteer_id],
            credit_minutes=t.minutes,
            honour_minutes=honour.get(t.volunteer_id, 0),
        )
        for i, t in enumerate(result.items)
    ]
    return RankingPage(orgs=orgs, org=org, year=year, page=result, rows=rows)
