"""Forms parse what people type; the care services decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from redvest.care.models import (
    CareCategory,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
    Gender,
    LivingSituation,
    VisitForm,
)
from redvest.care.services import HealthData, RecipientData, VisitData
from redvest.core.forms import CheckedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: str = "——请选择——") -> list[tuple[str, str]]:
    return [("", label), *choices]


class RecipientForm(CheckedForm):
    org = forms.TypedChoiceField(label="所在村社区", coerce=int, empty_value=None)
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=_blank(Gender.choices))
    birth_year = forms.IntegerField(label="出生年份", required=False, min_value=1900, max_value=2100)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE)
    phone = forms.CharField(
        label="联系电话", required=False, max_length=20, widget=forms.TextInput({"inputmode": "tel"})
    )
    address = forms.CharField(label="住址", required=False, max_length=200)
    category = forms.ChoiceField(label="主要类别", choices=_blank(CareCategory.choices))
    other_categories = forms.MultipleChoiceField(
        label="其他类别", required=False, choices=CareCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    living_situation = forms.ChoiceField(label="居住状况", choices=LivingSituation.choices)
    living_note = forms.CharField(
        label="生活情况说明", required=False, max_length=500, widget=forms.Textarea({"rows": 3})
    )
    cadence_days = forms.IntegerField(
        label="走访周期（天）", required=False, min_value=1, max_value=366, help_text="留空则按类别的走访周期"
    )

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank([(str(pk), name) for pk, name in orgs])  # type: ignore[attr-defined]  # ChoiceField

    def data_object(self) -> RecipientData:
        c = self.cleaned_data
        return RecipientData(
            org_id=c["org"],
            name=c["name"],
            gender=c["gender"],
            category=c["category"],
            birth_year=c["birth_year"],
            birth_date=c["birth_date"],
            phone=c["phone"],
            address=c["address"],
            other_categories=list(c["other_categories"]),
            living_situation=c["living_situation"],
            living_note=c["living_note"],
            cadence_days=c["cadence_days"],
        )


class ConsentForm(CheckedForm):
    given_by = forms.ChoiceField(label="同意人", choices=_blank(ConsentGiver.choices))
    giver_name = forms.CharField(label="同意人姓名", max_length=50)
    method = forms.ChoiceField(label="同意方式", choices=_blank(ConsentMethod.choices))
    given_on = forms.DateField(label="同意日期", widget=DATE, initial=timezone.localdate)
    evidence = forms.FileField(
        label="同意书扫描件（可选，PDF/JPG/PNG）",
        required=False,
        widget=forms.ClearableFileInput({"accept": ".pdf,image/*"}),
    )


class HealthForm(CheckedForm):
    conditions = forms.CharField(label="健康状况", required=False, max_length=2000, widget=forms.Textarea({"rows": 3}))
    disability_type = forms.ChoiceField(label="残疾类别", required=False, choices=DisabilityType.choices)
    disability_grade = forms.TypedChoiceField(
        label="残疾等级",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "无"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
    )
    medication = forms.CharField(label="用药情况", required=False, max_length=1000, widget=forms.Textarea({"rows": 2}))
    care_notes = forms.CharField(
        label="照护注意事项", required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )

    def data_object(self) -> HealthData:
        c = self.cleaned_data
        return HealthData(
            conditions=c["conditions"],
            disability_type=c["disability_type"] or "",
            disability_grade=c["disability_grade"],
            medication=c["medication"],
            care_notes=c["care_notes"],
        )


class PairingForm(CheckedForm):
    volunteer = forms.TypedChoiceField(label="志愿者", required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label="或服务队", required=False, coerce=int, empty_value=None)
    started_on = forms.DateField(label="结对日期", widget=DATE, initial=timezone.localdate)

    def __init__(
        self, *args: Any, volunteers: list[tuple[int, str]], teams: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].choices = _blank([(str(k), v) for k, v in volunteers], "——不选——")  # type: ignore[attr-defined]  # ChoiceField
        self.fields["team"].choices = _blank([(str(k), v) for k, v in teams], "——不选——")  # type: ignore[attr-defined]  # ChoiceField


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200)


class VisitLogForm(CheckedForm):
    pairing = forms.TypedChoiceField(label="结对关系", required=False, coerce=int, empty_value=None)
    visited_on = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    form = forms.ChoiceField(label="走访形式", choices=VisitForm.choices)
    duration_minutes = forms.IntegerField(
        label="时长（分钟）",
        min_value=0,
        max_value=1440,
        initial=30,
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    notes = forms.CharField(label="走访情况", required=False, max_length=4000, widget=forms.Textarea({"rows": 3}))
    photo = forms.FileField(
        label="照片（可选）", required=False, widget=forms.ClearableFileInput({"accept": "image/*"})
    )
    need_found = forms.CharField(
        label="发现的需求", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    need_item_code = forms.ChoiceField(label="对应服务项目", required=False)
    create_request = forms.BooleanField(label="转为需求工单（提交后自动登记到需求调度）", required=False)

    def __init__(
        self, *args: Any, pairings: list[tuple[int, str]], items: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pairing"].choices = _blank([(str(k), v) for k, v in pairings], "——不计入结对——")  # type: ignore[attr-defined]  # ChoiceField
        if not pairings:
            del self.fields["pairing"]
        self.fields["need_item_code"].choices = _blank(items, "——选择服务项目——")  # type: ignore[attr-defined]  # ChoiceField

    def data_object(self) -> VisitData:
        c = self.cleaned_data
        return VisitData(
            visited_on=c["visited_on"],
            form=c["form"],
            duration_minutes=c["duration_minutes"],
            notes=c["notes"],
            need_found=c["need_found"],
            need_item_code=c["need_item_code"],
            create_request=c["create_request"],
            pairing_id=c.get("pairing"),
            photo=c.get("photo"),
        )


class CadenceForm(CheckedForm):
    category = forms.ChoiceField(choices=CareCategory.choices)
    days = forms.IntegerField(label="走访周期（天）", min_value=1, max_value=366)
