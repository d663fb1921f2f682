"""The pioneer index, computed in SQL from pre-aggregated totals (records' ServiceTotal and our
MemberYearTotal), never row by row in Python: 100,000 members rank in one query.

score (in hundredths) = base × 100 + credit minutes × hour weight ÷ 60 + points × points weight ÷ 100
                        + (bonus + deductions) × 100
Each member is weighed by the config in force at their own org node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from redvest.accounts.policy import can_administer, scope
from redvest.core.errors import NotFound, PermissionDenied
from redvest.core.pagination import PageNumbers
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.points.models import Grade, GradeMode, PioneerConfig, PioneerEntry
from redvest.points.selectors.config import pioneer_config_for, pioneer_configs_under
from redvest.records.models import RecordKind
from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)
BROAD_SHARE = 4  # a subtree holding a quarter of the nodes or more is read in table order


def _weight(configs: list[PioneerConfig], value: Any) -> Any:
    """One weight per member: a CASE over the configs set inside the subtree (deepest first, each an
    uncorrelated "node in subtree" set SQL builds once), else the inherited one; a constant when alone."""
    *inside, inherited = configs
    if not inside:
        return Value(value(inherited), output_field=IntegerField())
    return Case(
        *[When(org_id__in=_subtree_ids(c.org), then=Value(value(c))) for c in inside],
        default=Value(value(inherited)),
        output_field=IntegerField(),
    )


def _subtree_ids(org: OrgNode) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(in_subtree_q("path", org.path)).values("id")


def _in_subtree(org: OrgNode) -> Q:
    """Members of the subtree. Over a large share of the tree the members are read in table order and
    each node tested against the subtree's set (`org_id + 0` keeps SQLite off the org index, whose
    walk would visit the rows in random order); a small subtree goes through the index."""
    counts = OrgNode.objects.aggregate(all=Count("id"), under=Count("id", filter=in_subtree_q("path", org.path)))
    broad = counts["under"] * BROAD_SHARE >= counts["all"]
    return Q(org_key__in=_subtree_ids(org)) if broad else Q(org_id__in=_subtree_ids(org))


def scored_members(*, org: OrgNode, year: int, configs: list[PioneerConfig] | None = None) -> QuerySet[Volunteer]:
    """Party members of the subtree with their year's parts and `score_centi`: two LEFT JOINs to one
    row each (ServiceTotal for credit minutes earned at their current org, MemberYearTotal for points and entries), no subquery
    per row. The org names come in one extra query for the rows fetched."""

    configs = configs or pioneer_configs_under(org=org)
    zero = Value(0)
    return (
        Volunteer.objects.alias(org_key=F("org_id") + 0)
        .filter(_in_subtree(org), political_status__in=PARTY_STATUSES, status=VolunteerStatus.REGISTERED)
        .alias(
            credit=FilteredRelation(
                # the time credited to their current org: one row (a transfer leaves earlier time with the sender)
                "service_totals",
                condition=Q(
                    service_totals__year=year,
                    service_totals__kind=RecordKind.CREDIT,
                    service_totals__org_id=F("org_id"),
                ),
            ),
            totals=FilteredRelation("points_year_totals", condition=Q(points_year_totals__year=year)),
        )
        .annotate(
            credit_minutes=Coalesce(F("credit__minutes"), zero),
            points_earned=Coalesce(F("totals__points_earned"), zero),
            bonus=Coalesce(F("totals__bonus"), zero),
            deduction=Coalesce(F("totals__deduction"), zero),
        )
        .annotate(
            score_centi=_weight(configs, lambda c: c.base_score * 100)
            + F("credit_minutes") * _weight(configs, lambda c: c.hour_weight_centi) / 60
            + F("points_earned") * _weight(configs, lambda c: c.points_weight_centi) / 100
            + (F("bonus") + F("deduction")) * 100
        )
        .only("id", "name", "number", "org_id", "political_status")
        .prefetch_related(Prefetch("org", queryset=OrgNode.objects.only("id", "name", "path")))
    )


def _parts(volunteer: Volunteer) -> dict[str, int]:
    names = ("credit_minutes", "points_earned", "bonus", "deduction")
    return {n: int(getattr(volunteer, n)) for n in names}


def grade_of(*, config: PioneerConfig, score_centi: int, rank: int, total: int) -> str:
    if config.grade_mode == GradeMode.PERCENTILE:
        share = rank * 100 / max(total, 1)  # a rank's place as a share of the field, in percent
        if share <= config.excellent_pct:
            return Grade.EXCELLENT
        if share <= config.good_pct:
            return Grade.GOOD
        if share <= config.fair_pct:
            return Grade.FAIR
        return Grade.POOR
    if score_centi >= config.excellent_min * 100:
        return Grade.EXCELLENT
    if score_centi >= config.good_min * 100:
        return Grade.GOOD
    if score_centi >= config.fair_min * 100:
        return Grade.FAIR
    return Grade.POOR


def score_display(score_centi: int) -> Decimal:
    return (Decimal(score_centi) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RankingRow:
    rank: int
    volunteer: Volunteer
    credit_hours: Decimal
    points: int
    bonus: int
    deduction: int
    score: Decimal
    grade: str
    grade_label: str


@dataclass(frozen=True)
class Ranking(PageNumbers):
    org: OrgNode
    year: int
    config: PioneerConfig
    rows: list[RankingRow]
    count: int
    number: int
    size: int


def _row(volunteer: Volunteer, parts: dict[str, int], *, rank: int, total: int, config: PioneerConfig) -> RankingRow:
    score = int(volunteer.score_centi)  # type: ignore[attr-defined]  # annotated by scored_members
    grade = grade_of(config=config, score_centi=score, rank=rank, total=total)
    return RankingRow(
        rank=rank,
        volunteer=volunteer,
        credit_hours=(Decimal(parts["credit_minutes"]) / 60).quantize(Decimal("0.1")),
        points=parts["points_earned"],
        bonus=parts["bonus"],
        deduction=parts["deduction"],
        score=score_display(score),
        grade=grade,
        grade_label=Grade(grade).label,
    )


def _rows(members: list[Volunteer], *, first_rank: int, total: int, config: PioneerConfig) -> list[RankingRow]:
    return [_row(v, _parts(v), rank=first_rank + i, total=total, config=config) for i, v in enumerate(members)]


def _require_ranking(user: User, org: OrgNode) -> None:
    if not can_administer(user, org):
        raise PermissionDenied("只有该组织的管理员可以查看先锋指数排名")


def pioneer_ranking(*, user: User, org: OrgNode, year: int, page: int = 1, size: int = 20) -> Ranking:
    """One page of the subtree's ranking: a constant handful of queries (the configs, the tree share,
    the count, the page, its org names). Grades follow the config in force at `org`. Raises PermissionDenied."""
    _require_ranking(user, org)
    configs = pioneer_configs_under(org=org)
    qs = scored_members(org=org, year=year, configs=configs)
    total = qs.count()
    size = min(max(1, size), 200)
    number = min(max(1, page), max(1, -(-total // size)))
    offset = (number - 1) * size
    members = list(qs.order_by("-score_centi", "id")[offset : offset + size])  # type: ignore[misc]  # an annotation
    config = configs[-1]
    rows = _rows(members, first_rank=offset + 1, total=total, config=config)
    return Ranking(org=org, year=year, config=config, rows=rows, count=total, number=number, size=size)


EXPORT_CHUNK = 2000


def pioneer_ranking_all(*, user: User, org: OrgNode, year: int) -> tuple[int, Iterator[RankingRow]]:
    """The whole ranking for an export, streamed in rank order. Raises PermissionDenied."""
    _require_ranking(user, org)
    configs = pioneer_configs_under(org=org)
    qs = scored_members(org=org, year=year, configs=configs).order_by("-score_centi", "id")  # type: ignore[misc]  # an annotation
    total = qs.count()
    config = configs[-1]
    rows = (
        _row(v, _parts(v), rank=i + 1, total=total, config=config)
        for i, v in enumerate(qs.iterator(chunk_size=EXPORT_CHUNK))
    )
    return total, rows


@dataclass(frozen=True)
class Breakdown:
    volunteer: Volunteer
    year: int
    config: PioneerConfig
    base: int
    credit_hours: Decimal
    hours_score: Decimal
    points: int
    points_score: Decimal
    entries: list[PioneerEntry]
    bonus: int
    deduction: int
    score: Decimal
    grade: str
    grade_label: str
    rank: int
    total: int


def pioneer_breakdown(*, volunteer: Volunteer, year: int) -> Breakdown:
    """A member's own index: each component, the manual entries with reasons, the grade and the rank
    among the members under the node whose config they follow."""
    config = pioneer_config_for(org=volunteer.org)
    scope_org = config.org if config.pk else OrgNode.objects.get(path=volunteer.org.path[: OrgNode.steplen])
    scored = scored_members(org=scope_org, year=year)
    me = scored.filter(pk=volunteer.pk).first()
    if me is None:
        raise NotFound("先锋指数只适用于已注册的中共党员和预备党员")
    score = int(me.score_centi)  # type: ignore[attr-defined]  # annotated by scored_members
    total = scored.count()
    rank = scored.filter(score_centi__gt=score).count() + 1  # type: ignore[misc]  # an annotation
    parts = _parts(me)
    minutes, points = parts["credit_minutes"], parts["points_earned"]
    own = pioneer_config_for(org=volunteer.org)
    grade = grade_of(config=own, score_centi=score, rank=rank, total=total)
    entries = list(
        PioneerEntry.objects.filter(volunteer=volunteer, year=year).select_related("created_by").order_by("-created_at")
    )
    return Breakdown(
        volunteer=volunteer,
        year=year,
        config=own,
        base=own.base_score,
        credit_hours=(Decimal(minutes) / 60).quantize(Decimal("0.1")),
        hours_score=score_display(minutes * own.hour_weight_centi // 60),
        points=points,
        points_score=score_display(points * own.points_weight_centi // 100),
        entries=entries,
        bonus=parts["bonus"],
        deduction=parts["deduction"],
        score=score_display(score),
        grade=grade,
        grade_label=Grade(grade).label,
        rank=rank,
        total=total,
    )


def pioneer_entries(*, user: User, year: int | None = None, number: str = "") -> QuerySet[PioneerEntry]:
    """Bonus and deduction entries the user may see (policy "pioneer_index")."""
    qs = scope(user, "pioneer_index", PioneerEntry.objects.all())
    if year:
        qs = qs.filter(year=year)
    if number:
        qs = qs.filter(volunteer__number=number.strip())
    return qs.select_related("volunteer__org", "created_by", "revoked_by").order_by("-created_at", "-id")


def pioneer_entry_get(*, user: User, entry_id: Any) -> PioneerEntry:
    try:
        return pioneer_entries(user=user).get(pk=int(entry_id))
    except (PioneerEntry.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("记录不存在或您无权查看") from exc


def party_member_for(*, user: User, number: str) -> Volunteer:
    """A party member the user administers, by volunteer number. Raises NotFound."""
    member = (
        scope(user, "volunteer", Volunteer.objects.all(), "change")
        .filter(number=(number or "").strip(), political_status__in=PARTY_STATUSES)
        .select_related("org")
        .first()
    )
    if member is None:
        raise NotFound("没有找到该编号的党员志愿者，或不在您的管辖范围内")
    return member
