"""Writes for evaluation: schemes and criteria, computing rounds, adjustments, review, publication,
bonus rules and publicity consent. Every write is atomic and audited; bad input writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_administer, grants_for
from redvest.audit.models import AuditAction
from redvest.audit.services import audit_record
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.evaluation.models import (
    BonusRule,
    EvaluationCriterion,
    EvaluationRound,
    EvaluationScheme,
    EvaluationScore,
    Metric,
    Normalisation,
    PublicityConsent,
    RankingEntry,
    RoundStatus,
    ScoreAdjustment,
    ScoreStatus,
)
from redvest.evaluation.period import Period
from redvest.evaluation.selectors import cohort_of, competition_ranks, scheme_in_force
from redvest.evaluation.selectors.metrics import metric_values, normalise, q2, weighted, without_service
from redvest.orgs.models import OrgKind, OrgNode

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer

MAX_ADJUSTMENT = Decimal(100)
ZERO = Decimal("0.00")


def _require_admin(actor: User, org: OrgNode) -> None:
    if not can_administer(actor, org):
        raise PermissionDenied("只有本级及上级组织管理员可以操作")


# ---- schemes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    metric: str
    weight: Any
    normalisation: str = Normalisation.RELATIVE_MAX
    target: Any = None


def _clean_criteria(criteria: Sequence[CriterionData]) -> list[EvaluationCriterion]:
    """Known metrics, each once, integer weights 1–100 totalling 100, a positive target for thresholds."""
    errors: dict[str, str] = {}
    rows: list[EvaluationCriterion] = []
    seen: set[str] = set()
    total = 0
    if not criteria:
        raise ValidationFailed({"criteria": "请至少设置一项指标"})
    for i, c in enumerate(criteria):
        if c.metric not in Metric.values:
            errors[f"criteria.{i}.metric"] = f"未知的指标：{c.metric}"
            continue
        label = Metric(c.metric).label
        if c.metric in seen:
            errors[f"criteria.{i}.metric"] = f"指标重复：{label}"
        seen.add(c.metric)
        try:
            weight = int(str(c.weight))
        except (TypeError, ValueError):
            errors[f"criteria.{i}.weight"] = f"{label}的权重须为整数"
            continue
        if not 1 <= weight <= 100:
            errors[f"criteria.{i}.weight"] = f"{label}的权重须在1到100之间"
        total += weight
        if c.normalisation not in Normalisation.values:
            errors[f"criteria.{i}.normalisation"] = f"{label}的折算方式无效"
        target: Decimal | None = None
        if c.target not in (None, ""):
            try:
                target = q2(Decimal(str(c.target)))
            except InvalidOperation:
                errors[f"criteria.{i}.target"] = f"{label}的目标值须为数字"
        if c.normalisation == Normalisation.THRESHOLD and (target is None or target <= 0):
            errors[f"criteria.{i}.target"] = f"{label}按目标值折算时须填写大于0的目标值"
        rows.append(
            EvaluationCriterion(metric=c.metric, weight=weight, normalisation=c.normalisation, target=target, order=i)
        )
    if not errors and total != 100:
        errors["weights"] = f"各项指标权重合计须为100%，当前合计{total}%"
    if errors:
        raise ValidationFailed(errors)
    return rows


@transaction.atomic
def scheme_create(
    *, actor: User, org: OrgNode, name: str, description: str = "", criteria: Sequence[CriterionData]
) -> EvaluationScheme:
    """A node's own scheme (one per node; it overrides the one inherited from above). Weights total 100."""
    _require_admin(actor, org)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "请填写方案名称"})
    rows = _clean_criteria(criteria)
    if EvaluationScheme.objects.filter(org=org).exists():
        raise Conflict("该组织已有评议方案，请直接修改指标", field="org")
    scheme = EvaluationScheme.objects.create(org=org, name=name[:100], description=description[:300], created_by=actor)
    for row in rows:
        row.scheme = scheme
    EvaluationCriterion.objects.bulk_create(rows)
    audit_record(actor=actor, action=AuditAction.CREATE, target=scheme, org=org, after=_criteria_json(rows))
    return scheme


def _criteria_json(rows: Sequence[EvaluationCriterion]) -> dict[str, Any]:
    return {
        "criteria": [
            {
                "metric": r.metric,
                "weight": r.weight,
                "normalisation": r.normalisation,
                "target": None if r.target is None else str(r.target),
            }
            for r in rows
        ]
    }


@transaction.atomic
def scheme_set_criteria(
    *, actor: User, scheme: EvaluationScheme, criteria: Sequence[CriterionData], name: str | None = None
) -> EvaluationScheme:
    """Replace a scheme's criteria as a whole (weights total 100). Rounds already computed keep the
    criteria they were computed with (a snapshot on the round)."""
    _require_admin(actor, scheme.org)
    rows = _clean_criteria(criteria)
    scheme = EvaluationScheme.objects.select_for_update(of=("self",)).select_related("org").get(pk=scheme.pk)
    before = _criteria_json(list(scheme.criteria.all()))
    scheme.criteria.all().delete()
    for row in rows:
        row.scheme = scheme
    EvaluationCriterion.objects.bulk_create(rows)
    if name is not None and name.strip():
        scheme.name = name.strip()[:100]
    scheme.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=scheme, org=scheme.org, before=before, after=_criteria_json(rows)
    )
    return scheme


# ---- rounds ---------------------------------------------------------------------------------------

COHORT_KINDS = (OrgKind.TOWN, OrgKind.COMMUNITY, OrgKind.UNIT, OrgKind.PARTY_ORG, OrgKind.GRID)


def _insert(model: type[Any], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain INSERTs for the thousands of score and rank rows of a round: `bulk_create` spends most of a
    5,000-org round building its SQL (bench/evaluation_bench.py). Values come already adapted."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + 2000])


def _compute(round: EvaluationRound, *, now: Any) -> int:
    """Write a new version of every cohort org's scores; the previous version stays as history."""
    period = Period(round.year, round.quarter)
    cohort = cohort_of(org=round.org, kind=round.cohort_kind)
    if not cohort.orgs:
        raise ValidationFailed({"cohort_kind": "该组织下没有此类型的参评组织"})
    criteria = list(round.scheme.criteria.all())
    if sum(c.weight for c in criteria) != 100:
        raise ValidationFailed({"scheme": "评议方案的指标权重合计不是100%，请先修改方案"})
    values = metric_values(cohort, period, [c.metric for c in criteria])
    per_metric = {
        c.metric: normalise(values[c.metric], normalisation=c.normalisation, target=c.target) for c in criteria
    }
    weights = {c.metric: c.weight for c in criteria}
    idle = without_service(cohort, period)
    version = round.version + 1
    ops = connection.ops
    rows: list[tuple[Any, ...]] = []
    for org_id in cohort.ids:
        scores = {m: ZERO if org_id in idle else per_metric[m][org_id] for m in weights}
        figures = {m: None if (v := values[m][org_id]) is None else float(v) for m in weights}
        rows.append(
            (
                round.pk,
                org_id,
                version,
                True,
                ops.adapt_json_value(figures, None),
                ops.adapt_json_value({m: float(x) for m, x in scores.items()}, None),
                ops.adapt_decimalfield_value(weighted(scores, weights), 7, 2),
                ScoreStatus.PENDING.value,
                now,
            )
        )
    EvaluationScore.objects.filter(round=round, is_current=True).update(is_current=False)
    _insert(
        EvaluationScore,
        ["round_id", "org_id", "version", "is_current", "values", "metric_scores", "computed", "status", "created_at"],
        rows,
    )
    round.version = version
    round.criteria = _criteria_json(criteria)["criteria"]
    round.computed_at = now
    round.save(update_fields=["version", "criteria", "computed_at"])
    return len(rows)


@transaction.atomic
def round_create(
    *, actor: User, org: OrgNode, year: int, quarter: int, cohort_kind: str, now: Any = None
) -> EvaluationRound:
    """Open and compute a quarter's round for the nodes of one kind under `org`, with the scheme in force
    there. One round per node, quarter and kind."""
    _require_admin(actor, org)
    errors: dict[str, str] = {}
    if not (isinstance(year, int) and 2000 <= year <= 2100):
        errors["year"] = "年度无效"
    if not (isinstance(quarter, int) and 1 <= quarter <= 4):
        errors["quarter"] = "季度须为1到4"
    if cohort_kind not in COHORT_KINDS:
        errors["cohort_kind"] = "参评组织类型无效"
    if errors:
        raise ValidationFailed(errors)
    scheme = scheme_in_force(org=org)
    if scheme is None:
        raise ValidationFailed({"scheme": "本组织及上级均未制定评议方案，请先制定方案"})
    if EvaluationRound.objects.filter(org=org, year=year, quarter=quarter, cohort_kind=cohort_kind).exists():
        raise Conflict("该季度已有同类评议，请在原评议中重新计算", field="quarter")
    now = now or timezone.now()
    round = EvaluationRound.objects.create(
        org=org, scheme=scheme, year=year, quarter=quarter, cohort_kind=cohort_kind, created_by=actor
    )
    count = _compute(round, now=now)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=round,
        org=org,
        after={"scheme": scheme.pk, "cohort_kind": cohort_kind, "orgs": count, "version": round.version},
    )
    return round


def _locked_open_round(round: EvaluationRound) -> EvaluationRound:
    locked = EvaluationRound.objects.select_for_update(of=("self",)).select_related("org", "scheme").get(pk=round.pk)
    if locked.is_published:
        raise Conflict("该评议已晾晒，不能再修改", code="round_published")
    return locked


@transaction.atomic
def round_recompute(*, actor: User, round: EvaluationRound, now: Any = None) -> EvaluationRound:
    """Compute again from the records (a new version; earlier versions kept). New scores start unreviewed;
    adjustments carry over. Refused once published."""
    _require_admin(actor, round.org)
    round = _locked_open_round(round)
    previous = round.version
    count = _compute(round, now=now or timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=round,
        org=round.org,
        before={"version": previous},
        after={"version": round.version, "orgs": count},
        reason="重新计算",
    )
    return round


@transaction.atomic
def score_adjust(
    *, actor: User, round: EvaluationRound, score: EvaluationScore, delta: Any, reason: str
) -> ScoreAdjustment:
    """A reviewer's addition or deduction with a reason (required); computed figures stay as they are."""
    _require_admin(actor, round.org)
    errors: dict[str, str] = {}
    try:
        amount = Decimal(str(delta)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal(0)
        errors["delta"] = "调整分值须为数字"
    else:
        if amount == 0:
            errors["delta"] = "调整分值不能为0"
        elif abs(amount) > MAX_ADJUSTMENT:
            errors["delta"] = "单次调整不能超过100分"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写调整理由"
    if errors:
        raise ValidationFailed(errors)
    round = _locked_open_round(round)
    if score.round_id != round.pk or not score.is_current:
        raise Conflict("该得分不是本轮当前版本的得分，请刷新后重试")
    adjustment = ScoreAdjustment.objects.create(
        round=round, org_id=score.org_id, score=score, delta=amount, reason=reason[:300], reviewer=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=adjustment,
        org=round.org,
        after={"org": score.org_id, "delta": str(amount)},
        reason=reason,
    )
    return adjustment


@transaction.atomic
def score_review(*, actor: User, round: EvaluationRound, scores: Sequence[EvaluationScore], now: Any = None) -> int:
    """Mark current scores reviewed (审核); returns how many changed."""
    _require_admin(actor, round.org)
    round = _locked_open_round(round)
    ids = [s.pk for s in scores if s.round_id == round.pk]
    changed = EvaluationScore.objects.filter(
        pk__in=ids, round=round, is_current=True, status=ScoreStatus.PENDING
    ).update(status=ScoreStatus.REVIEWED, reviewed_by=actor, reviewed_at=now or timezone.now())
    audit_record(actor=actor, action=AuditAction.UPDATE, target=round, org=round.org, after={"reviewed": changed})
    return changed


@transaction.atomic
def round_review_all(*, actor: User, round: EvaluationRound, now: Any = None) -> int:
    """Mark every unreviewed current score of the round reviewed."""
    _require_admin(actor, round.org)
    round = _locked_open_round(round)
    changed = EvaluationScore.objects.filter(round=round, is_current=True, status=ScoreStatus.PENDING).update(
        status=ScoreStatus.REVIEWED, reviewed_by=actor, reviewed_at=now or timezone.now()
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, target=round, org=round.org, after={"reviewed": changed})
    return changed


@transaction.atomic
def round_publish(*, actor: User, round: EvaluationRound, now: Any = None) -> EvaluationRound:
    """Publish the ranking (晾晒): refused while any current score is unreviewed. Final score = computed +
    adjustments; equal finals share a rank (1, 2, 2, 4)."""
    _require_admin(actor, round.org)
    round = _locked_open_round(round)
    from django.db.models import Sum

    current = list(
        EvaluationScore.objects.filter(round=round, is_current=True).values_list(
            "org_id", "org__name", "computed", "status"
        )
    )
    pending = sum(1 for *_, status in current if status != ScoreStatus.REVIEWED)
    if pending:
        raise Conflict(f"还有{pending}个组织的得分未审核，全部审核后才能晾晒", code="unreviewed_scores")
    if not current:
        raise Conflict("该评议没有得分，不能晾晒")
    adjusted = dict(
        ScoreAdjustment.objects.filter(round=round)
        .order_by()
        .values("org_id")
        .annotate(total=Sum("delta"))
        .values_list("org_id", "total")
    )
    names = {org_id: name for org_id, name, *_ in current}
    finals = [(org_id, q2(computed + (adjusted.get(org_id) or Decimal(0)))) for org_id, _, computed, _ in current]
    ops = connection.ops
    _insert(
        RankingEntry,
        ["round_id", "org_id", "org_name", "score", "rank"],
        [
            (round.pk, org_id, names[org_id], ops.adapt_decimalfield_value(score, 7, 2), rank)
            for org_id, score, rank in competition_ranks(finals)
        ],
    )
    round.status = RoundStatus.PUBLISHED
    round.published_at = now or timezone.now()
    round.published_by = actor
    round.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, target=round, org=round.org, after={"published": len(finals)})
    return round


# ---- 党建考核 bonus rules ----------------------------------------------------------------------------


@transaction.atomic
def bonus_rule_set(
    *,
    actor: User,
    org: OrgNode,
    organise_points: Any,
    join_points: Any,
    cap_per_period: Any = None,
    is_active: bool = True,
) -> BonusRule:
    """A node's own bonus rule (overrides the one inherited from above); whole non-negative points."""
    _require_admin(actor, org)
    errors: dict[str, str] = {}
    values: dict[str, int | None] = {}
    for field, raw, label in (
        ("organise_points", organise_points, "牵头组织加分"),
        ("join_points", join_points, "参与组团加分"),
        ("cap_per_period", cap_per_period, "每季度封顶"),
    ):
        if raw in (None, "") and field == "cap_per_period":
            values[field] = None
            continue
        try:
            number = int(str(raw))
        except (TypeError, ValueError):
            errors[field] = f"{label}须为整数"
            continue
        if not 0 <= number <= 10000:
            errors[field] = f"{label}须在0到10000之间"
        values[field] = number
    if errors:
        raise ValidationFailed(errors)
    rule = BonusRule.objects.select_for_update(of=("self",)).filter(org=org).first()
    before = None
    if rule is None:
        rule = BonusRule(org=org)
    else:
        before = {"organise": rule.organise_points, "join": rule.join_points, "cap": rule.cap_per_period}
    rule.organise_points = values["organise_points"] or 0
    rule.join_points = values["join_points"] or 0
    rule.cap_per_period = values["cap_per_period"]
    rule.is_active = bool(is_active)
    rule.updated_by = actor
    rule.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target=rule,
        org=org,
        before=before,
        after={"organise": rule.organise_points, "join": rule.join_points, "cap": rule.cap_per_period},
    )
    return rule


# ---- publicity consent ----------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, actor: User, volunteer: Volunteer, granted: bool, now: Any = None) -> PublicityConsent:
    """Record the volunteer's (or their administrator's record of their) consent to be named on public
    pages; a new row each time, the latest is in force."""

    own = any(g.volunteer_id == volunteer.pk for g in grants_for(actor))
    if not own and not can(actor, "change", volunteer):
        raise PermissionDenied()
    consent = PublicityConsent.objects.create(
        volunteer=volunteer, granted=bool(granted), recorded_at=now or timezone.now(), recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=consent,
        org=volunteer.org,
        after={"volunteer": volunteer.pk, "granted": bool(granted)},
    )
    return consent
