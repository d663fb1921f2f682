"""The base of every project form: text fields refuse control characters, single-line ones line breaks too.

Every form in redvest derives from `CheckedForm` (or mixes in `ControlCharacterChecks`), so a NUL in
特长 becomes a Chinese error on that field instead of a row that breaks the Excel export later; a test
(`core/tests/test_forms.py`) keeps it so for forms added later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest

from redvest.core.errors import DomainError, ValidationFailed
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


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error on the field it names (each of a ValidationFailed's), or on top of the form
    when the form has no such field."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class FormRun[T]:
    """What running a page's form action came to: truthy when the service ran; `value` is what it returned;
    `status` is the one to re-render the form with (200 not submitted, 400 invalid input, else the service
    error's own status, its message already on the form)."""

    __slots__ = ("_value", "ok", "status")

    def __init__(self, *, ok: bool, status: int, value: T | None = None) -> None:
        self.ok = ok
        self.status = status
        self._value = value

    def __bool__(self) -> bool:
        return self.ok

    @property
    def value(self) -> T:
        if not self.ok:
            raise ValueError("the form action did not run")
        return self._value  # type: ignore[return-value]  # ok: the action's own result (None if it returns None)


def run_form[T](request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], T]) -> FormRun[T]:
    """The one way a page runs a form: on POST validate `form`, call `action(form.cleaned_data)` (the
    service), and turn a DomainError into errors on the form. Not a POST: nothing runs (status 200)."""
    if request.method != "POST":
        return FormRun(ok=False, status=200)
    if not form.is_valid():
        return FormRun(ok=False, status=400)
    try:
        value = action(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return FormRun(ok=False, status=exc.status)
    return FormRun(ok=True, status=200, value=value)
