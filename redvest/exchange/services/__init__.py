"""Writes of the data exchange: export packages, import dry runs and confirmed imports."""

from redvest.exchange.services.export import (
    exchange_export_download,
    exchange_export_request,
    exchange_export_run,
    exchange_export_task,
)
from redvest.exchange.services.files import exchange_id_hash
from redvest.exchange.services.imports import (
    exchange_import_check,
    exchange_import_confirm,
    exchange_import_run,
    exchange_import_task,
    package_plan,
    package_read,
)

__all__ = [
    "exchange_export_download",
    "exchange_export_request",
    "exchange_export_run",
    "exchange_export_task",
    "exchange_id_hash",
    "exchange_import_check",
    "exchange_import_confirm",
    "exchange_import_run",
    "exchange_import_task",
    "package_plan",
    "package_read",
]
