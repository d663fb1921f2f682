"""Forms only parse input; every rule is checked by the services, whose messages land on these forms."""

from __future__ import annotations

from django import forms

from redvest.activities.models import ServiceCategory
from redvest.core.forms import CheckedForm
from redvest.records.models import DayKind

REASON_WIDGET = forms.Textarea(attrs={"rows": 2})


class CorrectionForm(CheckedForm):
    minutes = forms.IntegerField(label="更正后时长（分钟）", min_value=0, help_text="填 0 表示冲销该记录")
    reason = forms.CharField(label="更正原因", max_length=300, widget=REASON_WIDGET)
    evidence = forms.FileField(
        label="佐证材料",
        required=False,
        help_text="增加服务信用时长时须提供佐证（材料或说明）：照片（JPG/PNG/WebP）或文档（PDF/Word），不超过10MB",
    )
    evidence_note = forms.CharField(label="佐证说明", max_length=500, required=False, widget=REASON_WIDGET)


class ProposalDecisionForm(CheckedForm):
    decision = forms.ChoiceField(
        label="审批结果", choices=[("approve", "批准，更正生效"), ("reject", "驳回")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="审批意见", max_length=300, widget=REASON_WIDGET)


class DisputeForm(CheckedForm):
    reason = forms.CharField(label="异议理由", max_length=300, widget=REASON_WIDGET)
    claimed_minutes = forms.IntegerField(label="应为时长（分钟）", min_value=0, required=False)


class DisputeReviewForm(CheckedForm):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[("uphold", "异议成立，更正记录"), ("dismiss", "维持原记录")],
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label="更正后时长（分钟）", min_value=0, required=False, help_text="留空则按志愿者申报的时长更正"
    )
    note = forms.CharField(label="处理意见", max_length=300, widget=REASON_WIDGET)


class MakeupForm(CheckedForm):
    # Any id is accepted here so that the service, not the form, explains why an activity cannot take a make-up.
    activity = forms.IntegerField(label="活动", widget=forms.Select)
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20)
    minutes = forms.IntegerField(label="补录时长（分钟）", min_value=1, help_text="不能超过活动计划时长")
    reason = forms.CharField(label="补录原因", max_length=300, widget=REASON_WIDGET)
    evidence = forms.FileField(label="佐证材料", help_text="照片（JPG/PNG/WebP）或文档（PDF/Word），不超过10MB")

    def __init__(self, *args: object, activity_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["activity"].widget.choices = [("", "请选择活动"), *activity_choices]


class HonourForm(CheckedForm):
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20)
    minutes = forms.IntegerField(label="荣誉时长（分钟）", min_value=1)
    category = forms.ChoiceField(label="服务类别", choices=ServiceCategory.choices)
    served_on = forms.DateField(label="授予所依据的服务日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="授予原因", max_length=300, widget=REASON_WIDGET)
    evidence = forms.FileField(label="佐证材料", help_text="照片（JPG/PNG/WebP）或文档（PDF/Word），不超过10MB")
    confirm_duplicate = forms.BooleanField(
        label="确认不是重复",
        required=False,
        help_text="其他管理员已为该志愿者授予同日同一事迹的荣誉时数时，须核实后勾选",
    )


class AnomalyResolveForm(CheckedForm):
    action = forms.ChoiceField(
        label="处理方式", choices=[("clear", "核实无误"), ("correct", "更正时长")], widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(label="更正后时长（分钟）", min_value=0, required=False)
    note = forms.CharField(label="复核说明", max_length=300, widget=REASON_WIDGET)


class StarLevelsForm(CheckedForm):
    org = forms.TypedChoiceField(label="组织", coerce=int)
    star1 = forms.IntegerField(label="一星（小时）", min_value=1)
    star2 = forms.IntegerField(label="二星（小时）", min_value=1)
    star3 = forms.IntegerField(label="三星（小时）", min_value=1)
    star4 = forms.IntegerField(label="四星（小时）", min_value=1)
    star5 = forms.IntegerField(label="五星（小时）", min_value=1)

    def __init__(self, *args: object, org_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["org"].choices = org_choices  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field

    def thresholds(self) -> list[int]:
        return [int(self.cleaned_data[f"star{i}"]) for i in range(1, 6)]


class CertificateIssueForm(CheckedForm):
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20, required=False, help_text="为本人出具时留空")
    period_start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class RevokeForm(CheckedForm):
    reason = forms.CharField(label="撤销原因", max_length=200, widget=REASON_WIDGET)


class HolidayYearForm(CheckedForm):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(
        label="依据通知", max_length=200, required=False, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )


class HolidayYearImportForm(CheckedForm):
    year = forms.TypedChoiceField(label="年份", coerce=int)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]  # a ChoiceField


class CalendarDaysForm(CheckedForm):
    first = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="只录入一天时留空"
    )
    kind = forms.ChoiceField(label="安排", choices=DayKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label="名称", max_length=40, required=False, help_text="如：春节、春节调休上班")
    reason = forms.CharField(
        label="修改原因", max_length=300, required=False, help_text="已确认生效的年份须填写", widget=REASON_WIDGET
    )


class HolidayYearConfirmForm(CheckedForm):
    complete = forms.TypedChoiceField(
        label="状态",
        coerce=lambda value: value == "1",
        choices=[("1", "已按通知录入完毕，确认生效"), ("0", "尚在录入，暂不生效")],
        widget=forms.RadioSelect,
    )
    notice = forms.CharField(label="依据通知", max_length=200, required=False)
    reason = forms.CharField(
        label="原因", max_length=300, required=False, help_text="撤回已生效的年份时须填写", widget=REASON_WIDGET
    )
