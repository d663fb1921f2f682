"""/api/v1/care/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["结对帮扶"])
