"""Schemas of /api/v1/dashboards."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Schema

from redvest.core.schemas import ErrorOut, Id  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class ChildOut(Schema):
    id: int | None
    name: str
    kind: str = ""
    volunteers: int = 0
    party_members: int = 0
    probationary: int = 0
    league_members: int = 0
    masses: int = 0
    teams: int = 0
    stations: int = 0
    activities: int = 0
    credit_minutes: int = 0
    honour_minutes: int = 0
    requests_opened: int = 0


class DashboardOut(Schema):
    """Every panel of one node's dashboard (panels beyond requests only for administrators)."""

    node: dict[str, Any]
    access: str
    breadcrumb: list[dict[str, Any]]
    children: list[dict[str, Any]]
    updated_at: str | None
    updated_label: str
    requests: dict[str, Any]
    totals: dict[str, int] | None = None
    political: list[dict[str, Any]] | None = None
    months: list[str] | None = None
    trend: dict[str, list[int]] | None = None
    satisfaction: list[dict[str, Any]] | None = None
    care: dict[str, int] | None = None
    stations: list[dict[str, Any]] | None = None
    counties: list[dict[str, Any]] | None = None  # a province's or city's counties side by side (else empty)


class ExportIn(Schema):
    table: str
    org_id: Id
    category: str = ""
    start: datetime.date
    end: datetime.date
    include_sensitive: bool = False
    format: Literal["xlsx", "csv"] = "xlsx"


class ExportOut(Schema):
    """An export and its progress: `row_count` rows written of `total` (`percent`), the file when done."""

    id: int
    table: str
    table_label: str
    org_id: int | None
    category: str
    start: datetime.date | None
    end: datetime.date | None
    format: str
    status: str
    sensitive: bool
    row_count: int
    total: int
    percent: int
    error: str
    retryable: bool
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class TableOut(Schema):
    key: str
    label: str
    categories: list[tuple[str, str]]
