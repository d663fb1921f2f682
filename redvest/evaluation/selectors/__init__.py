"""Reads for evaluation: schemes in force, rounds and their scores, published rankings (晾晒), public
names under consent. Bonus tables and volunteer evaluations live in `bonus` and `volunteers`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from redvest.accounts.models import Role
from redvest.accounts.policy import can_administer, grants_for, home_orgs, is_system_admin, scope
from redvest.core.crypto import mask_name
from redvest.core.errors import NotFound, PermissionDenied
from redvest.core.validators import id_in_range
from redvest.evaluation.models import (
    EvaluationRound,
    EvaluationScheme,
    EvaluationScore,
    PublicityConsent,
    RankingEntry,
    RoundStatus,
    ScoreAdjustment,
    ScoreStatus,
)
from redvest.evaluation.selectors.metrics import Cohort
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

# ---- schemes ---------------------------------------------------------------------------------------


def scheme_in_force(*, org: OrgNode) -> EvaluationScheme | None:
    """The nearest scheme up the tree (the node's own first), or None (one query)."""
    rows = EvaluationScheme.objects.filter(org__path__in=ancestors_paths(org.path)).select_related("org")
    return max(rows, key=lambda s: len(s.org.path), default=None)


def scheme_list(*, user: User) -> QuerySet[EvaluationScheme]:
    qs = EvaluationScheme.objects.select_related("org").prefetch_related("criteria").order_by("org__path", "id")
    return scope(user, "evaluation_scheme", qs)


def scheme_get(*, user: User, scheme_id: Any, action: str = "view") -> EvaluationScheme:
    if not id_in_range(scheme_id):
        raise NotFound()
    qs = EvaluationScheme.objects.filter(pk=scheme_id).select_related("org").prefetch_related("criteria")
    scheme = scope(user, "evaluation_scheme", qs, action).first()  # type: ignore[arg-type]  # action is view/change
    if scheme is None:
        raise NotFound()
    return scheme


# ---- rounds ----------------------------------------------------------------------------------------


def cohort_of(*, org: OrgNode, kind: str) -> Cohort:
    """The nodes of `kind` strictly inside the reviewing node's subtree (one query)."""
    rows = (
        OrgNode.objects.filter(in_subtree_q("path", org.path), kind=kind).exclude(pk=org.pk).values_list("path", "id")
    )
    return Cohort(root_path=org.path, orgs=dict(rows), root_depth=org.depth)


def round_list(*, user: User, year: int | None = None) -> QuerySet[EvaluationRound]:
    qs = EvaluationRound.objects.select_related("org", "scheme").order_by("-year", "-quarter", "-id")
    if year:
        qs = qs.filter(year=year)
    return scope(user, "evaluation_round", qs)


def round_get(*, user: User, round_id: Any, action: str = "view") -> EvaluationRound:
    if not id_in_range(round_id):
        raise NotFound()
    qs = EvaluationRound.objects.filter(pk=round_id).select_related("org", "scheme")
    found = scope(user, "evaluation_round", qs, action).first()  # type: ignore[arg-type]  # action is view/change
    if found is None:
        raise NotFound()
    return found


def _adjustment_sum() -> Subquery:
    return Subquery(
        ScoreAdjustment.objects.filter(round_id=OuterRef("round_id"), org_id=OuterRef("org_id"))
        .order_by()
        .values("org_id")
        .annotate(total=Sum("delta"))
        .values("total"),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def round_scores(*, round: EvaluationRound, status: str = "") -> QuerySet[EvaluationScore]:
    """The current version's scores with `adjusted` (sum of adjustments) and `final`, best first."""
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=8, decimal_places=2))
    qs = (
        EvaluationScore.objects.filter(round=round, is_current=True)
        .select_related("org", "reviewed_by")
        .annotate(adjusted=Coalesce(_adjustment_sum(), zero))
        .order_by("-computed", "org__name", "org_id")
    )
    if status in ScoreStatus.values:
        qs = qs.filter(status=status)
    return qs


def score_get(*, round: EvaluationRound, score_id: Any) -> EvaluationScore:
    if not id_in_range(score_id):
        raise NotFound()
    found = round_scores(round=round).filter(pk=score_id).first()
    if found is None:
        raise NotFound("该得分不是本轮当前版本的得分")
    return found


def unreviewed_count(*, round: EvaluationRound) -> int:
    return EvaluationScore.objects.filter(round=round, is_current=True, status=ScoreStatus.PENDING).count()


def adjustments_of(*, round: EvaluationRound) -> QuerySet[ScoreAdjustment]:
    return ScoreAdjustment.objects.filter(round=round).select_related("org", "reviewer").order_by("-created_at", "-id")


def competition_ranks(scores: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal, int]]:
    """(org id, score) → (org id, score, rank), best first. Equal scores (to the cent) share a rank and the
    next rank skips the shared places (standard competition ranking: 1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: -s[1])
    out: list[tuple[int, Decimal, int]] = []
    previous: Decimal | None = None
    rank = 0
    for position, (org_id, score) in enumerate(ordered, start=1):
        if previous is None or score != previous:
            rank = position
            previous = score
        out.append((org_id, score, rank))
    return out


# ---- published ranking (contract for the reports circular) ----------------------------------------


@dataclass(frozen=True)
class RankingRow:
    org_id: int
    org_name: str
    score: Decimal
    rank: int


def published_round(*, path: str, year: int, quarter: int) -> EvaluationRound | None:
    """The latest published round of the node at `path` for the quarter."""
    return (
        EvaluationRound.objects.filter(org__path=path, year=year, quarter=quarter, status=RoundStatus.PUBLISHED)
        .select_related("org")
        .order_by("-published_at", "-id")
        .first()
    )


def published_ranking(path: str, year: int, quarter: int) -> list[RankingRow] | None:
    """The published ranking of the reviewing node at `path` for the quarter, best first; None when that
    quarter has no published round."""
    found = published_round(path=path, year=year, quarter=quarter)
    if found is None:
        return None
    return [
        RankingRow(org_id=e.org_id, org_name=e.org_name, score=e.score, rank=e.rank)
        for e in RankingEntry.objects.filter(round=found).order_by("rank", "org_name", "org_id")
    ]


def ranking_entries(*, round: EvaluationRound) -> QuerySet[RankingEntry]:
    return RankingEntry.objects.filter(round=round).order_by("rank", "org_name", "org_id")


def public_rounds() -> QuerySet[EvaluationRound]:
    """Published rounds, newest first: anyone may read their rankings."""
    return (
        EvaluationRound.objects.filter(status=RoundStatus.PUBLISHED)
        .select_related("org")
        .order_by("-year", "-quarter", "-published_at", "-id")
    )


def public_round_get(*, round_id: Any) -> EvaluationRound:
    if not id_in_range(round_id):
        raise NotFound()
    found = public_rounds().filter(pk=round_id).first()
    if found is None:
        raise NotFound("该评议结果尚未晾晒")
    return found


# ---- publicity consent ----------------------------------------------------------------------------


def consents_of(volunteer_ids: list[int]) -> dict[int, bool]:
    """volunteer id → consent in force (the latest row), one query."""
    latest = (
        PublicityConsent.objects.filter(volunteer_id=OuterRef("pk"))
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )

    rows = (
        Volunteer.objects.filter(pk__in=volunteer_ids).annotate(_granted=Subquery(latest)).values_list("pk", "_granted")
    )
    return {pk: bool(granted) for pk, granted in rows}


def public_name(volunteer: Any) -> str:
    """One volunteer's public name: the full name with consent in force, masked (张*明) otherwise."""
    return public_volunteer_names([volunteer.pk]).get(volunteer.pk, mask_name(str(volunteer.name)))


def public_volunteer_names(volunteer_ids: list[int]) -> dict[int, str]:
    """volunteer id → the name to print on a public page: full name with consent in force, masked
    otherwise (one query). Use on every public page that shows individuals."""

    latest = (
        PublicityConsent.objects.filter(volunteer_id=OuterRef("pk"))
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    rows = (
        Volunteer.objects.filter(pk__in=list(volunteer_ids))
        .annotate(_granted=Subquery(latest))
        .values_list("pk", "name", "_granted")
    )
    return {pk: name if granted else mask_name(name) for pk, name, granted in rows}


# ---- the node an admin page works on ----------------------------------------------------------------


def admin_root(*, user: User, org_id: Any = None) -> OrgNode:
    """The node asked for, when the user administers it; else the first node they administer."""

    if org_id not in (None, ""):
        try:
            wanted = int(str(org_id))
        except ValueError:
            raise NotFound("组织不存在") from None
        node = OrgNode.objects.filter(pk=wanted).first() if id_in_range(wanted) else None
        if node is None:
            raise NotFound("组织不存在")
        if not can_administer(user, node):
            raise PermissionDenied("您不能管理该组织的评议")
        return node
    ids = home_orgs(user)
    node = OrgNode.objects.filter(pk__in=ids).order_by("path").first() if ids else None
    if node is None and is_system_admin(user):
        node = OrgNode.objects.filter(depth=1).order_by("path").first()
    if node is None:
        raise PermissionDenied("只有组织管理员可以使用评议与考核")
    return node


def admin_org_choices(*, user: User, limit: int = 300) -> list[OrgNode]:
    """Nodes an admin may run evaluations at: their own nodes and two levels below (one query)."""
    from django.db.models import Q

    cond = Q()
    any_grant = False
    for g in grants_for(user):
        if g.role == Role.SYSTEM_ADMIN:
            cond |= Q(depth__lte=3)
            any_grant = True
        elif g.role == Role.ORG_ADMIN:
            cond |= Q(in_subtree_q("path", g.path), depth__lte=len(g.path) // OrgNode.steplen + 2)
            any_grant = True
    if not any_grant:
        return []
    return list(OrgNode.objects.filter(cond).order_by("path").only("id", "name", "path", "depth", "kind")[:limit])
