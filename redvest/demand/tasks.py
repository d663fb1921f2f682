"""Background work on the "sla" queue: the sweep, and per-request checks deferred to each due time."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from redvest.core.periodic import periodic
from redvest.demand.models import Dispatch, ServiceRequest
from redvest.demand.services.sla import sla_sweep


@task(queue_name="sla")
def sla_check(request_id: int) -> dict[str, Any]:
    """Enqueued for a request's due times and its parts' accept deadlines: sweep just that request."""
    return dataclasses.asdict(sla_sweep(now=timezone.now(), request_ids=[request_id]))


def _defer(request_id: int, moments: list[datetime.datetime]) -> None:
    """After commit, one check per moment (a second late, so the clock has passed). Backends that cannot
    defer (the immediate one in tests) are skipped: the periodic sweep covers everything anyway."""

    def enqueue() -> None:
        if not sla_check.get_backend().supports_defer:
            return
        for moment in moments:
            sla_check.using(run_after=moment + datetime.timedelta(seconds=1)).enqueue(request_id)

    transaction.on_commit(enqueue)


def schedule_sla_checks(request: ServiceRequest) -> None:
    _defer(request.pk, [request.arrival_due_at, request.resolution_due_at])


def schedule_stall_check(part: Dispatch) -> None:
    _defer(part.request_id, [part.accept_due_at])


@periodic("* * * * *", queue_name="sla", name="sla_sweep")
def sla_sweep_periodic() -> dict[str, Any]:
    """Every minute: overdue marking, escalation and stalled parts for every open request."""
    return dataclasses.asdict(sla_sweep(now=timezone.now()))
