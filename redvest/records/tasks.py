"""Periodic work of the records app: the ledger's next yearly partition (PostgreSQL)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone

from redvest.core.periodic import periodic
from redvest.records.services import ledger_partitions_ensure


@periodic("30 3 * * *", queue_name="default", name="ledger_partitions_ensure")
def ledger_partitions_ensure_periodic() -> dict[str, Any]:
    """Daily at 03:30 (Shanghai): this year's and next year's ledger partitions exist (nothing on SQLite)."""
    return dataclasses.asdict(ledger_partitions_ensure(today=timezone.localdate(), years_ahead=1))
