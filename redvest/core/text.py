"""Control characters in user text: refused on input (API, forms, imports), removed at every output.

A NUL or a form feed in a name breaks the Excel writer and makes XML unparseable, and nobody types
one on purpose. Tab, LF and CR are legitimate in multi-line text (textareas) but not in a single-line
field. Lone surrogates and the noncharacters U+FFFE/U+FFFF are refused too: they cannot be encoded
or are illegal in XML.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict

from redvest.core.errors import ValidationFailed

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS = re.compile("[\t\n\r]")

CONTROL_MESSAGE = "含有不可见的控制字符，请删除后重新填写"
LINE_BREAK_MESSAGE = "此项为单行文本，不能包含换行符或制表符"


def control_character_error(value: str, *, multiline: bool = True) -> str | None:
    """A Chinese message when `value` holds a character we refuse, else None."""
    if CONTROL_CHARACTERS.search(value):
        return CONTROL_MESSAGE
    if not multiline and LINE_BREAKS.search(value):
        return LINE_BREAK_MESSAGE
    return None


def first_control_character(data: Any, *, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path (keys and list indexes) of the first string in nested data holding a refused
    character, or None. Dict keys are checked too."""
    if isinstance(data, str):
        return path if CONTROL_CHARACTERS.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*path, str(key))
            if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                return here
            found = first_control_character(value, path=here)
            if found is not None:
                return found
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            found = first_control_character(value, path=(*path, str(index)))
            if found is not None:
                return found
    return None


def strip_control_characters(value: str) -> str:
    """The text without refused characters (for output of rows stored before the check)."""
    return CONTROL_CHARACTERS.sub("", value)


def posted_text(data: QueryDict, name: str, *, label: str, multiline: bool = True) -> str:
    """A free-text value posted outside a form (a reason, a note); ValidationFailed naming it (in
    Chinese) when it holds a refused character."""
    value = data.get(name, "") or ""
    if message := control_character_error(value, multiline=multiline):
        raise ValidationFailed({name: f"{label}{message}"})
    return value
