"""/api/v1/reports/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["季报与通报"])
