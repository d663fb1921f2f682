"""Forms parse input only; the rules (reasons, required comments, immutability) live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from redvest.core.forms import CheckedForm
from redvest.reports.models import MINUTE_KEYS, QuarterlyReport
from redvest.reports.services import FigureInput


class QuarterForm(CheckedForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]
    )


class ReportForm(CheckedForm):
    """A field per figure (`figure_<key>`, with `reason_<key>`) and the narrative."""

    highlights = forms.CharField(label="工作亮点", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_plan = forms.CharField(label="下季度计划", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, report: QuarterlyReport, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            "highlights": report.highlights,
            "problems": report.problems,
            "next_plan": report.next_plan,
        }
        self.report_figures = list(report.figures.all())
        for f in self.report_figures:
            initial[f"figure_{f.key}"] = f.reported_value
            initial[f"reason_{f.key}"] = f.reason
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for f in self.report_figures:
            label = f.get_key_display()
            self.fields[f"figure_{f.key}"] = forms.IntegerField(
                label=label,
                min_value=0,
                help_text="单位：分钟" if f.key in MINUTE_KEYS else "",
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-record": f.record_value}),
            )
            self.fields[f"reason_{f.key}"] = forms.CharField(label=f"{label}调整说明", required=False, max_length=300)

    def rows(self) -> list[dict[str, Any]]:
        """Each figure with its bound fields, for the template."""
        return [
            {"figure": f, "value": self[f"figure_{f.key}"], "reason": self[f"reason_{f.key}"]}
            for f in self.report_figures
        ]

    def figure_inputs(self) -> dict[str, FigureInput]:
        return {
            f.key: FigureInput(self.cleaned_data[f"figure_{f.key}"], self.cleaned_data.get(f"reason_{f.key}") or "")
            for f in self.report_figures
        }


class ReviewForm(CheckedForm):
    decision = forms.ChoiceField(choices=[("accept", "通过"), ("return", "退回")])
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CircularForm(CheckedForm):
    org = forms.TypedChoiceField(label="发布单位", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]
    )
    title = forms.CharField(label="标题", max_length=200)
    intro = forms.CharField(label="一、总体情况", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    highlights = forms.CharField(
        label="二、工作亮点",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="新建时按本季度记录起草，可修改",
    )
    problems = forms.CharField(label="三、存在问题", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label="四、下步工作", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    correction_note = forms.CharField(
        label="更正说明", required=False, max_length=300, help_text="新建已发布通报的更正版时必填"
    )

    def __init__(self, *args: Any, orgs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]  # type: ignore[attr-defined]  # a ChoiceField


class CircularEditForm(CheckedForm):
    title = forms.CharField(label="标题", max_length=200)
    intro = forms.CharField(label="一、总体情况", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    highlights = forms.CharField(
        label="二、工作亮点",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="新建时按本季度记录起草，可修改",
    )
    problems = forms.CharField(label="三、存在问题", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label="四、下步工作", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    correction_note = forms.CharField(label="更正说明", required=False, max_length=300)
