"""Campaigns: settings, stages, quotas, judges, and the periodic job that makes results final."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.awards.errors import (
    StageClosed,
)
from redvest.awards.models import (
    AwardCampaign,
    AwardKind,
    EntryType,
    Judge,
    ObjectionStatus,
    QuotaOverride,
    Stage,
    TieRule,
)
from redvest.awards.rules import validate_rules
from redvest.core.errors import PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
from redvest.awards.services._common import (
    KIND_ENTRY,
    _audit,
    _locked,
    _require_admin,
)

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
