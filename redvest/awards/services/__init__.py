"""Writes of the annual awards. Each function checks its rule, locks what it changes and writes its
audit row in the same transaction; bad input raises a DomainError and writes nothing.

Own-organisation rule (本单位回避): a judge may not vote for or score an entry whose nominating
org is the judge's own org or lies in its subtree (the nomination's org path starts with the judge's
org path). Entries nominated by a parent or a sibling of the judge's org are fair game.
"""

from __future__ import annotations

from redvest.awards.services._common import current_decision, own_organisation
from redvest.awards.services.campaigns import (
    CampaignData,
    campaign_advance,
    campaign_create,
    campaign_update,
    campaigns_finalize_due,
    judge_add,
    quota_set,
)
from redvest.awards.services.nominations import nomination_create, nomination_withdraw, quota_for, quota_used
from redvest.awards.services.results import (
    campaign_cut,
    campaign_publish,
    objection_file,
    objection_resolve,
    score_record,
)
from redvest.awards.services.votes import judge_of, tally, vote_cast, vote_retract, votes_used

__all__ = [
    "CampaignData",
    "campaign_advance",
    "campaign_create",
    "campaign_cut",
    "campaign_publish",
    "campaign_update",
    "campaigns_finalize_due",
    "current_decision",
    "judge_add",
    "judge_of",
    "nomination_create",
    "nomination_withdraw",
    "objection_file",
    "objection_resolve",
    "own_organisation",
    "quota_for",
    "quota_set",
    "quota_used",
    "score_record",
    "tally",
    "vote_cast",
    "vote_retract",
    "votes_used",
]
