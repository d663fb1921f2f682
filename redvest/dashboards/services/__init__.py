"""Writes: the rollup refresh and the background exports."""

from redvest.dashboards.services.exports import (
    data_export_download,
    data_export_queue,
    data_export_recover,
    data_export_request,
    data_export_retry,
    data_export_run,
    data_export_task,
    export_ticket,
)
from redvest.dashboards.services.rollups import dashboards_refresh, last_refresh

__all__ = [
    "dashboards_refresh",
    "data_export_download",
    "data_export_queue",
    "data_export_recover",
    "data_export_request",
    "data_export_retry",
    "data_export_run",
    "data_export_task",
    "export_ticket",
    "last_refresh",
]
