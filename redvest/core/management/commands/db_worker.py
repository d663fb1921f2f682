"""django-tasks-db's `db_worker`, sweeping interrupted jobs before it takes the first task (a worker
restarted after a crash picks up, or fails, what the dead one left "running") and stamping its
heartbeat for /healthz while it runs."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from redvest.core.heartbeats import HeartbeatThread
from redvest.core.jobs import jobs_sweep
from redvest.core.models import ProcessHeartbeat


class Command(db_worker.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        result = jobs_sweep()
        if result.resumed or result.failed or result.tasks_failed:
            self.stdout.write(
                f"中断的后台任务：续跑 {result.resumed} 个，标记失败 {result.failed} 个，"
                f"清理任务记录 {result.tasks_failed} 条"
            )
        heartbeat = HeartbeatThread(kind=ProcessHeartbeat.Kind.WORKER)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)
