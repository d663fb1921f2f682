"""Nominations by organisations within their quota, eligible targets only; withdrawal."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, snapshot
from redvest.awards.errors import (
    QuotaExceeded,
    StageClosed,
)
from redvest.awards.models import (
    AwardCampaign,
    EntryType,
    Nomination,
    NominationFile,
    NominationStatus,
    QuotaOverride,
    Stage,
)
from redvest.awards.rules import ineligible_reasons
from redvest.core.errors import PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
from redvest.awards.services._common import (
    MAX_FILE_BYTES,
    _audit,
    _in_window,
    _locked,
)
from redvest.teams.models import BrandProject, Team
from redvest.volunteers.models import Volunteer

# ---- Nominations -------------------------------------------------------------------------------


def quota_for(campaign: AwardCampaign, org: OrgNode) -> int:
    override = QuotaOverride.objects.filter(campaign=campaign, org=org).values_list("quota", flat=True).first()
    return campaign.default_quota if override is None else override


def quota_used(campaign: AwardCampaign, org: OrgNode) -> int:
    return Nomination.objects.filter(campaign=campaign, org=org, status=NominationStatus.ACTIVE).count()


def _target(campaign: AwardCampaign, target_id: int) -> tuple[str, dict[str, Any], str]:
    """(name, FK kwargs, org path) of the nominated volunteer, team or brand."""

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
