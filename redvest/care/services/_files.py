"""Uploaded evidence and photos: the one file check the consent and visit forms share."""

from __future__ import annotations

from typing import Any

from redvest.core.errors import DomainError
from redvest.records.services.grants import evidence_check


def has_file(upload: Any) -> bool:
    return upload is not None and bool(getattr(upload, "name", ""))


def file_errors(upload: Any, *, field: str) -> dict[str, str]:
    try:
        evidence_check(upload)
    except DomainError as exc:
        return {field: exc.message.replace("佐证材料", "文件")}
    return {}
