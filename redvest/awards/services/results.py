"""The preliminary cut, expert scores, tiers, the publicity period and its objections."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from redvest.audit.services import audit_record
from redvest.awards import ranking
from redvest.awards.errors import (
    AlreadyScored,
    OwnOrganisation,
    StageClosed,
)
from redvest.awards.models import (
    AwardCampaign,
    Decision,
    DecisionKind,
    DecisionRow,
    ExpertScore,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    Stage,
    TieRule,
)
from redvest.awards.rules import tie_metrics
from redvest.core.crypto import encrypt, mask_phone
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error

if TYPE_CHECKING:
    from redvest.accounts.models import User
from redvest.awards.services._common import (
    _audit,
    _locked,
    _require_admin,
    current_decision,
    own_organisation,
)
from redvest.awards.services.votes import judge_of, tally

# ---- The preliminary cut -----------------------------------------------------------------------


@transaction.atomic
def campaign_cut(*, actor: User, campaign: AwardCampaign, now: datetime.datetime) -> Decision:
    """Close voting and record the preliminary cut: every active entry ranked by votes under the
    campaign's tie rule, the top N selected (more under the extend rule). Moves to 专家终审."""
    _require_admin(actor, campaign)
    campaign = _locked(campaign)
    if campaign.stage != Stage.VOTING:
        raise StageClosed("只有投票阶段可以进行初评入围")
    nominations = list(Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACTIVE))
    if not nominations:
        raise ValidationFailed({"nominations": "没有参评对象，无法初评"})
    votes = tally(campaign)
    metrics = (
        tie_metrics(campaign, [n.target_id for n in nominations if n.target_id is not None])
        if campaign.tie_rule == TieRule.VOTES_METRIC_TIME
        else {}
    )
    candidates = [
        ranking.Candidate(n.pk, votes.get(n.pk, 0), metrics.get(n.target_id or 0, 0), n.nominated_at)
        for n in nominations
    ]
    placed = ranking.preliminary_cut(candidates, size=campaign.finalists, rule=campaign.tie_rule)
    decision = Decision.objects.create(
        campaign=campaign,
        kind=DecisionKind.CUT,
        rule=f"入围{campaign.finalists}名：{TieRule(campaign.tie_rule).label}",
        decided_by=actor,
        decided_at=now,
    )
    DecisionRow.objects.bulk_create(
        [
            DecisionRow(
                decision=decision,
                nomination_id=p.candidate.nomination_id,
                rank=p.rank,
                votes=p.candidate.votes,
                metric=p.candidate.metric,
                selected=p.selected,
            )
            for p in placed
        ]
    )
    campaign.stage = Stage.REVIEW
    campaign.save(update_fields=["stage"])
    selected = [p.candidate.nomination_id for p in placed if p.selected]
    _audit(
        actor,
        decision,
        campaign,
        after={"kind": DecisionKind.CUT, "entries": len(placed), "selected": selected, "stage": Stage.REVIEW},
        reason=decision.rule,
    )
    return decision


# ---- Expert scores and tiers -------------------------------------------------------------------


@transaction.atomic
def score_record(*, actor: User, nomination: Nomination, score: int, now: datetime.datetime) -> ExpertScore:
    """An expert's 0–100 score for a finalist, once; the own-organisation rule applies."""
    nomination = Nomination.objects.select_related("campaign__org", "org").get(pk=nomination.pk)
    campaign = nomination.campaign
    judge = judge_of(user=actor, campaign=campaign)
    if not judge.is_expert:
        raise PermissionDenied("只有终审专家可以评分")
    if campaign.stage != Stage.REVIEW:
        raise StageClosed("当前不在专家终审阶段")
    if not 0 <= score <= 100:
        raise ValidationFailed({"score": "评分应为0至100的整数"})
    cut = current_decision(campaign, DecisionKind.CUT)
    if cut is None or not cut.rows.filter(nomination=nomination, selected=True).exists():
        raise ValidationFailed({"nomination": "该对象未入围终审"})
    if own_organisation(judge.org.path, nomination.org.path):
        raise OwnOrganisation(f"“{nomination.name}”由{nomination.org.name}推荐，属本单位（含下级单位），须回避")
    if ExpertScore.objects.filter(judge=judge, nomination=nomination).exists():
        raise AlreadyScored()
    try:
        with transaction.atomic():
            row = ExpertScore.objects.create(
                campaign=campaign, judge=judge, nomination=nomination, score=score, scored_at=now
            )
    except IntegrityError as exc:
        raise AlreadyScored() from exc
    _audit(actor, row, campaign, after={"judge": judge.pk, "nomination": nomination.pk, "score": score})
    return row


def _tiers_decision(
    *, actor: User, campaign: AwardCampaign, now: datetime.datetime, supersedes: Decision | None, reason: str
) -> Decision:
    cut = current_decision(campaign, DecisionKind.CUT)
    if cut is None:
        raise StageClosed("尚未初评入围")
    cut_rows = list(
        cut.rows.filter(selected=True, nomination__status=NominationStatus.ACTIVE).select_related("nomination")
    )
    scores: dict[int, list[int]] = {}
    for nomination_id, points in ExpertScore.objects.filter(campaign=campaign).values_list("nomination_id", "score"):
        scores.setdefault(nomination_id, []).append(points)
    missing = [r.nomination.name for r in cut_rows if not scores.get(r.nomination_id)]
    if missing:
        raise ValidationFailed({"scores": "以下入围对象尚无专家评分：" + "、".join(missing[:10])})
    finalists = []
    for r in cut_rows:
        value = ranking.final_score(scores[r.nomination_id])
        if value is not None:  # never None: every finalist has scores (checked above)
            finalists.append(ranking.Finalist(r.nomination_id, value, r.votes, r.nomination.nominated_at))
    tiered = ranking.assign_tiers(finalists, campaign.tier_pairs())
    tiers_text = "、".join(f"{n}{c}名" for n, c in campaign.tier_pairs())
    decision = Decision.objects.create(
        campaign=campaign,
        kind=DecisionKind.TIERS,
        rule=f"{tiers_text}；{ranking.TIER_RULE}；专家5人及以上去掉一个最高分和一个最低分后取平均",
        reason=reason,
        supersedes=supersedes,
        decided_by=actor,
        decided_at=now,
    )
    DecisionRow.objects.bulk_create(
        [
            DecisionRow(
                decision=decision,
                nomination_id=t.finalist.nomination_id,
                rank=t.rank,
                votes=t.finalist.votes,
                score=ranking.as_decimal(t.finalist.score),
                score_count=len(scores[t.finalist.nomination_id]),
                selected=bool(t.tier),
                tier=t.tier,
            )
            for t in tiered
        ]
    )
    _audit(
        actor,
        decision,
        campaign,
        after={"kind": DecisionKind.TIERS, "tiers": {t.finalist.nomination_id: t.tier for t in tiered if t.tier}},
        reason=reason or decision.rule,
    )
    return decision


@transaction.atomic
def campaign_publish(*, actor: User, campaign: AwardCampaign, now: datetime.datetime) -> Decision:
    """Compute tiers from the experts' scores and start the publicity period (公示). Every finalist
    needs at least one score."""
    _require_admin(actor, campaign)
    campaign = _locked(campaign)
    if campaign.stage != Stage.REVIEW:
        raise StageClosed("只有专家终审阶段可以评定等次")
    decision = _tiers_decision(actor=actor, campaign=campaign, now=now, supersedes=None, reason="")
    campaign.stage = Stage.PUBLICITY
    campaign.publicity_starts = now
    campaign.publicity_ends = now + datetime.timedelta(days=campaign.publicity_days)
    campaign.save(update_fields=["stage", "publicity_starts", "publicity_ends"])
    audit_record(
        actor=actor,
        action="update",
        target=campaign,
        org=campaign.org,
        before={"stage": Stage.REVIEW},
        after={"stage": Stage.PUBLICITY, "publicity_ends": str(campaign.publicity_ends)},
    )
    return decision


# ---- Objections --------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *,
    actor: User | None,
    nomination: Nomination,
    reason: str,
    contact_name: str = "",
    phone: str = "",
    now: datetime.datetime,
) -> Objection:
    """An objection to an awarded entry during the publicity period: anyone signed in, or the public
    with a phone number."""
    nomination = Nomination.objects.select_related("campaign__org").get(pk=nomination.pk)
    campaign = nomination.campaign
    if campaign.stage != Stage.PUBLICITY or campaign.publicity_ends is None or now >= campaign.publicity_ends:
        raise StageClosed("不在公示期内，不能提出异议")
    tiers = current_decision(campaign, DecisionKind.TIERS)
    if tiers is None or not tiers.rows.filter(nomination=nomination, selected=True).exists():
        raise ValidationFailed({"nomination": "该对象不在公示名单中"})
    errors: dict[str, str] = {}
    if len(reason.strip()) < 5:
        errors["reason"] = "请具体说明异议理由（至少5个字）"
    signed_in = actor is not None and actor.is_authenticated
    digits = normalize_phone(phone)
    if not signed_in or phone:
        error = phone_error(phone) if phone else "请填写联系电话"
        if error:
            errors["phone"] = error
    if not signed_in and not contact_name.strip():
        errors["contact_name"] = "请填写联系人姓名"
    if errors:
        raise ValidationFailed(errors)
    objection = Objection.objects.create(
        campaign=campaign,
        nomination=nomination,
        reason=reason.strip(),
        filed_by=actor if signed_in else None,
        contact_name=contact_name.strip()[:50],
        phone_encrypted=encrypt(digits) if digits else "",
        phone_masked=mask_phone(digits) if digits else "",
        filed_at=now,
    )
    _audit(actor, objection, campaign, after={"nomination": nomination.pk, "phone": objection.phone_masked})
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, uphold: bool, resolution: str, now: datetime.datetime
) -> Objection:
    """Decide an objection. Upheld: the entry leaves the results with the reason and the tiers are
    recomputed as a new decision superseding the published one."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("campaign__org", "nomination")
        .get(pk=objection.pk)
    )
    campaign = objection.campaign
    _require_admin(actor, campaign)
    campaign = _locked(campaign)
    if objection.status != ObjectionStatus.OPEN:
        raise StageClosed("该异议已处理")
    if campaign.stage != Stage.PUBLICITY:
        raise StageClosed("只有公示阶段可以处理异议")
    if not resolution.strip():
        raise ValidationFailed({"resolution": "请填写处理意见"})
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.REJECTED
    objection.resolution = resolution.strip()[:300]
    objection.resolved_by = actor
    objection.resolved_at = now
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="update",
        target=objection,
        org=campaign.org,
        before={"status": ObjectionStatus.OPEN},
        after={"status": objection.status},
        reason=resolution,
    )
    nomination = objection.nomination
    if uphold and nomination.status == NominationStatus.ACTIVE:
        nomination.status = NominationStatus.REMOVED
        nomination.status_reason = f"公示异议成立：{objection.resolution}"[:300]
        nomination.status_changed_at = now
        nomination.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            actor=actor,
            action="update",
            target=nomination,
            org=campaign.org,
            before={"status": NominationStatus.ACTIVE},
            after={"status": NominationStatus.REMOVED},
            reason=nomination.status_reason,
        )
        _tiers_decision(
            actor=actor,
            campaign=campaign,
            now=now,
            supersedes=current_decision(campaign, DecisionKind.TIERS),
            reason=f"异议成立，取消“{nomination.name}”并重新评定等次",
        )
    return objection
