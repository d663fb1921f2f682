from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message in a user's in-app inbox; channels (SMS, email) deliver copies."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True, default="")
    url = models.CharField("链接", max_length=500, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class HeartbeatJob(models.Model):
    """A long background job (an import, an export): the worker stamps `heartbeat_at` every few hundred
    rows, so a job whose worker died is found by `redvest.core.jobs.jobs_sweep` and resumed or failed."""

    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("中断后自动续跑次数", default=0)
    retryable = models.BooleanField("可重试", default=False)

    class Meta:
        abstract = True
