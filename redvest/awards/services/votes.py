"""Judges' votes: one per judge per entry, own-organisation abstention, limits, retractions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from redvest.awards.errors import (
    AlreadyVoted,
    NotAJudge,
    OwnOrganisation,
    StageClosed,
    VotesUsedUp,
)
from redvest.awards.models import (
    AwardCampaign,
    Judge,
    Nomination,
    NominationStatus,
    Stage,
    Vote,
    VoteKind,
)
from redvest.core.errors import PermissionDenied

if TYPE_CHECKING:
    from redvest.accounts.models import User
from redvest.awards.services._common import (
    _audit,
    _in_window,
    own_organisation,
)

# ---- Votes -------------------------------------------------------------------------------------


def judge_of(*, user: User, campaign: AwardCampaign) -> Judge:
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
