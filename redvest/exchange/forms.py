"""Forms of the exchange pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from redvest.core.forms import CheckedForm


class ExportForm(CheckedForm):
    org = forms.TypedChoiceField(label="组织范围", coerce=int)
    full = forms.BooleanField(label="导出全部（不按上次导出的截止时间增量导出）", required=False)

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs


class ImportForm(CheckedForm):
    org = forms.TypedChoiceField(label="导入到组织", coerce=int)
    file = forms.FileField(label="数据包（.zip）")

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs
