"""The standard 96345 service menu: five categories, 120+ items (seed 003: 五大类120多项服务).

Each row: code, name, description, required skills, handling level, default assignee, arrival minutes,
resolution hours; optional extras (team specialty, record category, errand checklist and steps, auto
dispatch, Open311 attributes). `services.menu.service_menu_load` writes it idempotently.
"""

from __future__ import annotations

from typing import Final

from redvest.demand.menu_data._base import CATEGORY_RECORD, Attr, Item
from redvest.demand.menu_data.dispute import DISPUTE
from redvest.demand.menu_data.elderly import ELDERLY
from redvest.demand.menu_data.hardship import HARDSHIP
from redvest.demand.menu_data.life import LIFE
from redvest.demand.menu_data.policy import POLICY

MENU: Final = LIFE + POLICY + DISPUTE + ELDERLY + HARDSHIP

__all__ = ["CATEGORY_RECORD", "MENU", "Attr", "Item"]
