"""Heartbeats of the background processes: every `db_worker` and `manage.py scheduler` stamps its own
`ProcessHeartbeat` row every `PROCESS_HEARTBEAT_SECONDS` from a daemon thread, so /healthz can tell
whether a worker and a scheduler are alive (the newest stamp of each kind) without asking them."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone

from redvest.core.models import ProcessHeartbeat, ScheduledRun

logger = logging.getLogger(__name__)

# Rows of processes gone for this long are deleted when a process of the same kind starts.
_FORGET_AFTER = datetime.timedelta(days=1)


def process_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:150]


def heartbeat_stamp(*, kind: str, instance: str, started_at: datetime.datetime | None = None) -> None:
    """Stamp this process alive (one short transaction); `started_at` on the first stamp."""
    now = timezone.now()
    with transaction.atomic():
        if started_at is not None:
            ProcessHeartbeat.objects.filter(kind=kind, beat_at__lt=now - _FORGET_AFTER).delete()
            ProcessHeartbeat.objects.update_or_create(
                kind=kind, instance=instance, defaults={"started_at": started_at, "beat_at": now}
            )
        elif not ProcessHeartbeat.objects.filter(kind=kind, instance=instance).update(beat_at=now):
            ProcessHeartbeat.objects.create(kind=kind, instance=instance, started_at=now, beat_at=now)


def heartbeat_forget(*, kind: str, instance: str) -> None:
    """A process stopping cleanly removes its row, so the newest stamp is a live process's."""
    ProcessHeartbeat.objects.filter(kind=kind, instance=instance).delete()


def heartbeats_latest() -> dict[str, datetime.datetime]:
    """The newest stamp of each kind of process (one query)."""
    rows = ProcessHeartbeat.objects.values("kind").annotate(latest=Max("beat_at")).order_by()
    return {row["kind"]: row["latest"] for row in rows}


@dataclass(frozen=True)
class LastRun:
    job: str
    period_start: datetime.datetime
    started_at: datetime.datetime
    status: str


def scheduled_run_last() -> LastRun | None:
    """The periodic job run most recently started (one query)."""
    row = ScheduledRun.objects.order_by("-started_at").values("job", "period_start", "started_at", "status").first()
    return LastRun(**row) if row else None


class HeartbeatThread(threading.Thread):
    """Stamps the heartbeat every `PROCESS_HEARTBEAT_SECONDS` until `stop()`; a database error is logged
    and retried at the next beat (the process itself goes on)."""

    def __init__(self, *, kind: str, instance: str | None = None) -> None:
        super().__init__(name=f"redvest-heartbeat-{kind}", daemon=True)
        self.kind = kind
        self.instance = instance or process_instance()
        self._stopped = threading.Event()

    def beat(self, *, first: bool = False) -> None:
        try:
            close_old_connections()
            heartbeat_stamp(kind=self.kind, instance=self.instance, started_at=timezone.now() if first else None)
        except DatabaseError:
            logger.warning("heartbeat of %s %s not stamped", self.kind, self.instance, exc_info=True)

    def run(self) -> None:
        self.beat(first=True)
        while not self._stopped.wait(settings.PROCESS_HEARTBEAT_SECONDS):
            self.beat()
        try:
            heartbeat_forget(kind=self.kind, instance=self.instance)
        except DatabaseError:
            logger.warning("heartbeat of %s %s not removed", self.kind, self.instance, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
