"""Refresh the dashboards' rollups: `manage.py dashboards_refresh` (by hand; the scheduler runs it every 5 minutes: only the months
touched since the last run) or `manage.py dashboards_refresh --full` (rebuild every month)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redvest.dashboards.services.rollups import dashboards_refresh


class Command(BaseCommand):
    help = "刷新数据看板的预汇总统计（默认只重算上次刷新后有变动的月份；--full 全量重建）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help="全量重建所有月份")

    def handle(self, *args: Any, **options: Any) -> None:
        run = dashboards_refresh(full=options["full"])
        scope = "全部月份" if run.full else f"{len(run.months)} 个月份（{'、'.join(m[:7] for m in run.months)}）"
        self.stdout.write(f"已刷新{scope}，写入 {run.rows} 行，用时 {run.milliseconds} 毫秒")
