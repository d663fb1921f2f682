"""Pieces every awards service shares: permission, locking, audit, the own-organisation rule."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from redvest.accounts.policy import can
from redvest.audit.services import audit_record
from redvest.awards.errors import (
    StageClosed,
)
from redvest.awards.models import (
    AwardCampaign,
    AwardKind,
    Decision,
    EntryType,
)
from redvest.core.errors import PermissionDenied

if TYPE_CHECKING:
    from redvest.accounts.models import User


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


def _in_window(now: datetime.datetime, opens: datetime.datetime, closes: datetime.datetime, what: str) -> None:
    if now < opens:
        raise StageClosed(f"{what}尚未开始")
    if now >= closes:
        raise StageClosed(f"{what}已截止")


def current_decision(campaign: AwardCampaign, kind: str) -> Decision | None:
    return (
        Decision.objects.filter(campaign=campaign, kind=kind, superseded_by__isnull=True)
        .order_by("-decided_at", "-id")
        .first()
    )
