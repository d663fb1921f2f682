"""`manage.py advance_activities`: store 进行中 / 已结束 for activities whose start or end has passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from redvest.activities.services import activities_advance


class Command(BaseCommand):
    help = "按开始、结束时间把已发布的活动更新为“进行中”或“已结束”（每几分钟执行一次；可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = activities_advance(at=timezone.now())
        self.stdout.write(f"进行中 {result.started} 场，已结束 {result.ended} 场")
