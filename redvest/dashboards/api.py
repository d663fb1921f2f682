"""/api/v1/dashboards/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["数据看板"])
