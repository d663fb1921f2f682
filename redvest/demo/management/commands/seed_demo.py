from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from redvest.core.db import analyze
from redvest.demo.seed import seed_demo
from redvest.demo.users import demo_logins_table


class Command(BaseCommand):
    help = "载入演示数据（长兴县示例：65个单位、95支服务队、3063名志愿者，活动、积分与需求工单）；已有演示数据时跳过"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="先清空整个数据库（flush）再重新载入演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["force"]:
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        summary = seed_demo()
        if summary is None:
            self.stdout.write("演示数据已存在，跳过")
            return
        analyze()  # PostgreSQL: statistics for the tables just filled, before the first page plans on none
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已载入（{time.monotonic() - started:.1f} 秒）：组织节点 {summary.org_nodes} 个，"
                f"单位 {summary.units} 个，站点 {summary.stations} 个，服务队 {summary.teams} 支，"
                f"志愿者 {summary.volunteers} 名，品牌项目 {summary.brands} 个，账号 {summary.users} 个；"
                f"活动 {summary.activities} 场（报名 {summary.signups} 人次，签到 {summary.attendances} 人次），"
                f"服务记录 {summary.service_records} 条，积分入账 {summary.points_postings} 笔，"
                f"兑换物品 {summary.reward_items} 种，兑换 {summary.redemptions} 次，需求工单 {summary.service_requests} 件"
            )
        )
        self.stdout.write(demo_logins_table())
