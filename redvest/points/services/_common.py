"""Small helpers the points services share."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from redvest.accounts.models import User
from redvest.accounts.selectors import admins_over
from redvest.core.errors import DomainError
from redvest.core.services import notification_send

if TYPE_CHECKING:
    from redvest.orgs.models import OrgNode

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf")


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}", field=field, code="required")
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}字", field=field, code="too_long")
    return text


def check_evidence(evidence: UploadedFile | None, *, required: bool) -> None:
    if evidence is None:
        if required:
            raise DomainError("请上传佐证材料（照片或证明文件）", field="evidence", code="evidence_required")
        return
    name = (evidence.name or "").lower()
    if not name.endswith(EVIDENCE_EXTENSIONS):
        raise DomainError("佐证材料只支持图片（jpg、png 等）或 PDF 文件", field="evidence", code="evidence_type")
    if (evidence.size or 0) > EVIDENCE_MAX_BYTES:
        raise DomainError("佐证材料不能超过 10MB", field="evidence", code="evidence_too_large")


def admins_nearest(*, org: OrgNode) -> list[User]:
    """The org admins at the nearest level above (or at) the node that has any: who reviews its items."""
    return admins_over(org, nearest=True)


def notify_later(*, recipients: list[User], title: str, body: str = "", url: str = "") -> None:
    """Inbox rows once the transaction commits (a rolled-back change notifies nobody)."""
    if recipients:
        send: Callable[[], object] = partial(notification_send, recipients=recipients, title=title, body=body, url=url)
        transaction.on_commit(send)
