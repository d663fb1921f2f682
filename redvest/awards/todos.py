"""The awards app's part of the workbench: a judge's open ballots."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redvest.awards.models import Stage
from redvest.awards.selectors import judge_campaigns
from redvest.core.workbench import Todo


def todos(user: Any) -> list[Todo]:
    return [
        Todo(f"评选投票：{j.campaign.name}", url=reverse("awards:ballot", args=[j.campaign_id]), urgent=True, order=7)
        for j in judge_campaigns(user=user).filter(campaign__stage=Stage.VOTING)[:5]
    ]
