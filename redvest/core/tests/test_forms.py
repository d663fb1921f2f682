"""Every project form refuses control characters in text, and line breaks in single-line text."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import redvest
from redvest.core.forms import CheckedForm, ControlCharacterChecks, TextCheck


class NoteForm(CheckedForm):
    title = forms.CharField(required=False)
    body = forms.CharField(required=False, widget=forms.Textarea)
    email = forms.EmailField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # forwarded as given
        self.fields["added_later"] = forms.CharField(required=False)


@pytest.mark.parametrize("field", ["title", "body", "added_later"])
@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_control_character_is_a_chinese_error_on_its_field(field: str, char: str) -> None:
    form = NoteForm(data={field: f"急救{char}驾驶"})
    assert not form.is_valid()
    assert form.errors == {field: ["含有不可见的控制字符，请删除后重新填写"]}


@pytest.mark.parametrize("char", ["\n", "\r", "\t"])
def test_line_breaks_and_tabs_are_refused_in_single_line_fields_only(char: str) -> None:
    form = NoteForm(data={"title": f"标题{char}续", "body": f"第一行{char}第二行"})
    assert not form.is_valid()
    assert form.errors == {"title": ["此项为单行文本，不能包含换行符或制表符"]}


def test_clean_text_passes_and_a_second_validation_adds_no_duplicate_check() -> None:
    form = NoteForm(data={"title": "标题", "body": "第一行\r\n第二行\t完"})
    assert form.is_valid()
    form.full_clean()
    assert form.fields["title"].validators == [TextCheck(multiline=False)]


def _all_project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(redvest.__path__, "redvest."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("redvest.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_project_form_checks_its_text_fields() -> None:
    project_forms = _all_project_forms()
    assert len(project_forms) > 90
    unchecked = [
        f"{cls.__module__}.{cls.__name__}" for cls in project_forms if not issubclass(cls, ControlCharacterChecks)
    ]
    assert unchecked == []
