"""API shapes every router shares: the JSON error body and bounded integers (pages: core.api_pagination).

Every integer a client sends is bounded to the column it ends up in, so an out-of-range value is a
422 naming the field instead of a database error (PostgreSQL: "integer out of range")."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from redvest.core.validators import MAX_ID

INT32_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1

# A field with narrower bounds of its own writes `int = Field(ge=…, le=…)`: pydantic keeps these types'
# bounds over a Field(...) default's, so `UInt16 = Field(ge=2000)` would still let 0 through.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # a primary key (BigAutoField)
Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]  # IntegerField
UInt32 = Annotated[int, Field(ge=0, le=INT32_MAX)]  # PositiveIntegerField
UInt16 = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]  # PositiveSmallIntegerField


def omittable(description: str | None = None) -> Any:
    """A patch field that may be left out but not sent as null (null would mean nothing there).

    Declare it with its plain type (`stock: UInt32 = omittable()`): left out, it is unset and the
    handler's exclude_unset skips it; an explicit null is a 422 naming the field."""
    return Field(None, description=description)


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, str] | None = None


class ExportTicketOut(Schema):
    """A queued background export (202): poll `status_url` (GET, progress in rows) and fetch the file
    from `download_url` once its status is "done"."""

    id: int
    status: str = "queued"
    status_url: str
    download_url: str
