"""`manage.py scheduler`: the periodic-job scheduler (django-crontask's APScheduler loop).

It loads every app's `tasks` module (where `redvest.core.periodic.periodic` declares the jobs), enqueues
each job at its fire time and stamps its heartbeat for /healthz. Run one or more: each job still runs
once per period (the `ScheduledRun` guard). With `CRONTASK_REDIS_URL` set, django-crontask's Redis lock
lets one scheduler enqueue while the others wait and take over when it stops.
"""

from __future__ import annotations

import time
from typing import Any

from crontask import scheduler, utils
from crontask.management.commands import crontask

from redvest.core.heartbeats import HeartbeatThread
from redvest.core.models import ProcessHeartbeat
from redvest.core.periodic import periodic_jobs

# Seconds a standby scheduler waits between attempts to take the Redis lock.
STANDBY_RETRY_SECONDS = 5


class Command(crontask.Command):
    help = "运行定时任务调度（按代码中声明的周期把任务放入后台队列；可同时运行多个，每个周期只执行一次）"

    def handle(self, *args: Any, **options: Any) -> None:
        self.load_tasks(options)
        for job in periodic_jobs():
            self.stdout.write(f"定时任务 {job.name}: {job.schedule}（队列 {job.task.queue_name}）")
        heartbeat = HeartbeatThread(kind=ProcessHeartbeat.Kind.SCHEDULER)
        heartbeat.start()
        try:
            self.run_scheduler()
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)

    def run_scheduler(self) -> None:
        while True:
            try:
                with utils.lock as lock:
                    self.launch_scheduler(lock, scheduler)
                return
            except utils.LockNotOwnedError:
                self.stderr.write("调度锁已失效，停止调度")
                return
            except utils.LockError:
                # Another scheduler holds the lock: stand by (the heartbeat thread keeps stamping).
                time.sleep(STANDBY_RETRY_SECONDS)
