"""Background work: exports on the "exports" queue, the rollup refresh on "oversight"."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from redvest.dashboards.services.exports import data_export_task

__all__ = ["dashboards_refresh_task", "data_export_task"]


@task(queue_name="oversight")
def dashboards_refresh_task(full: bool = False) -> dict[str, Any]:
    """The rollup refresh (cron runs `manage.py dashboards_refresh` every few minutes; this is for on-demand runs)."""
    from redvest.dashboards.services.rollups import dashboards_refresh

    run = dashboards_refresh(full=full)
    return {"id": run.pk, "full": run.full, "rows": run.rows, "milliseconds": run.milliseconds}
