"""API shapes every router shares: the JSON error body and the page query."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, str] | None = None


class PageQuery(Schema):
    page: int = 1
    page_size: int = 20
