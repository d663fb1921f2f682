"""Background work: export packages on the "exports" queue, confirmed imports on "imports"."""

from redvest.exchange.services import exchange_export_task, exchange_import_task

__all__ = ["exchange_export_task", "exchange_import_task"]
