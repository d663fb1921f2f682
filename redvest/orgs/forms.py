"""Forms parse and type the input; the rules are in `orgs.services`, whose errors land back here."""

from __future__ import annotations

from typing import Any

from django import forms

from redvest.core.forms import CheckedForm
from redvest.orgs.models import STATION_KINDS, InspectionResult, OrgKind, StationAmenity
from redvest.orgs.selectors import county_of, county_roots, county_short_name


def label_with_county(field: Any) -> None:
    """Where a public picker lists places of several counties (a resident picking where they live), each
    option starts with its county's name (长兴县 · 城东社区): the same village name recurs from county to
    county. With one county the labels stay as they were. One query, when the options are drawn."""
    counties: list[Any] | None = None
    original = field.label_from_instance

    def label(node: Any) -> str:
        nonlocal counties
        if counties is None:
            counties = county_roots()
        county = county_of(node.path, counties) if len(counties) > 1 else None
        if county is None:
            return original(node)
        indent = "　" * max(0, node.depth - county.depth - 1)  # towns flush, their villages indented
        return f"{indent}{county_short_name(county)} · {node.name}"

    field.label_from_instance = label


class NodeForm(CheckedForm):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    code = forms.CharField(label="行政区划/机构代码", max_length=20, required=False)
    team_min_size = forms.IntegerField(
        label="服务队最少人数", required=False, min_value=1, max_value=200, help_text="留空则沿用上级设置（默认5人）"
    )
    latitude = forms.DecimalField(
        label="中心点纬度",
        required=False,
        max_digits=12,
        decimal_places=8,
        help_text="村社区、镇街的中心位置，派单按此计算距离",
    )
    longitude = forms.DecimalField(label="中心点经度", required=False, max_digits=12, decimal_places=8)


class NodeMoveForm(CheckedForm):
    target = forms.IntegerField(
        label="新的上级节点", widget=forms.Select, error_messages={"required": "请选择新的上级节点"}
    )

    def __init__(self, *args: Any, targets: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "请选择")] + [
            (n.pk, f"{'　' * (n.depth - 1)}{n.name}（{n.get_kind_display()}）") for n in targets or []
        ]
        self.fields["target"].widget.choices = choices


class StationForm(CheckedForm):
    address = forms.CharField(label="地址", max_length=200, required=False)
    latitude = forms.DecimalField(label="纬度", required=False, max_digits=12, decimal_places=8, help_text="-90 到 90")
    longitude = forms.DecimalField(
        label="经度", required=False, max_digits=12, decimal_places=8, help_text="-180 到 180"
    )
    opening_hours = forms.CharField(label="开放时间", max_length=100, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    amenities = forms.MultipleChoiceField(
        label="便民服务",
        required=False,
        choices=StationAmenity.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="公开门户“附近站点”展示的服务",
    )


class EvidenceForm(CheckedForm):
    file = forms.FileField(label="佐证材料", help_text="图片、PDF或Office文档，不超过5MB")
    note = forms.CharField(label="说明", max_length=200, required=False)


class InspectionForm(CheckedForm):
    inspected_on = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label="结果", choices=InspectionResult.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StationFilterForm(CheckedForm):
    q = forms.CharField(
        label="名称或地址",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "名称或地址", "aria-label": "名称或地址"}),
    )
    org = forms.IntegerField(label="所属组织", required=False, widget=forms.Select)
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部类型")] + [(k.value, k.label) for k in OrgKind if k in STATION_KINDS],
    )
    shortfall = forms.BooleanField(label="只看未达标", required=False)

    def __init__(self, *args: Any, orgs: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].widget.choices = [("", "全部组织")] + [
            (n.pk, f"{'　' * (n.depth - 1)}{n.name}") for n in orgs or []
        ]
