"""What can go wrong with the audit log, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import AppendOnlyError


class AuditAppendOnly(AppendOnlyError):
    code = "audit_append_only"
    default_message = "审计日志只能追加，不能修改或删除"
