"""Forms parse what people type; the services decide whether it is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from redvest.activities.models import Activity, ActivityMode, ServiceCategory, TallyCategory
from redvest.activities.selectors import brand_choices, org_choices_for_activity, team_choices_for_activity
from redvest.activities.services import ActivityData, InsuranceData, OutcomeData
from redvest.core.forms import CheckedForm
from redvest.orgs.models import OrgNode
from redvest.teams.models import BrandProject, Team
from redvest.volunteers.models import Volunteer

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


def datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT])


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, obj.depth - 1) + obj.name


class TeamMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


class ActivityForm(CheckedForm):
    title = forms.CharField(label="活动名称", max_length=100)
    org = OrgChoiceField(label="组织", queryset=OrgNode.objects.none())
    teams = TeamMultipleChoiceField(
        label="组织队伍", queryset=Team.objects.none(), help_text="可多选：多支队伍可联合组织一次活动"
    )
    brand = forms.ModelChoiceField(label="品牌项目", queryset=BrandProject.objects.none(), required=False)
    category = forms.ChoiceField(label="服务类别", choices=ServiceCategory.choices)
    mode = forms.ChoiceField(
        label="服务方式",
        choices=ActivityMode.choices,
        help_text="分散服务：已注册志愿者无需报名，凭签到码在现场签到",
    )
    is_theme_party_day = forms.BooleanField(label="主题党日活动", required=False)
    place = forms.CharField(label="地点", max_length=200)
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6)
    geofence_radius_m = forms.IntegerField(label="签到范围（米）", initial=500)
    start_at = datetime_field("开始时间")
    end_at = datetime_field("结束时间")
    recruit_start = datetime_field("招募开始")
    recruit_end = datetime_field("招募截止")
    quota = forms.IntegerField(label="招募人数", initial=10)
    requires_approval = forms.BooleanField(label="报名需审核", required=False, initial=True)
    skills_wanted = forms.CharField(label="所需技能", required=False, help_text="多个用逗号分隔", max_length=300)
    description = forms.CharField(label="活动内容", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    has_risk = forms.BooleanField(
        label="有风险",
        required=False,
        help_text="有风险的活动：须为录用的志愿者投保意外保险后才能签到，报名须签署服务协议",
    )
    risk_description = forms.CharField(label="风险说明", required=False, max_length=200)

    def __init__(self, *args: Any, user: Any, activity: Activity | None = None, **kwargs: Any) -> None:
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(activity, f) for f in self.declared_fields if f not in {"teams", "skills_wanted"}},
                "teams": list(activity.teams.all()),
                "skills_wanted": "，".join(activity.skills_wanted or []),
            }
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for_activity(user=user)  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        self.fields["teams"].queryset = team_choices_for_activity(user=user)  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        self.fields["brand"].queryset = brand_choices(user=user)  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field

    def data_for_service(self) -> ActivityData:
        d = self.cleaned_data
        skills = [s for s in d["skills_wanted"].replace("，", ",").split(",") if s.strip()]
        return ActivityData(
            title=d["title"],
            org=d["org"],
            teams=list(d["teams"]),
            brand=d["brand"],
            category=d["category"],
            mode=d["mode"],
            is_theme_party_day=d["is_theme_party_day"],
            place=d["place"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            geofence_radius_m=d["geofence_radius_m"],
            start_at=d["start_at"],
            end_at=d["end_at"],
            recruit_start=d["recruit_start"],
            recruit_end=d["recruit_end"],
            quota=d["quota"],
            requires_approval=d["requires_approval"],
            skills_wanted=skills,
            description=d["description"],
            has_risk=d["has_risk"],
            risk_description=d["risk_description"],
        )


class CancelForm(CheckedForm):
    reason = forms.CharField(label="取消原因", max_length=200)


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200)


class ProxyCheckInForm(CheckedForm):
    volunteer: forms.ModelChoiceField[Volunteer] = forms.ModelChoiceField(
        label="志愿者", queryset=Volunteer.objects.none(), empty_label="请选择已录用的志愿者"
    )
    reason = forms.CharField(label="代签原因", max_length=200)

    def __init__(self, *args: Any, signups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
            pk__in=signups.values("volunteer_id")
        ).order_by("name")


class ConfirmForm(CheckedForm):
    check_out_at = forms.DateTimeField(
        label="实际签退时间", required=False, widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )


class CheckInForm(CheckedForm):
    """The no-JavaScript fallback; the page's script posts the same fields to the API."""

    code = forms.CharField(label="签到码", max_length=6, min_length=6)
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    via_qr = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OutcomeForm(CheckedForm):
    sessions = forms.IntegerField(label="场次", min_value=0, initial=1)
    beneficiaries = forms.IntegerField(label="受益人数", min_value=0, initial=0)
    problems_found = forms.IntegerField(label="发现问题", min_value=0, initial=0)
    problems_solved = forms.IntegerField(label="解决问题", min_value=0, initial=0)
    summary = forms.CharField(label="活动小结", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, categories: list[TallyCategory], values: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            self.fields[f"tally_{category.pk}"] = forms.IntegerField(
                label=f"{category.name}（{category.unit}）",
                required=False,
                min_value=0,
                initial=values.get(category.pk),
            )

    def data_for_service(self) -> OutcomeData:
        d = self.cleaned_data
        return OutcomeData(
            sessions=d["sessions"],
            beneficiaries=d["beneficiaries"],
            problems_found=d["problems_found"],
            problems_solved=d["problems_solved"],
            summary=d["summary"],
            tallies={c.pk: d.get(f"tally_{c.pk}") for c in self.categories},
        )


class PhotoForm(CheckedForm):
    image = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)


class ThemeForm(CheckedForm):
    org = OrgChoiceField(label="组织", queryset=OrgNode.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in range(1, 5)])
    title = forms.CharField(label="主题", max_length=100)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field


class TallyCategoryForm(CheckedForm):
    org = OrgChoiceField(label="组织", queryset=OrgNode.objects.none())
    name = forms.CharField(label="名称", max_length=50)
    unit = forms.CharField(label="单位", max_length=20)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field


def decimal_or_none(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except ArithmeticError:
        return None


class InsuranceForm(CheckedForm):
    insurer = forms.CharField(label="保险公司", max_length=100)
    policy_number = forms.CharField(label="保单号", max_length=64)
    cover_start = datetime_field("保障开始")
    cover_end = datetime_field("保障结束")
    volunteers: forms.ModelMultipleChoiceField[Volunteer] = forms.ModelMultipleChoiceField(
        label="被保险志愿者",
        queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="默认勾选已录用的志愿者",
    )
    evidence = forms.FileField(label="保单凭证（可选，JPG/PNG/PDF）", required=False)
    reason = forms.CharField(label="更正原因（已有保险记录时必填）", required=False, max_length=200)

    def __init__(self, *args: Any, signups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = Volunteer.objects.filter(  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
            pk__in=signups.values("volunteer_id")
        ).order_by("name", "id")

    def data_for_service(self) -> InsuranceData:
        d = self.cleaned_data
        return InsuranceData(
            insurer=d["insurer"],
            policy_number=d["policy_number"],
            cover_start=d["cover_start"],
            cover_end=d["cover_end"],
            volunteer_ids=[v.pk for v in d["volunteers"]],
            reason=d["reason"],
            evidence=d["evidence"],
        )


class GuardianPaperForm(CheckedForm):
    guardian_name = forms.CharField(label="监护人姓名", max_length=50)
    relation = forms.CharField(label="与未成年人关系", max_length=20, help_text="如：父亲、母亲、祖父")
    evidence = forms.FileField(label="签字的同意书（照片或扫描件）", required=False)


class GuardianConfirmForm(CheckedForm):
    guardian_name = forms.CharField(label="监护人姓名", max_length=50)
    relation = forms.CharField(label="与未成年人关系", max_length=20, help_text="如：父亲、母亲")
    agree = forms.BooleanField(label="我是该未成年人的监护人，同意其参加本次志愿服务活动")
