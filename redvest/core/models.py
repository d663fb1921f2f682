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
    # Also texted when the SMS channel is on: the kind (core.sms.kinds) and its parameters, set by the service.
    sms_kind = models.CharField("短信类型", max_length=40, blank=True, default="")
    sms_params = models.JSONField("短信参数", null=True, blank=True)

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


class ScheduledRun(models.Model):
    """One run of a periodic job for one period (`redvest.core.periodic`). The unique (job, period_start)
    pair is the guard: a second scheduler or a second enqueue for the same period finds the row taken and
    does nothing, so each job runs once per period whatever the number of schedulers and workers."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    job = models.CharField("任务", max_length=100)
    period_start = models.DateTimeField("周期开始")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    result = models.JSONField("结果", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务运行记录"
        constraints = [models.UniqueConstraint(fields=["job", "period_start"], name="scheduled_run_once_per_period")]
        indexes = [models.Index(fields=["-started_at"], name="scheduled_run_started")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"


class ProcessHeartbeat(models.Model):
    """A background process alive: each worker and scheduler stamps `beat_at` every few seconds; /healthz
    reads the newest per kind."""

    class Kind(models.TextChoices):
        WORKER = "worker", "后台任务进程"
        SCHEDULER = "scheduler", "定时调度进程"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    instance = models.CharField("进程", max_length=150)
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("心跳时间")

    class Meta:
        verbose_name = verbose_name_plural = "后台进程心跳"
        constraints = [models.UniqueConstraint(fields=["kind", "instance"], name="process_heartbeat_unique")]
        indexes = [models.Index(fields=["kind", "-beat_at"], name="process_heartbeat_latest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.instance}"
