from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redvest.demo.users import demo_logins_table


class Command(BaseCommand):
    help = "列出演示账号（登录名、手机号、角色、范围）"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_logins_table())
