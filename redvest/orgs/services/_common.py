"""What the node, station and role writes share: the PATCH marker, the text check, the node lock."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode


class Unset:
    """Marks a PATCH field the caller did not send (None is a value: it clears the field)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset()
ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(
    value: Any,
    *,
    field: str,
    label: str,
    max_length: int,
    errors: dict[str, str],
    required: bool = False,
    multiline: bool = False,
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = f"请填写{label}"
    elif len(text) > max_length:
        errors[field] = f"{label}不能超过{max_length}个字符"
    elif (_MULTI_LINE_BAD if multiline else ONE_LINE_BAD).search(text):
        errors[field] = f"{label}含有无效字符"
    return text


def lock_node(node: OrgNode) -> OrgNode:
    """The current row under a lock: tree fields of an in-memory node go stale after any move."""
    try:
        return OrgNode.objects.select_for_update(of=("self",)).get(pk=node.pk)
    except OrgNode.DoesNotExist as exc:
        raise NotFound("组织节点不存在") from exc


def coordinate(value: Any, *, field: str, label: str, limit: int, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = f"{label}必须是数字"
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = f"{label}应在-{limit}到{limit}之间"
        return None
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def both_or_neither(latitude: Decimal | None, longitude: Decimal | None, errors: dict[str, str]) -> None:
    """A position is both coordinates or neither."""
    if not errors and (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = "经度和纬度需同时填写"
