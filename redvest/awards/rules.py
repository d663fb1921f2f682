"""Eligibility rules (参评条件): a small registry, each rule evaluated for many targets in one query.

A campaign stores `[{"code": "min_credit_hours", "param": 20}, ...]`; `ineligible_reasons` returns,
for each target id that fails, the Chinese reasons.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from redvest.activities.models import Activity, ActivityStatus
from redvest.awards.models import AwardCampaign, EntryType
from redvest.records.models import RecordKind, ServiceTotal
from redvest.teams.models import Team
from redvest.volunteers.models import PoliticalStatus, Volunteer, VolunteerStatus

Check = Callable[[AwardCampaign, list[int], int], dict[int, str]]


@dataclass(frozen=True)
class Rule:
    code: str
    label: str  # with {param}
    entry_types: frozenset[str]
    check: Check  # returns {target id: reason} for the targets that fail

    def describe(self, param: int) -> str:
        return self.label.format(param=param)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _min_credit_hours(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:

    minutes = dict(
        ServiceTotal.objects.filter(volunteer_id__in=ids, year=campaign.year, kind=RecordKind.CREDIT)
        .values("volunteer_id")
        .annotate(m=Sum("minutes"))
        .values_list("volunteer_id", "m")
    )
    return {
        pk: f"{campaign.year}年度服务信用时长 {(minutes.get(pk) or 0) / 60:.1f} 小时，不足 {param} 小时"
        for pk in ids
        if (minutes.get(pk) or 0) < param * 60
    }


def _volunteer_registered(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:

    rows = Volunteer.objects.filter(pk__in=ids).exclude(status=VolunteerStatus.REGISTERED)
    return {
        pk: f"志愿者状态为“{VolunteerStatus(status).label}”，须为已注册"
        for pk, status in rows.values_list("pk", "status")
    }


def _party_member(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:

    rows = Volunteer.objects.filter(pk__in=ids).exclude(political_status=PoliticalStatus.PARTY_MEMBER)
    return dict.fromkeys(rows.values_list("pk", flat=True), "须为中共党员")


def _team_active(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:

    return dict.fromkeys(Team.objects.filter(pk__in=ids, is_active=False).values_list("pk", flat=True), "服务队已撤销")


def _activity_counts(field: str, campaign: AwardCampaign, ids: list[int]) -> dict[int, int]:

    start, end = _year_bounds(campaign.year)
    key = "teams" if field == "team" else "brand"
    rows = (
        Activity.objects.filter(**{f"{key}__in": ids}, start_at__gte=start, start_at__lt=end)
        .exclude(status=ActivityStatus.CANCELLED)
        .values(key)
        .annotate(n=Count("pk", distinct=True))
        .values_list(key, "n")
    )
    return dict(rows)


def _min_team_activities(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:
    counts = _activity_counts("team", campaign, ids)
    return {
        pk: f"{campaign.year}年度开展活动 {counts.get(pk, 0)} 场，不足 {param} 场"
        for pk in ids
        if counts.get(pk, 0) < param
    }


def _min_brand_activities(campaign: AwardCampaign, ids: list[int], param: int) -> dict[int, str]:
    counts = _activity_counts("brand", campaign, ids)
    return {
        pk: f"{campaign.year}年度品牌活动 {counts.get(pk, 0)} 场，不足 {param} 场"
        for pk in ids
        if counts.get(pk, 0) < param
    }


V, T, B = frozenset({EntryType.VOLUNTEER}), frozenset({EntryType.TEAM}), frozenset({EntryType.BRAND})
REGISTRY: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule("min_credit_hours", "年度服务信用时长不少于 {param} 小时", V, _min_credit_hours),
        Rule("registered", "志愿者状态为已注册", V, _volunteer_registered),
        Rule("party_member", "中共党员", V, _party_member),
        Rule("team_active", "服务队处于有效状态", T, _team_active),
        Rule("min_team_activities", "年度开展活动不少于 {param} 场", T, _min_team_activities),
        Rule("min_brand_activities", "年度品牌活动不少于 {param} 场", B, _min_brand_activities),
    ]
}


def describe_rules(campaign: AwardCampaign) -> list[str]:
    return [REGISTRY[r["code"]].describe(int(r.get("param") or 0)) for r in campaign.rules if r.get("code") in REGISTRY]


def validate_rules(entry_type: str, rules: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    """The stored form of a campaign's rules; raises ValueError naming an unknown or misplaced rule."""
    out: list[dict[str, object]] = []
    for item in rules:
        code = str(item.get("code", ""))
        rule = REGISTRY.get(code)
        if rule is None:
            raise ValueError(f"未知的参评条件：{code}")
        if entry_type not in rule.entry_types:
            raise ValueError(f"参评条件“{rule.describe(0)}”不适用于{EntryType(entry_type).label}")
        raw = item.get("param") or 0
        param = int(raw) if isinstance(raw, (int, str)) else 0
        if param < 0:
            raise ValueError("参评条件的数值不能为负数")
        out.append({"code": code, "param": param})
    return out


def ineligible_reasons(campaign: AwardCampaign, ids: list[int]) -> dict[int, list[str]]:
    """For each target id that fails any rule of the campaign: the reasons (one query per rule)."""
    reasons: dict[int, list[str]] = {}
    for item in campaign.rules:
        rule = REGISTRY.get(str(item.get("code")))
        if rule is None or campaign.entry_type not in rule.entry_types:
            continue
        for pk, reason in rule.check(campaign, ids, int(item.get("param") or 0)).items():
            reasons.setdefault(pk, []).append(reason)
    return reasons


def tie_metrics(campaign: AwardCampaign, ids: list[int]) -> dict[int, int]:
    """The service figure the tie rule compares: year credit minutes (volunteers), year activities
    (teams, brands)."""
    if campaign.entry_type == EntryType.VOLUNTEER:
        rows = (
            ServiceTotal.objects.filter(volunteer_id__in=ids, year=campaign.year, kind=RecordKind.CREDIT)
            .values("volunteer_id")
            .annotate(m=Sum("minutes"))
            .values_list("volunteer_id", "m")
        )
        return {pk: int(m or 0) for pk, m in rows}
    return _activity_counts("team" if campaign.entry_type == EntryType.TEAM else "brand", campaign, ids)
