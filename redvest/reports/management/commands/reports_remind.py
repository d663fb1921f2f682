"""`manage.py reports_remind`: 季报 reminders and overdue alerts for today (by hand; the scheduler runs it daily; idempotent)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from redvest.reports.services import reminders_send


class Command(BaseCommand):
    help = "向未报送季报的党组织发送截止前提醒和逾期催报（同一提醒只发一次，可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期（YYYY-MM-DD，上海时间）执行，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 须为 YYYY-MM-DD") from exc
        result = reminders_send(today=today)
        self.stdout.write(
            f"{today}: 截止前提醒 {result.reminders} 个党组织，逾期催报 {result.overdue} 个党组织，通知 {result.notifications} 条"
        )
