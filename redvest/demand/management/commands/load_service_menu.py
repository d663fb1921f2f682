"""`manage.py load_service_menu`: write the standard 96345 service menu (five categories, 120+ items)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redvest.demand.services.menu import service_menu_load


class Command(BaseCommand):
    help = "载入96345标准服务菜单（五大类120多项）；可重复执行，按编码更新。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = service_menu_load()
        self.stdout.write(f"服务菜单：新增 {result.created} 项，更新 {result.updated} 项，共 {result.total} 项")
