"""Field rules run by the model: services call `model_full_clean` (or `model_errors`, to add their own
business errors) instead of writing a model's field checks again.

A model states its field rules on its fields and in `clean()` (one field's value, or several fields of the
same row, in the app's Chinese wording); services keep the rules that read other rows or the actor.
Django's ValidationError becomes the app's `ValidationFailed` ({field: message}), so the API answers 422
`{"code", "message", "errors"}` and a page shows the message on its field.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from redvest.core.errors import ValidationFailed


def _messages(exc: DjangoValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def model_errors(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, str]:
    """What `instance.full_clean()` finds, as field errors with one message per field.

    The same steps as `full_clean` (each field's checks, then `Model.clean()`), with the model's own
    messages first and in its order, and preferred on a field both speak about: they carry the app's
    wording. Relations are left out (the service fetched and checked those rows; validating a foreign key
    costs a query), and so are unique checks and constraints (the database and the service's
    IntegrityError handling answer those without extra queries)."""
    skip = set(exclude) | {f.name for f in instance._meta.get_fields() if f.is_relation}
    found: dict[str, list[str]] = {}
    own: dict[str, list[str]] = {}
    try:
        instance.clean_fields(exclude=skip)
    except DjangoValidationError as exc:
        found = _messages(exc)
    try:
        instance.clean()
    except DjangoValidationError as exc:
        own = _messages(exc)
    errors = {field: messages[0] for field, messages in own.items()}
    for field, messages in found.items():
        errors.setdefault(field, messages[0])
    return errors


def model_full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Raise ValidationFailed with `model_errors(instance)` when there are any."""
    if errors := model_errors(instance, exclude=exclude):
        raise ValidationFailed(errors)
