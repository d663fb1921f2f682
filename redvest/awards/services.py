"""Writes of the annual awards. Each function checks its rule, locks what it changes and writes its
audit row in the same transaction; bad input raises a DomainError and writes nothing.

Own-organisation rule (本单位回避): a judge may not vote for or score an entry whose nominating
org is the judge's own org or lies in its subtree (the nomination's org path starts with the judge's
org path). Entries nominated by a parent or a sibling of the judge's org are fair game.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.awards import ranking
from redvest.awards.errors import (
    AlreadyScored,
    AlreadyVoted,
    NotAJudge,
    OwnOrganisation,
    QuotaExceeded,
    StageClosed,
    VotesUsedUp,
)
from redvest.awards.models import (
    AwardCampaign,
    AwardKind,
    Decision,
    DecisionKind,
    DecisionRow,
    EntryType,
    ExpertScore,
    Judge,
    Nomination,
    NominationFile,
    NominationStatus,
    Objection,
    ObjectionStatus,
    QuotaOverride,
    Stage,
    TieRule,
    Vote,
    VoteKind,
)
from redvest.awards.rules import ineligible_reasons, tie_metrics, validate_rules
from redvest.core.crypto import encrypt, mask_phone
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.validators import normalize_phone, phone_error

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

MAX_FILE_BYTES = 10 * 1024 * 1024
KIND_ENTRY = {
    AwardKind.VOLUNTEER: EntryType.VOLUNTEER,
    AwardKind.TEAM: EntryType.TEAM,
    AwardKind.BRAND: EntryType.BRAND,
}


def _require_admin(actor: User, campaign: AwardCampaign) -> None:
    if not can(actor, "change", campaign):
        raise PermissionDenied("只有主办组织的管理员可以操作本次评选")


def _locked(campaign: AwardCampaign) -> AwardCampaign:
    return AwardCampaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)


def _audit(
    actor: User | None, target: Any, campaign: AwardCampaign, *, after: dict[str, Any], reason: str = ""
) -> None:
    audit_record(actor=actor, action="create", target=target, org=campaign.org, after=after, reason=reason)


def own_organisation(judge_org_path: str, nomination_org_path: str) -> bool:
    """The own-organisation rule (module docstring): the entry's nominating org is the judge's org or below it."""
    return nomination_org_path.startswith(judge_org_path)


# ---- Campaigns ---------------------------------------------------------------------------------


@dataclass
class CampaignData:
    name: str
    kind: str
    year: int
    nomination_opens: datetime.datetime
    nomination_closes: datetime.datetime
    voting_opens: datetime.datetime
    voting_closes: datetime.datetime
    entry_type: str = ""  # required for custom campaigns; implied by the kind otherwise
    description: str = ""
    publicity_days: int = 7
    rules: list[dict[str, Any]] = field(default_factory=list)
    default_quota: int = 3
    votes_per_judge: int | None = None
    allow_retraction: bool = False
    finalists: int = 35
    tie_rule: str = TieRule.VOTES_METRIC_TIME
    tiers: list[tuple[str, int]] = field(default_factory=lambda: [("一等奖", 5), ("二等奖", 10), ("三等奖", 20)])


def _clean_campaign(data: CampaignData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "请填写评选名称"
    if data.kind not in AwardKind.values:
        errors["kind"] = "评选类别无效"
    implied = KIND_ENTRY.get(AwardKind(data.kind)) if data.kind in AwardKind.values else None
    entry_type: str = implied or data.entry_type
    if entry_type not in EntryType.values:
        errors["entry_type"] = "自定义评选须选择参评对象（志愿者、服务队或品牌项目）"
    if not 2000 <= data.year <= 2100:
        errors["year"] = "年度无效"
    if data.nomination_opens >= data.nomination_closes:
        errors["nomination_closes"] = "推荐截止须晚于推荐开始"
    if data.voting_opens < data.nomination_closes:
        errors["voting_opens"] = "投票须在推荐截止后开始"
    if data.voting_opens >= data.voting_closes:
        errors["voting_closes"] = "投票截止须晚于投票开始"
    if not 1 <= data.publicity_days <= 30:
        errors["publicity_days"] = "公示天数应为1至30天"
    if data.default_quota < 1:
        errors["default_quota"] = "每单位推荐名额至少为1"
    if data.votes_per_judge is not None and data.votes_per_judge < 1:
        errors["votes_per_judge"] = "票数上限至少为1（不限请留空）"
    if data.finalists < 1:
        errors["finalists"] = "初评入围数至少为1"
    if data.tie_rule not in TieRule.values:
        errors["tie_rule"] = "同票规则无效"
    tiers = [(str(n).strip(), int(c)) for n, c in data.tiers]
    if not tiers or any(not n or c < 1 for n, c in tiers):
        errors["tiers"] = "请设置奖项等次及名额（如 一等奖 5）"
    elif sum(c for _, c in tiers) > data.finalists:
        errors["tiers"] = "获奖总名额不能超过初评入围数"
    rules: list[dict[str, object]] = []
    if entry_type in EntryType.values:
        try:
            rules = validate_rules(str(entry_type), data.rules)
        except ValueError as exc:
            errors["rules"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": data.name.strip(),
        "kind": data.kind,
        "entry_type": entry_type,
        "year": data.year,
        "description": data.description,
        "nomination_opens": data.nomination_opens,
        "nomination_closes": data.nomination_closes,
        "voting_opens": data.voting_opens,
        "voting_closes": data.voting_closes,
        "publicity_days": data.publicity_days,
        "rules": rules,
        "default_quota": data.default_quota,
        "votes_per_judge": data.votes_per_judge,
        "allow_retraction": data.allow_retraction,
        "finalists": data.finalists,
        "tie_rule": data.tie_rule,
        "tiers": [[n, c] for n, c in tiers],
    }


@transaction.atomic
def campaign_create(*, actor: User, org: OrgNode, data: CampaignData) -> AwardCampaign:
    """A new campaign (筹备中) run by `org`; org admins over the node and system admins only."""
    if not can_administer(actor, org):
        raise PermissionDenied("只能在本人管理的组织范围内发起评选")
    campaign = AwardCampaign.objects.create(org=org, created_by=actor, **_clean_campaign(data))
    _audit(actor, campaign, campaign, after=snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(*, actor: User, campaign: AwardCampaign, data: CampaignData) -> AwardCampaign:
    """Change the settings while nominations are still open; the kind of entry is fixed once any exist."""
    _require_admin(actor, campaign)
    campaign = _locked(campaign)
    if campaign.stage not in {Stage.DRAFT, Stage.NOMINATION}:
        raise StageClosed("投票开始后不能修改评选设置")
    values = _clean_campaign(data)
    if values["entry_type"] != campaign.entry_type and campaign.nominations.exists():
        raise ValidationFailed({"entry_type": "已有推荐，不能更改参评对象"})
    before = snapshot(campaign)
    for key, value in values.items():
        setattr(campaign, key, value)
    campaign.save()
    audit_record(
        actor=actor, action="update", target=campaign, org=campaign.org, before=before, after=snapshot(campaign)
    )
    return campaign


NEXT_BY_HAND = {Stage.DRAFT: Stage.NOMINATION, Stage.NOMINATION: Stage.VOTING, Stage.PUBLICITY: Stage.FINAL}


@transaction.atomic
def campaign_advance(*, actor: User, campaign: AwardCampaign, now: datetime.datetime) -> AwardCampaign:
    """Open nominations, open voting, or end the publicity period (after its last day, with every
    objection resolved). The cut and the tiers move the other stages (campaign_cut, campaign_publish)."""
    _require_admin(actor, campaign)
    campaign = _locked(campaign)
    target = NEXT_BY_HAND.get(Stage(campaign.stage))
    if target is None:
        raise StageClosed("此阶段须通过初评入围或评定等次进入下一阶段")
    if target == Stage.FINAL:
        if campaign.publicity_ends is None or now < campaign.publicity_ends:
            raise StageClosed("公示期尚未结束")
        if campaign.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise StageClosed("尚有未处理的异议，请先处理")
    if target == Stage.VOTING and not campaign.judges.exists():
        raise StageClosed("请先设置评委")
    before = campaign.stage
    campaign.stage = target
    campaign.save(update_fields=["stage"])
    audit_record(
        actor=actor,
        action="update",
        target=campaign,
        org=campaign.org,
        before={"stage": before},
        after={"stage": target},
    )
    return campaign


@transaction.atomic
def quota_set(*, actor: User, campaign: AwardCampaign, org: OrgNode, quota: int) -> QuotaOverride:
    """A per-org nomination quota (overrides the campaign's default)."""
    _require_admin(actor, campaign)
    if not org.path.startswith(campaign.org.path):
        raise ValidationFailed({"org": "推荐单位须在主办组织范围内"})
    if quota < 0:
        raise ValidationFailed({"quota": "名额不能为负数"})
    row, _ = QuotaOverride.objects.update_or_create(campaign=campaign, org=org, defaults={"quota": quota})
    _audit(actor, row, campaign, after={"org": org.pk, "quota": quota})
    return row


@transaction.atomic
def judge_add(*, actor: User, campaign: AwardCampaign, user: User, org: OrgNode, is_expert: bool = False) -> Judge:
    """Add a judge; their org decides which entries they must abstain from."""
    _require_admin(actor, campaign)
    if campaign.stage in {Stage.PUBLICITY, Stage.FINAL}:
        raise StageClosed("终审结束后不能再增加评委")
    if campaign.org.path.startswith(org.path):
        raise ValidationFailed({"org": "评委所在组织涵盖全部参评单位，将无法评任何对象；请选择其所在的具体单位"})
    if Judge.objects.filter(campaign=campaign, user=user).exists():
        raise ValidationFailed({"user": "该用户已是本次评选的评委"})
    judge = Judge.objects.create(campaign=campaign, user=user, org=org, is_expert=is_expert)
    _audit(actor, judge, campaign, after={"user": user.pk, "org": org.pk, "is_expert": is_expert})
    return judge


# ---- Nominations -------------------------------------------------------------------------------


def quota_for(campaign: AwardCampaign, org: OrgNode) -> int:
    override = QuotaOverride.objects.filter(campaign=campaign, org=org).values_list("quota", flat=True).first()
    return campaign.default_quota if override is None else override


def quota_used(campaign: AwardCampaign, org: OrgNode) -> int:
    return Nomination.objects.filter(campaign=campaign, org=org, status=NominationStatus.ACTIVE).count()


def _target(campaign: AwardCampaign, target_id: int) -> tuple[str, dict[str, Any], str]:
    """(name, FK kwargs, org path) of the nominated volunteer, team or brand."""
    from redvest.teams.models import BrandProject, Team
    from redvest.volunteers.models import Volunteer

    if campaign.entry_type == EntryType.VOLUNTEER:
        v = Volunteer.objects.select_related("org").filter(pk=target_id).first()
        if v is not None:
            return v.name, {"volunteer": v}, v.org.path
    elif campaign.entry_type == EntryType.TEAM:
        t = Team.objects.select_related("org").filter(pk=target_id).first()
        if t is not None:
            return t.name, {"team": t}, t.org.path
    else:
        b = BrandProject.objects.select_related("owner").filter(pk=target_id).first()
        if b is not None:
            return b.name, {"brand": b}, b.owner.path
    raise ValidationFailed({"target": "参评对象不存在"})


def _in_window(now: datetime.datetime, opens: datetime.datetime, closes: datetime.datetime, what: str) -> None:
    if now < opens:
        raise StageClosed(f"{what}尚未开始")
    if now >= closes:
        raise StageClosed(f"{what}已截止")


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    campaign: AwardCampaign,
    org: OrgNode,
    target_id: int,
    materials: str,
    name_consent: bool = False,
    files: Sequence[UploadedFile] = (),
    now: datetime.datetime,
) -> Nomination:
    """Nominate one target from `org` (administered by the actor, inside the campaign's subtree) within
    the org's quota; the target must meet every eligibility rule. Raises QuotaExceeded, ValidationFailed
    (with the reasons), StageClosed."""
    campaign = _locked(campaign)  # serialises quota checks of the campaign
    if campaign.stage != Stage.NOMINATION:
        raise StageClosed("本次评选当前不接受推荐")
    _in_window(now, campaign.nomination_opens, campaign.nomination_closes, "推荐")
    if not org.path.startswith(campaign.org.path):
        raise ValidationFailed({"org": "推荐单位不在本次评选的范围内"})
    if not can_administer(actor, org):
        raise PermissionDenied("只能以本人管理的单位名义推荐")
    if not materials.strip():
        raise ValidationFailed({"materials": "请填写事迹材料"})
    for f in files:
        if (f.size or 0) > MAX_FILE_BYTES:
            raise ValidationFailed({"files": f"附件“{f.name}”超过10MB"})
    quota, used = quota_for(campaign, org), quota_used(campaign, org)
    if used >= quota:
        raise QuotaExceeded(f"{org.name}的推荐名额已用完（共{quota}个，已推荐{used}个）")
    name, fk, target_path = _target(campaign, target_id)
    if not target_path.startswith(org.path):
        raise ValidationFailed({"target": f"“{name}”不属于{org.name}"})
    reasons = ineligible_reasons(campaign, [target_id]).get(target_id)
    if reasons:
        raise ValidationFailed({"target": f"“{name}”不符合参评条件：" + "；".join(reasons)})
    if Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACTIVE, **fk).exists():
        raise ValidationFailed({"target": f"“{name}”已被推荐参评"})
    nomination = Nomination.objects.create(
        campaign=campaign,
        org=org,
        entry_type=campaign.entry_type,
        name=name,
        materials=materials.strip(),
        name_consent=name_consent,
        nominated_by=actor,
        nominated_at=now,
        **fk,
    )
    for f in files:
        NominationFile.objects.create(
            nomination=nomination, file=f, original_name=(f.name or "")[:200], size=f.size or 0, uploaded_by=actor
        )
    _audit(actor, nomination, campaign, after=snapshot(nomination, ["org", "entry_type", "name", "name_consent"]))
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, reason: str, now: datetime.datetime) -> Nomination:
    """Withdraw an entry before voting closes (the nominating org's admins or the campaign's)."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",)).select_related("campaign__org", "org").get(pk=nomination.pk)
    )
    campaign = nomination.campaign
    if not (can_administer(actor, nomination.org) or can(actor, "change", campaign)):
        raise PermissionDenied("只有推荐单位或主办组织的管理员可以撤回推荐")
    if nomination.status != NominationStatus.ACTIVE:
        raise StageClosed("该推荐已撤回或已取消")
    if campaign.stage not in {Stage.NOMINATION, Stage.VOTING} or now >= campaign.voting_closes:
        raise StageClosed("投票截止后不能撤回推荐")
    if not reason.strip():
        raise ValidationFailed({"reason": "请填写撤回原因"})
    nomination.status = NominationStatus.WITHDRAWN
    nomination.status_reason = reason.strip()[:300]
    nomination.status_changed_at = now
    nomination.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=actor,
        action="update",
        target=nomination,
        org=campaign.org,
        before={"status": NominationStatus.ACTIVE},
        after={"status": NominationStatus.WITHDRAWN},
        reason=reason,
    )
    return nomination


# ---- Votes -------------------------------------------------------------------------------------


def judge_of(*, user: Any, campaign: AwardCampaign) -> Judge:
    judge = (
        Judge.objects.filter(campaign=campaign, user_id=getattr(user, "pk", None) or 0).select_related("org").first()
    )
    if judge is None:
        raise NotAJudge()
    return judge


def votes_used(judge: Judge) -> int:
    counts = Vote.objects.filter(judge=judge).aggregate(
        v=Count("pk", filter=Q(kind=VoteKind.VOTE)), r=Count("pk", filter=Q(kind=VoteKind.RETRACTION))
    )
    return int(counts["v"]) - int(counts["r"])


@transaction.atomic
def vote_cast(*, actor: User, nomination: Nomination, now: datetime.datetime) -> Vote:
    """One vote by the actor (a judge of the campaign) for an active entry while voting is open.
    Raises NotAJudge, StageClosed, OwnOrganisation, AlreadyVoted (also from the DB constraint under a
    race), VotesUsedUp."""
    nomination = Nomination.objects.select_related("campaign__org", "org").get(pk=nomination.pk)
    campaign = nomination.campaign
    judge = judge_of(user=actor, campaign=campaign)
    judge = Judge.objects.select_for_update(of=("self",)).select_related("org").get(pk=judge.pk)  # one vote at a time
    if campaign.stage != Stage.VOTING:
        raise StageClosed("当前不在投票阶段")
    _in_window(now, campaign.voting_opens, campaign.voting_closes, "投票")
    if nomination.status != NominationStatus.ACTIVE:
        raise StageClosed("该参评对象已撤回")
    if own_organisation(judge.org.path, nomination.org.path):
        raise OwnOrganisation(f"“{nomination.name}”由{nomination.org.name}推荐，属本单位（含下级单位），须回避")
    if Vote.objects.filter(judge=judge, nomination=nomination, kind=VoteKind.VOTE).exists():
        raise AlreadyVoted()
    if campaign.votes_per_judge is not None and votes_used(judge) >= campaign.votes_per_judge:
        raise VotesUsedUp(f"您的票数已用完（每位评委共{campaign.votes_per_judge}票）")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(campaign=campaign, judge=judge, nomination=nomination, cast_at=now)
    except IntegrityError as exc:
        raise AlreadyVoted() from exc
    _audit(actor, vote, campaign, after={"judge": judge.pk, "nomination": nomination.pk, "kind": VoteKind.VOTE})
    return vote


@transaction.atomic
def vote_retract(*, actor: User, vote: Vote, reason: str, now: datetime.datetime) -> Vote:
    """Retract one's own vote while voting is open, if the campaign allows it: a new retraction row."""
    vote = Vote.objects.select_related("campaign__org", "judge").get(pk=vote.pk)
    campaign = vote.campaign
    if vote.judge.user_id != actor.pk or vote.kind != VoteKind.VOTE:
        raise PermissionDenied("只能撤回本人投出的票")
    if not campaign.allow_retraction:
        raise StageClosed("本次评选不允许撤回投票")
    if campaign.stage != Stage.VOTING:
        raise StageClosed("当前不在投票阶段")
    _in_window(now, campaign.voting_opens, campaign.voting_closes, "投票")
    Judge.objects.select_for_update(of=("self",)).get(pk=vote.judge_id)
    if Vote.objects.filter(retracts=vote).exists():
        raise AlreadyVoted("该票已撤回")
    retraction = Vote.objects.create(
        campaign=campaign,
        judge=vote.judge,
        nomination_id=vote.nomination_id,
        kind=VoteKind.RETRACTION,
        retracts=vote,
        cast_at=now,
    )
    _audit(actor, retraction, campaign, after={"retracts": vote.pk, "kind": VoteKind.RETRACTION}, reason=reason)
    return retraction


# ---- The preliminary cut -----------------------------------------------------------------------


def tally(campaign: AwardCampaign) -> dict[int, int]:
    """Votes per active entry (votes minus retractions)."""
    rows = (
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACTIVE)
        .annotate(
            v=Count("votes", filter=Q(votes__kind=VoteKind.VOTE)),
            r=Count("votes", filter=Q(votes__kind=VoteKind.RETRACTION)),
        )
        .values_list("pk", "v", "r")
    )
    return {pk: v - r for pk, v, r in rows}


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


def current_decision(campaign: AwardCampaign, kind: str) -> Decision | None:
    return (
        Decision.objects.filter(campaign=campaign, kind=kind, superseded_by__isnull=True)
        .order_by("-decided_at", "-id")
        .first()
    )


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


@transaction.atomic
def campaigns_finalize_due(*, now: datetime.datetime) -> int:
    """The periodic job: campaigns whose publicity period ended with no open objection become final."""
    due = (
        AwardCampaign.objects.select_for_update(of=("self",))
        .filter(stage=Stage.PUBLICITY, publicity_ends__lte=now)
        .exclude(objections__status=ObjectionStatus.OPEN)
        .select_related("org")
    )
    done = 0
    for campaign in due:
        campaign.stage = Stage.FINAL
        campaign.save(update_fields=["stage"])
        audit_record(
            actor=None,
            action="update",
            target=campaign,
            org=campaign.org,
            before={"stage": Stage.PUBLICITY},
            after={"stage": Stage.FINAL},
            reason="公示期满且无待处理异议，结果生效",
        )
        done += 1
    return done
