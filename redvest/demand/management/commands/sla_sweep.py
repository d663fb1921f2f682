"""`manage.py sla_sweep`: run the SLA clock now (the scheduler runs it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from redvest.demand.services.sla import sla_sweep


class Command(BaseCommand):
    help = "标记到场/办结超时的工单并逐级升级督办，退回超时未接的派单，通知相关人员。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = sla_sweep(now=timezone.now())
        self.stdout.write(
            f"到场超时 {result.arrival_overdue} 件，办结超时 {result.resolution_overdue} 件，"
            f"超时未接单 {result.stalled} 件，通知 {result.notified} 人"
        )
