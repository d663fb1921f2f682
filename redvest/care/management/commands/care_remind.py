"""`manage.py care_remind`: the daily visit reminders by hand (the scheduler runs them daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from redvest.care.services import DEFAULT_REMIND_LEAD_DAYS, care_remind


class Command(BaseCommand):
    help = "提醒结对志愿者/服务队即将到期的走访，逾期时同时通知组织管理员。同一截止日期只提醒一次，可重复执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lead-days", type=int, default=DEFAULT_REMIND_LEAD_DAYS, help="提前几天提醒（默认2天）")

    def handle(self, *args: Any, **options: Any) -> None:
        result = care_remind(today=timezone.localdate(), lead_days=options["lead_days"])
        self.stdout.write(f"即将到期提醒 {result.upcoming} 条，逾期提醒 {result.overdue} 条，通知 {result.notified} 人")
