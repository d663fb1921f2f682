"""`manage.py close_forgotten_checkouts`: sweep every stay still open past activity end + grace."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from redvest.activities.services import attendance_auto_close


class Command(BaseCommand):
    help = "关闭活动结束后超过宽限期仍未签退的签到记录（标记为系统自动签退，待负责人确认）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        closed = attendance_auto_close(at=timezone.now())
        self.stdout.write(f"已自动签退 {closed} 条签到记录")
