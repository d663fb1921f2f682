"""What the node, station and role writes share: the PATCH marker, the text check, the node lock."""

from __future__ import annotations

import re
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
