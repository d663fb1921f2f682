"""The base of every project form: text fields refuse control characters, single-line ones line breaks too.

Every form in redvest derives from `CheckedForm` (or mixes in `ControlCharacterChecks`), so a NUL in
特长 becomes a Chinese error on that field instead of a row that breaks the Excel export later; a test
(`core/tests/test_forms.py`) keeps it so for forms added later.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from redvest.core.text import control_character_error


class TextCheck:
    """Field validator; `multiline` allows tab, LF and CR (textareas)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and (message := control_character_error(value, multiline=self.multiline)):
            raise ValidationError(message, code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextCheck) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((TextCheck, self.multiline))


class ControlCharacterChecks:
    """Form mixin: adds the text check to every text field before the form is cleaned (fields a
    subclass adds in __init__ included)."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                check = TextCheck(multiline=isinstance(field.widget, forms.Textarea))
                if check not in field.validators:
                    # Django's own NUL check would add a second, poorly translated message.
                    kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                    field.validators = [*kept, check]
        super().full_clean()  # type: ignore[misc]  # a mixin: the form class comes next in the MRO


class CheckedForm(ControlCharacterChecks, forms.Form):
    """forms.Form with the text check; the base of every project form."""
