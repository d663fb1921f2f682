"""Forms parse what people type; the services decide whether it is allowed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from redvest.core.forms import CheckedForm
from redvest.orgs.models import STATION_KINDS, OrgNode
from redvest.publicity.models import CommitmentSetting, CommitmentStatus, TargetKind, TrainingCategory
from redvest.publicity.services import CommitmentData, SessionData

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, obj.depth - 2) + obj.name


def org_field(queryset: Any, *, required: bool = True, label: str = "组织") -> OrgChoiceField:
    qs = queryset.exclude(kind__in=STATION_KINDS).order_by("path")
    return OrgChoiceField(
        queryset=qs, required=required, label=label, empty_label="—— 全部 ——" if not required else None
    )


def year_choices() -> list[tuple[int, str]]:
    year = timezone.localdate().year
    return [(y, f"{y}年") for y in (year, year + 1, year - 1)]


class CommitmentForm(CheckedForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices)
    setting = forms.ChoiceField(label="服务场景", choices=CommitmentSetting.choices)
    text = forms.CharField(
        label="承诺内容",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "例如：每月参加两次志愿服务"}),
    )
    target_kind = forms.ChoiceField(label="量化目标", choices=TargetKind.choices, required=False)
    target_value = forms.IntegerField(
        label="目标值", required=False, min_value=1, help_text="服务时长填小时数，活动次数填次数；无量化目标可不填"
    )

    def data_for_service(self) -> CommitmentData:
        d = self.cleaned_data
        kind = d.get("target_kind") or ""
        value = d.get("target_value")
        if kind == TargetKind.MINUTES and value is not None:
            value = value * 60  # typed in hours, kept in minutes
        return CommitmentData(
            year=d["year"], setting=d["setting"], text=d["text"], target_kind=kind, target_value=value if kind else None
        )


class CommitmentEditForm(CheckedForm):
    """Rewording a commitment while it is 进行中: year and setting stay."""

    text = CommitmentForm.base_fields["text"]
    target_kind = CommitmentForm.base_fields["target_kind"]
    target_value = CommitmentForm.base_fields["target_value"]

    @classmethod
    def initial_for(cls, commitment: Any) -> dict[str, Any]:
        value = commitment.target_value
        if commitment.target_kind == TargetKind.MINUTES and value is not None:
            value = value // 60  # kept in minutes, typed in hours
        return {"text": commitment.text, "target_kind": commitment.target_kind, "target_value": value}

    def target(self) -> tuple[str, int | None]:
        d = self.cleaned_data
        kind = d.get("target_kind") or ""
        value = d.get("target_value")
        if kind == TargetKind.MINUTES and value is not None:
            value = value * 60
        return kind, value if kind else None


class AdminCommitmentForm(CommitmentForm):
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20)

    field_order = ["volunteer_number", "year", "setting", "text", "target_kind", "target_value"]


class CommitmentFilterForm(CheckedForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    setting = forms.ChoiceField(label="场景", required=False, choices=[("", "全部场景"), *CommitmentSetting.choices])
    status = forms.ChoiceField(label="兑现情况", required=False, choices=[("", "全部状态"), *CommitmentStatus.choices])
    q = forms.CharField(label="姓名", required=False, max_length=50)

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *year_choices()]  # type: ignore[attr-defined]  # a ChoiceField
        if orgs is not None:
            self.fields["org"] = org_field(orgs, required=False)


class FollowUpForm(CheckedForm):
    status = forms.ChoiceField(label="兑现情况", choices=CommitmentStatus.choices)
    note = forms.CharField(label="跟进说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    followed_on = forms.DateField(label="跟进日期", widget=DATE, initial=timezone.localdate)


class ExemplarForm(CheckedForm):
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="事迹正文", widget=forms.Textarea(attrs={"rows": 8}))
    volunteer_numbers = forms.CharField(
        label="关联志愿者编号", required=False, help_text="多个编号用逗号或空格分隔", max_length=1000
    )
    teams = forms.ModelMultipleChoiceField(label="关联服务队", queryset=OrgNode.objects.none(), required=False)
    captions = forms.CharField(
        label="照片说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一条，按照片顺序；照片限 JPG/PNG/WebP，每张不超过5MB，最多9张",
    )

    def __init__(self, *args: Any, orgs: Any = None, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = org_field(orgs, label="所属组织")
            self.order_fields(["title", "org"])
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]  # a ModelMultipleChoiceField

    def numbers(self) -> list[str]:
        raw = (self.cleaned_data.get("volunteer_numbers") or "").replace("，", ",").replace(",", " ")
        return [n for n in raw.split() if n]

    def caption_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("captions") or "").splitlines()]


class UnpublishForm(CheckedForm):
    reason = forms.CharField(label="撤下原因", max_length=300)


class SessionForm(CheckedForm):
    title = forms.CharField(label="培训主题", max_length=100)
    category = forms.ChoiceField(label="培训类别", choices=TrainingCategory.choices)
    trainer = forms.CharField(label="授课人", max_length=50)
    place = forms.CharField(label="地点", max_length=100)
    starts_at = forms.DateTimeField(label="开始时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    minutes = forms.IntegerField(label="计入培训时长（分钟）", min_value=1)
    capacity = forms.IntegerField(label="名额", min_value=1)
    description = forms.CharField(label="培训内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = org_field(orgs, label="主办组织")
            self.order_fields(["title", "org"])

    def data_for_service(self) -> SessionData:
        d = self.cleaned_data
        return SessionData(
            title=d["title"],
            category=d["category"],
            trainer=d["trainer"],
            place=d["place"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            minutes=d["minutes"],
            capacity=d["capacity"],
            description=d.get("description") or "",
        )


class EnrolForm(CheckedForm):
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20)


class PeriodForm(CheckedForm):
    start = forms.DateField(label="自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = org_field(orgs, label="组织")
        self.order_fields(["org"])


def year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)
