"""Refund reservations past their hold time and expire points where an org's policy says so.

The scheduler runs it hourly (`expire_points` job); by hand: `manage.py expire_points`; `--enqueue` hands the work to the task worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from redvest.points.services import points_expire, redemptions_expire
from redvest.points.tasks import points_expire_task, reservations_expire_task


class Command(BaseCommand):
    help = "退还超过保留时间的兑换预约，并按组织的积分有效期政策处理过期积分"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            reservations_expire_task.enqueue()
            points_expire_task.enqueue()
            self.stdout.write("已加入后台任务队列 points")
            return
        refunded = redemptions_expire()
        expired = points_expire(today=timezone.localdate())
        self.stdout.write(f"过期预约已退还 {refunded} 笔；过期积分 {expired} 分")
