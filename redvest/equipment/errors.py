"""What can go wrong with uniforms and equipment, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError, Conflict


class MovementAppendOnly(AppendOnlyError):
    default_message = "出入库记录只能新增，不能修改或删除；如有错误请登记一笔更正"


class NotEnoughStock(Conflict):
    code = "not_enough_stock"
    default_message = "库存不足"


class NotHeld(Conflict):
    code = "not_held"
    default_message = "该志愿者未领用这么多该物品"
