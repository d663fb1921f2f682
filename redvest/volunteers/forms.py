"""Forms only parse input; every rule (required fields included) is checked by the services, so one
submission shows every problem at once. `REQUIRED` marks fields in the templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from redvest.core.forms import CheckedForm
from redvest.orgs.models import OrgKind, OrgNode
from redvest.volunteers.models import (
    Gender,
    IdType,
    PoliticalStatus,
    RecruitmentSource,
    ServiceCategory,
    VolunteerStatus,
)
from redvest.volunteers.selectors import VolunteerFilters
from redvest.volunteers.services import ConsentChoices, VolunteerData, split_list

# The three ways in (seed 003); 未记录 is only what older rows hold, shown as the empty choice.
SOURCE_CHOICES = [("", "请选择"), *[c for c in RecruitmentSource.choices if c[0] != RecruitmentSource.UNRECORDED]]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "请选择")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, obj.depth - 1) + obj.name


class TeamChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "请选择服务队")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.org.name} · {obj.name}"


class PersonFields(CheckedForm):
    name = forms.CharField(label="姓名", required=False, max_length=100)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, required=False, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(
        label="证件号码", required=False, max_length=40, help_text="18位居民身份证号会校验校验位和出生日期"
    )
    gender = forms.ChoiceField(label="性别", choices=[("", "按身份证号自动识别"), *Gender.choices], required=False)
    birth_date = forms.DateField(
        label="出生日期", required=False, widget=DATE, help_text="居民身份证可不填，按号码识别"
    )
    phone = forms.CharField(
        label="手机号", required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    political_status = forms.ChoiceField(
        label="政治面貌", choices=[("", "请选择"), *PoliticalStatus.choices], required=False
    )
    party_org = OrgChoiceField(label="所在党组织", queryset=OrgNode.objects.none(), required=False, empty_label="无")
    work_unit = forms.CharField(label="工作单位", required=False, max_length=200)
    residence_area = forms.CharField(label="居住地区", required=False, max_length=200)
    skills = forms.CharField(
        label="服务技能", required=False, max_length=500, help_text="多项用顿号或逗号分隔，如 急救、驾驶"
    )
    service_categories = forms.MultipleChoiceField(
        label="服务类别", choices=ServiceCategory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    specialties = forms.CharField(label="特长", required=False, max_length=400)
    service_post = forms.CharField(label="服务岗位", required=False, max_length=200)
    availability = forms.CharField(label="可服务时间", required=False, max_length=200, help_text="如 周末、工作日晚上")
    recruitment_source = forms.ChoiceField(label="招募来源", choices=SOURCE_CHOICES, required=False)
    recommender = forms.CharField(
        label="推荐人", required=False, max_length=100, help_text="组织推荐或群众推荐时可填推荐单位或推荐人姓名"
    )
    guardian_name = forms.CharField(label="监护人姓名", required=False, max_length=100, help_text="未满18周岁必填")
    guardian_phone = forms.CharField(label="监护人手机号", required=False, max_length=20, help_text="未满18周岁必填")
    guardian_consent_date = forms.DateField(
        label="监护人同意日期", required=False, widget=DATE, help_text="未满18周岁必填"
    )
    guardian_note = forms.CharField(
        label="监护说明",
        required=False,
        max_length=400,
        help_text="未满14周岁必填，如：仅在监护人陪同下参加志愿服务",
    )

    REQUIRED: tuple[str, ...] = ("name", "id_number", "phone", "political_status")
    # Left empty: an edit keeps 未记录 for older rows; the registration forms preselect (and fall back to) theirs.
    DEFAULT_SOURCE: str = RecruitmentSource.UNRECORDED

    def __init__(self, *args: Any, party_orgs: QuerySet[OrgNode] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_field: Any = self.fields["party_org"]
        party_field.queryset = party_orgs if party_orgs is not None else OrgNode.objects.filter(kind=OrgKind.PARTY_ORG)

    def to_data(self) -> VolunteerData:
        c = self.cleaned_data
        return VolunteerData(
            name=c.get("name") or "",
            gender=c.get("gender") or "",
            birth_date=c.get("birth_date"),
            id_type=c.get("id_type") or IdType.RESIDENT_ID,
            id_number=c.get("id_number") or "",
            phone=c.get("phone") or "",
            political_status=c.get("political_status") or "",
            party_org=c.get("party_org"),
            work_unit=c.get("work_unit") or "",
            residence_area=c.get("residence_area") or "",
            skills=split_list(c.get("skills") or ""),
            service_categories=list(c.get("service_categories") or []),
            specialties=c.get("specialties") or "",
            service_post=c.get("service_post") or "",
            availability=c.get("availability") or "",
            guardian_name=c.get("guardian_name") or "",
            guardian_phone=c.get("guardian_phone") or "",
            guardian_consent_date=c.get("guardian_consent_date"),
            guardian_note=c.get("guardian_note") or "",
            recruitment_source=c.get("recruitment_source") or self.DEFAULT_SOURCE,
            recommender=c.get("recommender") or "",
        )

    @staticmethod
    def initial_from(data: VolunteerData) -> dict[str, Any]:
        initial = dict(data.__dict__)
        initial["skills"] = "、".join(data.skills)
        if data.recruitment_source == RecruitmentSource.UNRECORDED:
            initial["recruitment_source"] = ""
        return initial


class VolunteerCreateForm(PersonFields):
    """An administrator registers a person: org limited to nodes they manage, team among teams they may assign."""

    org = OrgChoiceField(label="所属组织", queryset=OrgNode.objects.none(), required=False)
    team = TeamChoiceField(
        label="组织关系服务队",
        queryset=None,
        required=False,
        help_text="每名志愿者有且只有一个组织关系服务队",
    )
    password = forms.CharField(
        label="登录密码（可选）",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="填写则同时开通登录账号，用户名为手机号",
    )

    field_order = ["org", "team"]
    DEFAULT_SOURCE = RecruitmentSource.ORGANIZATION
    REQUIRED: tuple[str, ...] = ("name", "id_number", "phone", "political_status", "org", "team", "recruitment_source")

    def __init__(self, *args: Any, orgs: QuerySet[OrgNode], teams: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.queryset = orgs
        # Choosing an org narrows the team picker to that subtree (htmx swaps the <option>s).
        org_field.widget.attrs.update(
            {"hx-get": reverse("volunteers:team-options"), "hx-target": "#id_team", "hx-trigger": "change"}
        )
        team_field: Any = self.fields["team"]
        team_field.queryset = teams
        self.fields["recruitment_source"].initial = self.DEFAULT_SOURCE


class VolunteerEditForm(PersonFields):
    """Org and team are not edited here: moving someone is a team transfer (teams app)."""


class SelfRegisterForm(PersonFields):
    """Public self-registration: the team decides the org; a login account is created (username = phone)."""

    team = TeamChoiceField(label="报名加入的服务队", queryset=None, required=False)
    password = forms.CharField(
        label="登录密码", required=False, widget=forms.PasswordInput, help_text="至少8位，不能全是数字"
    )
    password_confirm = forms.CharField(label="确认密码", required=False, widget=forms.PasswordInput)
    consent_processing = forms.BooleanField(label="我已阅读并同意《个人信息处理告知同意书》", required=False)
    consent_sensitive = forms.BooleanField(label="我已阅读并单独同意《敏感个人信息单独同意书》", required=False)
    consent_guardian = forms.BooleanField(
        label="监护人已阅读并同意《监护人同意书》", required=False, help_text="未满18周岁必选"
    )

    CONSENT_FIELDS: tuple[str, ...] = ("consent_processing", "consent_sensitive", "consent_guardian")
    field_order = ["team"]
    DEFAULT_SOURCE = RecruitmentSource.SELF
    REQUIRED: tuple[str, ...] = (
        "name",
        "id_number",
        "phone",
        "political_status",
        "team",
        "recruitment_source",
        "password",
        "password_confirm",
        "consent_processing",
        "consent_sensitive",
    )

    def __init__(self, *args: Any, teams: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = teams
        self.fields["recruitment_source"].initial = self.DEFAULT_SOURCE

    def consents(self) -> ConsentChoices:
        c = self.cleaned_data
        return ConsentChoices(
            processing=bool(c.get("consent_processing")),
            sensitive=bool(c.get("consent_sensitive")),
            guardian=bool(c.get("consent_guardian")),
        )


class StatusForm(CheckedForm):
    status = forms.ChoiceField(label="变更为", choices=VolunteerStatus.choices)
    reason = forms.CharField(label="原因", required=False, max_length=400, help_text="暂停或注销须填写原因")


class ImportUploadForm(CheckedForm):
    org = OrgChoiceField(label="导入到组织", queryset=OrgNode.objects.none(), required=False)
    file = forms.FileField(label="Excel文件（.xlsx）", required=False)

    REQUIRED = ("org", "file")

    def __init__(self, *args: Any, orgs: QuerySet[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.queryset = orgs


class ImportConfirmForm(CheckedForm):
    skip_bad_rows = forms.BooleanField(label="只导入正确行（错误行不导入，可下载错误报告）", required=False)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def filters_from(params: Any) -> VolunteerFilters:
    """List filters from a query string; anything unparsable is ignored rather than an error page."""
    status = params.get("status", "")
    political = params.get("political_status", "")
    source = params.get("recruitment_source", "")
    return VolunteerFilters(
        q=params.get("q", "")[:50],
        phone=params.get("phone", "")[:20],
        id_number=params.get("id_number", "")[:40],
        org_id=_int_or_none(params.get("org")),
        status=status if status in VolunteerStatus.values else "",
        political_status=political if political in PoliticalStatus.values else "",
        team_id=_int_or_none(params.get("team")),
        recruitment_source=source if source in RecruitmentSource.values else "",
    )
