"""Demo dashboards: after everything else is seeded, fill the rollups once (a full rebuild), so the
数据看板 and 大屏 show the demo county's figures straight away."""

from __future__ import annotations

from redvest.dashboards.models import RefreshRun
from redvest.dashboards.services.rollups import dashboards_refresh


def write_dashboards() -> RefreshRun:
    return dashboards_refresh(full=True)
