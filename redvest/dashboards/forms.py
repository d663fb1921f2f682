"""The export form: it only parses; the service decides what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from redvest.core.excel import FORMATS
from redvest.core.forms import CheckedForm


class ExportForm(CheckedForm):
    table = forms.ChoiceField(label="数据表")
    org = forms.TypedChoiceField(label="组织范围", coerce=int)
    category = forms.CharField(label="类别", required=False, max_length=30)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label="文件格式", choices=FORMATS, initial="xlsx", required=False)
    include_sensitive = forms.BooleanField(label="包含完整证件号码和手机号（需有权限，留痕）", required=False)

    def __init__(self, *args: Any, tables: list[tuple[str, str]], orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["table"]).choices = tables
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs
