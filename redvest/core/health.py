"""What /healthz reports: the database, the replica and its lag, Redis, the worker's heartbeat and the
scheduler's last run — each part `{"status": …, "required": …}` plus its figures, and an overall status:
"error" (503) when a required part is not ok, "degraded" when another configured part is not, else "ok".
A few cheap queries; no addresses, names or error texts (they could carry credentials)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from redvest.core.heartbeats import heartbeats_latest, scheduled_run_last
from redvest.core.models import ProcessHeartbeat
from redvest.core.replica import OFF, OK, replica_status

logger = logging.getLogger(__name__)

ERROR = "error"
DEGRADED = "degraded"


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable", exc_info=True)
        return {"status": ERROR, "required": True}
    return {"status": OK, "required": True}


def _replica() -> dict[str, Any]:
    status = replica_status(fresh=True)
    required = settings.HEALTHZ_REQUIRE_REPLICA and status.state != OFF
    return {"status": status.state, "required": required, "lag_seconds": status.lag_seconds}


def _redis() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"status": OFF, "required": False}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        logger.warning("healthz: redis unreachable", exc_info=True)
        return {"status": ERROR, "required": True}
    return {"status": OK, "required": True}


def _beat(latest: datetime.datetime | None, *, required: bool, now: datetime.datetime) -> dict[str, Any]:
    if latest is None:
        return {"status": "missing", "required": required, "last_seen": None, "age_seconds": None}
    age = max(0, int((now - latest).total_seconds()))
    status = OK if age <= settings.HEALTHZ_HEARTBEAT_MAX_AGE else "stale"
    return {"status": status, "required": required, "last_seen": latest.isoformat(), "age_seconds": age}


def _processes(database_ok: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    worker_required = settings.HEALTHZ_REQUIRE_WORKER
    scheduler_required = settings.HEALTHZ_REQUIRE_SCHEDULER
    if not database_ok:
        unknown = {"status": "unknown", "last_seen": None, "age_seconds": None}
        return {**unknown, "required": worker_required}, {**unknown, "required": scheduler_required, "last_run": None}
    now = timezone.now()
    latest = heartbeats_latest()
    worker = _beat(latest.get(ProcessHeartbeat.Kind.WORKER), required=worker_required, now=now)
    scheduler = _beat(latest.get(ProcessHeartbeat.Kind.SCHEDULER), required=scheduler_required, now=now)
    last = scheduled_run_last()
    scheduler["last_run"] = (
        {
            "job": last.job,
            "period_start": last.period_start.isoformat(),
            "started_at": last.started_at.isoformat(),
            "status": last.status,
        }
        if last
        else None
    )
    return worker, scheduler


def health_report() -> dict[str, Any]:
    database = _database()
    worker, scheduler = _processes(database["status"] == OK)
    checks = {
        "database": database,
        "replica": _replica(),
        "redis": _redis(),
        "worker": worker,
        "scheduler": scheduler,
    }
    if any(part["required"] and part["status"] != OK for part in checks.values()):
        overall = ERROR
    elif any(part["status"] not in (OK, OFF, "missing") for part in checks.values()):
        overall = DEGRADED
    else:
        overall = OK
    return {"status": overall, "checks": checks}
