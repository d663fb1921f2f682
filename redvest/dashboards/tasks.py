"""Background work: exports on the "exports" queue, the rollup refresh on "oversight"."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from redvest.core.periodic import periodic
from redvest.dashboards.services.exports import data_export_task

__all__ = ["dashboards_refresh_task", "data_export_task"]


@task(queue_name="oversight")
def dashboards_refresh_task(full: bool = False) -> dict[str, Any]:
    """The rollup refresh (the scheduler runs `dashboards_refresh_periodic` every few minutes; this is for on-demand runs)."""
    from redvest.dashboards.services.rollups import dashboards_refresh

    run = dashboards_refresh(full=full)
    return {"id": run.pk, "full": run.full, "rows": run.rows, "milliseconds": run.milliseconds}


def _refresh(*, full: bool) -> dict[str, Any]:
    from redvest.dashboards.services.rollups import dashboards_refresh

    run = dashboards_refresh(full=full)
    return {"id": run.pk, "full": run.full, "rows": run.rows, "milliseconds": run.milliseconds}


@periodic("*/5 * * * *", queue_name="oversight", name="dashboards_refresh")
def dashboards_refresh_periodic() -> dict[str, Any]:
    """Every 5 minutes: recompute the rollups of the months touched since the last refresh."""
    return _refresh(full=False)


@periodic("40 2 * * *", queue_name="oversight", name="dashboards_refresh_full")
def dashboards_refresh_full_periodic() -> dict[str, Any]:
    """Nightly at 02:40 (Shanghai): rebuild every month (moves between nodes touch no month)."""
    return _refresh(full=True)
