"""Forms only parse; the services decide (weights total, reasons, review state)."""

from __future__ import annotations

from typing import Any

from django import forms

from redvest.core.forms import CheckedForm
from redvest.evaluation.models import EvaluationScheme, Metric, Normalisation
from redvest.evaluation.services import COHORT_KINDS, CriterionData
from redvest.orgs.models import OrgKind, OrgNode


def _org_choices(orgs: list[OrgNode]) -> list[tuple[int, str]]:
    return [(o.pk, "　" * max(0, o.depth - 1) + o.name) for o in orgs]


class SchemeForm(CheckedForm):
    org = forms.TypedChoiceField(label="制定单位", coerce=int)
    name = forms.CharField(label="方案名称", max_length=100)
    description = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _org_choices(orgs)  # type: ignore[attr-defined]  # a ChoiceField


class CriteriaForm(CheckedForm):
    """One row per metric of the registry: a weight (blank or 0 leaves it out), a normalisation, a target."""

    name = forms.CharField(label="方案名称", max_length=100, required=False)

    def __init__(self, *args: Any, scheme: EvaluationScheme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {c.metric: c for c in scheme.criteria.all()} if scheme else {}
        if scheme is not None:
            self.fields["name"].initial = scheme.name
        for metric in Metric:
            c = current.get(metric.value)
            self.fields[f"weight_{metric.value}"] = forms.IntegerField(
                label=metric.label, required=False, min_value=0, max_value=100, initial=c.weight if c else None
            )
            self.fields[f"norm_{metric.value}"] = forms.ChoiceField(
                label="折算方式",
                choices=Normalisation.choices,
                initial=c.normalisation if c else Normalisation.RELATIVE_MAX,
            )
            self.fields[f"target_{metric.value}"] = forms.DecimalField(
                label="目标值",
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=c.target if c else None,
            )

    def rows(self) -> list[dict[str, Any]]:
        """For the template: the three fields of each metric."""
        return [
            {
                "label": m.label,
                "weight": self[f"weight_{m.value}"],
                "norm": self[f"norm_{m.value}"],
                "target": self[f"target_{m.value}"],
            }
            for m in Metric
        ]

    def criteria(self) -> list[CriterionData]:
        data = self.cleaned_data
        return [
            CriterionData(
                metric=m.value,
                weight=data[f"weight_{m.value}"],
                normalisation=data[f"norm_{m.value}"],
                target=data.get(f"target_{m.value}"),
            )
            for m in Metric
            if data.get(f"weight_{m.value}")
        ]


class RoundForm(CheckedForm):
    org = forms.TypedChoiceField(label="评议单位", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in range(1, 5)])
    cohort_kind = forms.ChoiceField(label="参评组织类型", choices=[(k.value, OrgKind(k).label) for k in COHORT_KINDS])

    def __init__(self, *args: Any, orgs: list[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _org_choices(orgs)  # type: ignore[attr-defined]  # a ChoiceField


class AdjustmentForm(CheckedForm):
    score = forms.IntegerField(widget=forms.HiddenInput)
    delta = forms.DecimalField(label="调整分值", max_digits=6, decimal_places=2)
    reason = forms.CharField(label="调整理由", max_length=300, required=False)


class BonusRuleForm(CheckedForm):
    organise_points = forms.IntegerField(label="牵头组织每次加分", min_value=0, max_value=10000)
    join_points = forms.IntegerField(label="参与组团每次加分", min_value=0, max_value=10000)
    cap_per_period = forms.IntegerField(label="每季度封顶（留空不封顶）", min_value=0, max_value=10000, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class ConsentForm(CheckedForm):
    granted = forms.TypedChoiceField(
        label="公开页面显示我的姓名",
        coerce=lambda v: v == "1",
        choices=[("1", "同意显示全名"), ("0", "不同意（显示为张*明）")],
        widget=forms.RadioSelect,
    )
