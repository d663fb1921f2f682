"""Forms parse what people type; the equipment services decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from redvest.core.forms import CheckedForm
from redvest.equipment.models import MovementKind, ReturnCondition
from redvest.equipment.services import MovementData


class MovementForm(CheckedForm):
    kind = forms.ChoiceField(label="类型", choices=[("", "——请选择——"), *MovementKind.choices], required=False)
    item = forms.TypedChoiceField(label="物品", coerce=int, empty_value=None, required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=10000, required=False)
    volunteer_number = forms.CharField(
        label="志愿者编号", max_length=30, required=False, help_text="发放、归还、遗失时填写"
    )
    condition = forms.ChoiceField(
        label="归还状况", choices=[("", "——不适用——"), *ReturnCondition.choices], required=False
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    REQUIRED = ("kind", "item", "quantity")

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field: Any = self.fields["item"]
        item_field.choices = [("", "——请选择——"), *items]

    def data_object(self) -> MovementData:
        c = self.cleaned_data
        return MovementData(
            kind=c.get("kind") or "",
            item_id=c.get("item"),
            quantity=c.get("quantity"),
            volunteer_number=c.get("volunteer_number") or "",
            condition=c.get("condition") or "",
            note=c.get("note") or "",
        )
