"""Input parsing for the awards pages (rules live in services)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from redvest.awards.models import AwardCampaign, AwardKind, EntryType, TieRule
from redvest.awards.services import CampaignData
from redvest.core.forms import CheckedForm

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _tiers_text(tiers: list[Any]) -> str:
    return "\n".join(f"{name} {count}" for name, count in tiers)


class CampaignForm(CheckedForm):
    name = forms.CharField(label="评选名称", max_length=100)
    kind = forms.ChoiceField(label="评选类别", choices=AwardKind.choices)
    entry_type = forms.ChoiceField(
        label="参评对象（自定义评选）", choices=[("", "—"), *EntryType.choices], required=False
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="评选说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    nomination_opens = forms.DateTimeField(label="推荐开始", widget=DT)
    nomination_closes = forms.DateTimeField(label="推荐截止", widget=DT)
    voting_opens = forms.DateTimeField(label="投票开始", widget=DT)
    voting_closes = forms.DateTimeField(label="投票截止", widget=DT)
    publicity_days = forms.IntegerField(label="公示天数", min_value=1, max_value=30, initial=7)
    default_quota = forms.IntegerField(label="每单位推荐名额", min_value=1, initial=3)
    votes_per_judge = forms.IntegerField(label="每位评委总票数上限（不限请留空）", min_value=1, required=False)
    allow_retraction = forms.BooleanField(label="投票截止前允许评委撤回投票", required=False)
    finalists = forms.IntegerField(label="初评入围数", min_value=1, initial=35)
    tie_rule = forms.ChoiceField(label="同票规则", choices=TieRule.choices)
    tiers = forms.CharField(
        label="奖项等次（每行：名称 名额）",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="一等奖 5\n二等奖 10\n三等奖 20",
    )
    min_credit_hours = forms.IntegerField(label="志愿者：年度服务信用时长不少于（小时）", min_value=0, required=False)
    registered = forms.BooleanField(label="志愿者：须为已注册状态", required=False)
    party_member = forms.BooleanField(label="志愿者：须为中共党员", required=False)
    team_active = forms.BooleanField(label="服务队：须为有效状态", required=False)
    min_team_activities = forms.IntegerField(label="服务队：年度开展活动不少于（场）", min_value=0, required=False)
    min_brand_activities = forms.IntegerField(label="品牌项目：年度活动不少于（场）", min_value=0, required=False)

    RULE_FIELDS = (
        "min_credit_hours",
        "registered",
        "party_member",
        "team_active",
        "min_team_activities",
        "min_brand_activities",
    )

    @classmethod
    def initial_for(cls, campaign: AwardCampaign | None) -> dict[str, Any]:
        if campaign is None:
            now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            return {
                "year": now.year,
                "nomination_opens": now,
                "nomination_closes": now + datetime.timedelta(days=14),
                "voting_opens": now + datetime.timedelta(days=15),
                "voting_closes": now + datetime.timedelta(days=22),
                "registered": True,
            }
        initial: dict[str, Any] = {
            f: getattr(campaign, f)
            for f in (
                "name",
                "kind",
                "entry_type",
                "year",
                "description",
                "publicity_days",
                "default_quota",
                "votes_per_judge",
                "allow_retraction",
                "finalists",
                "tie_rule",
            )
        }
        for f in ("nomination_opens", "nomination_closes", "voting_opens", "voting_closes"):
            initial[f] = timezone.localtime(getattr(campaign, f))
        initial["tiers"] = _tiers_text(campaign.tiers)
        for rule in campaign.rules:
            initial[rule["code"]] = rule.get("param") if rule["code"].startswith("min_") else True
        return initial

    def clean_tiers(self) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        for line in str(self.cleaned_data["tiers"]).splitlines():
            if not line.strip():
                continue
            name, _, count = line.strip().rpartition(" ")
            if not name.strip() or not count.isdigit():
                raise forms.ValidationError("每行写一个等次和名额，如：一等奖 5")
            out.append((name.strip(), int(count)))
        return out

    def data_object(self) -> CampaignData:
        d = self.cleaned_data
        rules: list[dict[str, Any]] = []
        for code in self.RULE_FIELDS:
            value = d.get(code)
            if code.startswith("min_") and value is not None:
                rules.append({"code": code, "param": value})
            elif not code.startswith("min_") and value:
                rules.append({"code": code, "param": 0})
        return CampaignData(
            name=d["name"],
            kind=d["kind"],
            entry_type=d.get("entry_type") or "",
            year=d["year"],
            description=d.get("description", ""),
            nomination_opens=d["nomination_opens"],
            nomination_closes=d["nomination_closes"],
            voting_opens=d["voting_opens"],
            voting_closes=d["voting_closes"],
            publicity_days=d["publicity_days"],
            rules=rules,
            default_quota=d["default_quota"],
            votes_per_judge=d.get("votes_per_judge"),
            allow_retraction=bool(d.get("allow_retraction")),
            finalists=d["finalists"],
            tie_rule=d["tie_rule"],
            tiers=d["tiers"],
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class NominationForm(CheckedForm):
    org = forms.TypedChoiceField(label="推荐单位", coerce=int)
    target = forms.CharField(label="参评对象", max_length=30)
    materials = forms.CharField(label="事迹材料", widget=forms.Textarea(attrs={"rows": 8}))
    attachments = forms.FileField(label="附件（事迹材料、照片，可多选）", required=False, widget=MultipleFileInput())
    name_consent = forms.BooleanField(
        label="本人同意在公示和结果中公开姓名（不勾选则以“张*明”形式显示）", required=False
    )

    def __init__(self, *args: Any, orgs: list[Any], targets: list[Any], entry_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = [
            (o.org.pk, f"{o.org.name}（剩余名额 {o.remaining}/{o.quota}）") for o in orgs
        ]
        if entry_type == EntryType.VOLUNTEER:
            self.fields["target"].label = "志愿者编号"
            self.fields["target"].help_text = "填写被推荐志愿者的志愿者编号"
        else:
            self.fields["target"] = forms.TypedChoiceField(
                label=EntryType(entry_type).label, coerce=str, choices=[(t.pk, str(t)) for t in targets]
            )
        if entry_type != EntryType.VOLUNTEER:
            del self.fields["name_consent"]


class WithdrawForm(CheckedForm):
    reason = forms.CharField(label="撤回原因", max_length=300)


class JudgeForm(CheckedForm):
    username = forms.CharField(label="评委登录名", max_length=150)
    org = forms.TypedChoiceField(label="评委所在单位", coerce=int)
    is_expert = forms.BooleanField(label="终审专家", required=False)


class QuotaForm(CheckedForm):
    org = forms.TypedChoiceField(label="推荐单位", coerce=int)
    quota = forms.IntegerField(label="名额", min_value=0)


class ScoreForm(CheckedForm):
    score = forms.IntegerField(label="评分", min_value=0, max_value=100)


class ObjectionForm(CheckedForm):
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 5}))
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class ResolveForm(CheckedForm):
    decision = forms.ChoiceField(
        label="处理结果", choices=[("upheld", "异议成立（取消该对象并重新评定等次）"), ("rejected", "异议不成立")]
    )
    resolution = forms.CharField(label="处理意见", max_length=300)
