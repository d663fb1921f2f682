"""Forms parse and type the input; the services decide. A service error lands on its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from redvest.core.forms import CheckedForm
from redvest.orgs.forms import label_with_county
from redvest.orgs.models import OrgKind, OrgNode
from redvest.points.models import (
    REPORTED_TYPES,
    EarningBasis,
    EntryCategory,
    GradeMode,
    ItemKind,
    PointType,
)

YES_NO_INHERIT = [("", "沿用上级设置"), ("1", "是"), ("0", "否")]


def tri_state(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class RuleForm(CheckedForm):
    point_type = forms.ChoiceField(label="积分类型", choices=PointType.choices)
    basis = forms.ChoiceField(label="计分方式", choices=EarningBasis.choices)
    amount = forms.IntegerField(label="积分", min_value=1)
    daily_cap = forms.IntegerField(label="每日上限", required=False, help_text="留空为不设上限")
    yearly_cap = forms.IntegerField(label="每年上限", required=False, help_text="留空为不设上限")
    requires_approval = forms.BooleanField(label="需审核后入账", required=False)
    is_active = forms.BooleanField(label="启用（不勾选则本组织及下级不计该类积分）", required=False, initial=True)
    description = forms.CharField(label="说明", max_length=200, required=False)


class PolicyForm(CheckedForm):
    allow_fund_donation = forms.ChoiceField(label="允许捐赠给爱心基金", choices=YES_NO_INHERIT, required=False)
    allow_transfer = forms.ChoiceField(label="允许转赠给其他志愿者", choices=YES_NO_INHERIT, required=False)
    expiry_years = forms.IntegerField(
        label="积分有效期（年）", required=False, help_text="留空沿用上级；0 为永久有效；1 为当年年底过期"
    )
    hold_hours = forms.IntegerField(
        label="预约保留时长（小时）", required=False, help_text="留空沿用上级（默认72小时）"
    )


class ClaimForm(CheckedForm):
    volunteer_number = forms.CharField(label="志愿者编号", max_length=20)
    point_type = forms.ChoiceField(label="类型", choices=[(t.value, t.label) for t in REPORTED_TYPES])
    title = forms.CharField(label="事迹", max_length=100)
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=200, required=False)
    description = forms.CharField(label="经过", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = forms.FileField(label="佐证材料（照片或证明）", required=False)


class DecisionForm(CheckedForm):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "不通过"), ("revoke", "撤销")])
    points = forms.IntegerField(label="核定积分", required=False, min_value=1)
    note = forms.CharField(label="审核意见", max_length=200, required=False)


class ItemForm(CheckedForm):
    title = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=ItemKind.choices)
    points_cost = forms.IntegerField(label="所需积分", min_value=1)
    stock = forms.IntegerField(label="库存", min_value=0)
    per_person_limit = forms.IntegerField(label="每人限兑", required=False, min_value=1, help_text="留空为不限")
    valid_from = forms.DateTimeField(
        label="兑换开始", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    valid_until = forms.DateTimeField(
        label="兑换截止", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    min_tier = forms.TypedChoiceField(
        label="礼遇星级",
        coerce=int,
        initial=0,
        choices=[(0, "所有志愿者"), *[(n, f"{n}星及以上") for n in range(1, 6)]],
    )
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_active = forms.BooleanField(label="上架", required=False, initial=True)


def applicable_orgs() -> Any:
    return OrgNode.objects.filter(kind__in=[OrgKind.TOWN, OrgKind.COMMUNITY, OrgKind.ORG_DEPT]).order_by("path")


class MerchantApplyForm(CheckedForm):
    name = forms.CharField(label="商家名称", max_length=100)
    org = forms.ModelChoiceField(label="所在镇街/社区", queryset=OrgNode.objects.none())
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20)
    address = forms.CharField(label="地址", max_length=200, required=False)
    description = forms.CharField(
        label="可提供的优惠", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="例如：凭积分享受9折"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = applicable_orgs()  # type: ignore[attr-defined]  # ModelChoiceField
        label_with_county(self.fields["org"])


class ReviewForm(CheckedForm):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "不通过"), ("suspend", "暂停")])
    note = forms.CharField(label="审核意见", max_length=200, required=False)


class CounterForm(CheckedForm):
    code = forms.CharField(
        label="核销码或二维码", max_length=500, help_text="输入6位核销码，或用扫码枪扫描志愿者的二维码"
    )


class DonateForm(CheckedForm):
    target = forms.ChoiceField(label="捐赠给", choices=[("fund", "爱心基金"), ("volunteer", "其他志愿者")])
    fund = forms.TypedChoiceField(label="爱心基金", coerce=int, required=False, empty_value=None)
    recipient_number = forms.CharField(label="受赠志愿者编号", max_length=20, required=False)
    amount = forms.IntegerField(label="积分", min_value=1)
    note = forms.CharField(label="留言", max_length=100, required=False)

    def __init__(self, *args: Any, funds: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [("", "请选择"), *funds]  # type: ignore[attr-defined]  # ChoiceField


class FundForm(CheckedForm):
    org = forms.TypedChoiceField(label="所属组织", coerce=int)
    name = forms.CharField(label="基金名称", max_length=100)

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = orgs  # type: ignore[attr-defined]  # ChoiceField


class PioneerEntryForm(CheckedForm):
    number = forms.CharField(label="志愿者编号", max_length=20)
    year = forms.IntegerField(label="年度")
    category = forms.ChoiceField(label="类别", choices=EntryCategory.choices)
    score = forms.IntegerField(label="分值", required=False, min_value=1, help_text="留空按本组织默认分值")
    reason = forms.CharField(label="事由", max_length=200)
    evidence = forms.FileField(label="佐证材料", required=False)


class RevokeForm(CheckedForm):
    reason = forms.CharField(label="撤销原因", max_length=200)


class PioneerConfigForm(CheckedForm):
    base_score = forms.IntegerField(label="基础分", min_value=0)
    hour_weight = forms.DecimalField(label="每信用小时加分", min_value=Decimal(0), decimal_places=2, max_digits=7)
    points_weight = forms.DecimalField(label="每100积分加分", min_value=Decimal(0), decimal_places=2, max_digits=7)
    award_score = forms.IntegerField(label="获奖表彰默认加分", min_value=1)
    exemplar_score = forms.IntegerField(label="先进典型默认加分", min_value=1)
    complaint_score = forms.IntegerField(label="有效投诉默认扣分", min_value=1)
    violation_score = forms.IntegerField(label="违规违纪默认扣分", min_value=1)
    grade_mode = forms.ChoiceField(label="评定方式", choices=GradeMode.choices)
    excellent_min = forms.IntegerField(label="优秀分数线", min_value=0)
    good_min = forms.IntegerField(label="良好分数线", min_value=0)
    fair_min = forms.IntegerField(label="一般分数线", min_value=0)
    excellent_pct = forms.IntegerField(label="优秀比例（前%）", min_value=0, max_value=100)
    good_pct = forms.IntegerField(label="良好比例（累计前%）", min_value=0, max_value=100)
    fair_pct = forms.IntegerField(label="一般比例（累计前%）", min_value=0, max_value=100)
