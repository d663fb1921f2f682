"""`manage.py jobs_sweep` (by hand; the scheduler runs it every minute and `db_worker` at start): resume or fail the
background jobs whose worker stopped, and fail their orphaned task rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redvest.core.jobs import jobs_sweep


class Command(BaseCommand):
    help = "处理中断的后台任务（心跳超时的导入、导出：可续跑的重新排队，否则标记失败）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = jobs_sweep()
        self.stdout.write(
            f"续跑 {result.resumed} 个，标记失败 {result.failed} 个，清理任务记录 {result.tasks_failed} 条"
        )
