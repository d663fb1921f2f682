"""Forms parse what people type; the 联户 services decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from redvest.core.forms import CheckedForm
from redvest.households.models import ContactWay
from redvest.households.services import ContactData, HouseholdData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(CheckedForm):
    org = forms.TypedChoiceField(label="所在村社区", coerce=int, empty_value=None, required=False)
    head_name = forms.CharField(label="户主姓名", max_length=50, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    phone = forms.CharField(
        label="联系电话", required=False, max_length=20, widget=forms.TextInput({"inputmode": "tel"})
    )
    notes = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea({"rows": 2}))
    volunteer = forms.CharField(
        label="联户志愿者编号", required=False, max_length=20, help_text="填写志愿者编号，或选择下方服务队（二选一）"
    )
    team = forms.TypedChoiceField(label="联户服务队", coerce=int, empty_value=None, required=False)

    REQUIRED = ("org", "head_name")

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.choices = [("", "——请选择——"), *orgs]
        team_field: Any = self.fields["team"]
        team_field.choices = [("", "——不选——"), *teams]

    def data_object(self, *, volunteer_id: int | None) -> HouseholdData:
        c = self.cleaned_data
        return HouseholdData(
            org_id=c.get("org"),
            head_name=c.get("head_name") or "",
            address=c.get("address") or "",
            phone=c.get("phone") or "",
            notes=c.get("notes") or "",
            volunteer_id=volunteer_id,
            team_id=c.get("team"),
        )


class ContactForm(CheckedForm):
    contacted_on = forms.DateField(label="联系日期", widget=DATE, required=False)
    way = forms.ChoiceField(label="联系方式", choices=[("", "——请选择——"), *ContactWay.choices], required=False)
    content = forms.CharField(label="联系内容", widget=forms.Textarea({"rows": 4}), max_length=2000, required=False)
    follow_up = forms.BooleanField(label="需要跟进", required=False)

    REQUIRED = ("contacted_on", "way", "content")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()

    def data_object(self) -> ContactData:
        c = self.cleaned_data
        return ContactData(
            contacted_on=c.get("contacted_on"),
            way=c.get("way") or "",
            content=c.get("content") or "",
            follow_up=bool(c.get("follow_up")),
        )
