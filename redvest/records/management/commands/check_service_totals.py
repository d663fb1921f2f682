"""Recompute every service-time total from the ledger entries and report differences (exit 1 if any), per
person, per org the time is credited to, and per org and month (MonthlyServiceTotal)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from redvest.records.selectors import monthly_total_drift, total_differences, total_org_drift


class Command(BaseCommand):
    help = "按服务记录重新计算每位志愿者每年各类时数合计及各组织每月时数合计，与 ServiceTotal、MonthlyServiceTotal 比对并报告差异（有差异时退出码为 1）"

    def handle(self, *args: Any, **options: Any) -> None:
        differences = total_differences()
        for d in differences:
            scope = f"{d.kind}/{d.category}" if d.category else d.kind
            self.stdout.write(
                f"volunteer={d.volunteer_id} year={d.year} {scope}: stored={d.stored} recomputed={d.recomputed}"
            )
        drift = total_org_drift()
        for o in drift:
            self.stdout.write(
                f"volunteer={o.volunteer_id} year={o.year} {o.kind} org={o.org_id}: stored={o.stored} recomputed={o.recomputed}"
            )
        monthly = monthly_total_drift()
        for m in monthly:
            self.stdout.write(
                f"org={m.org_id} month={m.month:%Y-%m} {m.kind}: stored={m.stored} recomputed={m.recomputed}"
            )
        if differences or drift or monthly:
            self.stderr.write(
                f"{len(differences)} 处合计与服务记录不一致，{len(drift)} 处按组织的合计与服务记录不一致，"
                f"{len(monthly)} 处月度组织合计与服务记录不一致"
            )
            sys.exit(1)
        self.stdout.write("所有合计与服务记录一致")
