"""Cron: campaigns whose publicity period (公示) has ended with no open objection become final."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from redvest.awards.services import campaigns_finalize_due


class Command(BaseCommand):
    help = "公示期满且无待处理异议的评选，结果生效（建议每小时运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        done = campaigns_finalize_due(now=timezone.now())
        self.stdout.write(f"结果生效的评选：{done} 个")
