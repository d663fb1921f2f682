"""What can go wrong with 联户 records, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError


class ContactLogAppendOnly(AppendOnlyError):
    default_message = "联系记录只能新增，不能修改或删除；如有错误请补记一条说明"
