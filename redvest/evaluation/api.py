"""/api/v1/evaluation/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["评议与考核"])
