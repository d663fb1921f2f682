"""Ninja schemas of the data exchange API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from redvest.core.schemas import Id


class ExportIn(Schema):
    org_id: Id
    full: bool = Field(False, description="true：导出全部（忽略上次导出的截止时间）")


class RowErrorOut(Schema):
    file: str
    element_set: str
    row: int
    field: str
    message: str


class BatchOut(Schema):
    id: int
    direction: str
    direction_label: str
    org_id: int
    org_name: str
    status: str
    status_label: str
    since: datetime.datetime | None
    until: datetime.datetime | None
    source_code: str
    source_name: str
    counts: dict[str, Any]
    error_count: int
    row_errors: list[RowErrorOut]
    message: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    status_url: str
    download_url: str

    @staticmethod
    def resolve_direction_label(obj: Any) -> str:
        return str(obj.get_direction_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_status_url(obj: Any) -> str:
        return f"/api/v1/exchange/batches/{obj.pk}"

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        if obj.direction == "export" and obj.status == "done":
            return f"/api/v1/exchange/exports/{obj.pk}/download"
        return ""


class TransferredServiceOut(Schema):
    source_code: str
    source_name: str
    source_row_id: str
    project_title: str
    kind: str
    served_on: datetime.date
    minutes: int
    verified: bool


class TransferredHonourOut(Schema):
    kind: str
    source_name: str
    title: str
    level: str
    awarded_by: str
    awarded_on: datetime.date | None


class TransferredTrainingOut(Schema):
    source_name: str
    title: str
    category: str
    organiser: str
    held_on: datetime.date
    minutes: int


class TransferredOut(Schema):
    """转入记录: shown beside local hours, never part of them."""

    credit_minutes: int
    honour_minutes: int
    services: list[TransferredServiceOut]
    honours: list[TransferredHonourOut]
    trainings: list[TransferredTrainingOut]
