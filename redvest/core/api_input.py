"""Refuse control characters in every API input, once for all operations (registered in redvest/api.py).

Runs after ninja has parsed and validated the parameters, so it sees the values the operation would
get; a refused character answers 422 through the API's validation error handler, naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja.errors import ValidationError
from pydantic import BaseModel

from redvest.core.text import CONTROL_MESSAGE, first_control_character


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    return value


def refuse_control_characters(operation: Callable[..., Any]) -> Callable[..., Any]:
    """Operation decorator: 422 when any string parameter (at any depth) holds a control character."""

    @wraps(operation)
    def checked(request: HttpRequest, *args: Any, **params: Any) -> Any:
        for name, value in params.items():
            # A schema's fields are what the client sent (ninja flattens it); a scalar is named itself.
            found = first_control_character(_plain(value), path=() if isinstance(value, BaseModel) else (name,))
            if found is not None:
                raise ValidationError([{"type": "control_character", "loc": ["body", *found], "msg": CONTROL_MESSAGE}])
        return operation(request, *args, **params)

    return checked
