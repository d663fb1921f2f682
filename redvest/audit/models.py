from __future__ import annotations

from django.conf import settings
from django.db import models

from redvest.audit.errors import AuditAppendOnly
from redvest.core.append_only import AppendOnlyModel


class AuditAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    VIEW_SENSITIVE = "view_sensitive", "查看敏感信息"
    EXPORT = "export", "导出"


class AuditEntry(AppendOnlyModel):
    """Append-only record of who did what to which record, with before and after (the core guard)."""

    append_only_error = AuditAppendOnly

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    target_type = models.CharField("对象类型", max_length=50)
    target_id = models.CharField("对象ID", max_length=50)
    target_repr = models.CharField("对象", max_length=200, blank=True, default="")
    org = models.ForeignKey(
        "orgs.OrgNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type}:{self.target_id}"
