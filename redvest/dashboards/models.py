"""Pre-aggregated figures for the dashboards, the refresh log, and background Excel exports.

The dashboards never read the 1,000,000-row ledgers: `MonthlyOrgStat` holds one row per org node and
month (only where something happened), `OrgStock` one row per node for the standing figures
(volunteers, teams, stations). A subtree's figure is a SUM over rows whose copied `path` starts with
the subtree's path; a child's figure groups those rows by the first `depth + 1` steps of the path.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from redvest.core.exports import export_kinds
from redvest.core.models import HeartbeatJob


class MonthlyOrgStat(models.Model):
    """What happened at one org node (not below it) in one calendar month (Asia/Shanghai)."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)  # the node's path, copied: subtree sums need no join
    month = models.DateField("月份")  # the first day of the month
    activities = models.IntegerField("活动数", default=0)
    credit_minutes = models.BigIntegerField("服务信用时长（分钟）", default=0)
    honour_minutes = models.BigIntegerField("荣誉时长（分钟）", default=0)
    records = models.IntegerField("服务记录条数", default=0)
    volunteers_joined = models.IntegerField("新登记志愿者", default=0)
    points_earned = models.BigIntegerField("获得积分", default=0)
    points_spent = models.BigIntegerField("使用积分", default=0)
    requests_opened = models.IntegerField("受理工单", default=0)
    requests_closed = models.IntegerField("办结工单", default=0)
    requests_on_time = models.IntegerField("按时办结", default=0)
    callbacks_satisfied = models.IntegerField("满意", default=0)
    callbacks_basic = models.IntegerField("基本满意", default=0)
    callbacks_unsatisfied = models.IntegerField("不满意", default=0)
    care_visits = models.IntegerField("走访次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "月度组织统计"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="uniq_monthly_org_stat")]
        indexes = [models.Index(fields=["path", "month"]), models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.path} {self.month:%Y-%m}"


class OrgStock(models.Model):
    """Standing figures at one node (not below it), recomputed whole on every refresh."""

    org = models.OneToOneField("orgs.OrgNode", on_delete=models.CASCADE, related_name="+", primary_key=True)
    path = models.CharField(max_length=255, db_index=True)
    volunteers = models.IntegerField("在册志愿者", default=0)
    party_members = models.IntegerField("中共党员", default=0)
    probationary = models.IntegerField("中共预备党员", default=0)
    league_members = models.IntegerField("共青团员", default=0)
    masses = models.IntegerField("群众", default=0)
    teams = models.IntegerField("服务队", default=0)
    stations = models.IntegerField("站点", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "组织存量统计"


class RefreshRun(models.Model):
    """One run of the rollup refresh: what it recomputed, and the ledger high-water marks it reached,
    so the next incremental run knows which months were touched since."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    full = models.BooleanField("全量重建", default=False)
    months = models.JSONField("重算月份", default=list, blank=True)
    watermarks = models.JSONField(default=dict, blank=True)
    rows = models.IntegerField("写入行数", default=0)
    milliseconds = models.IntegerField("用时（毫秒）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计刷新记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["-finished_at"])]


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class DataExport(HeartbeatJob):
    """One requested export, built in the background: a registered table for a subtree, category and
    period (数据导出), or an app's own export kind (`core.exports`: the volunteer ledger with the list's
    filters, …) with its parameters. `row_count` of `total` rows written so far is the progress."""

    table = models.CharField("数据表", max_length=30)
    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="组织范围", null=True, blank=True
    )
    category = models.CharField("类别", max_length=30, blank=True, default="")
    start = models.DateField("开始日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)
    format = models.CharField("格式", max_length=5, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    params = models.JSONField("导出条件", default=dict, blank=True)
    total = models.IntegerField("总行数", default=0)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    sensitive = models.BooleanField("含完整证件号码和手机号", default=False)
    row_count = models.IntegerField("行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True, default="")
    error = models.CharField("错误信息", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据导出"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"导出#{self.pk} {self.table}"

    @property
    def table_label(self) -> str:
        from redvest.dashboards.tables import LABELS

        kind = export_kinds().get(self.table)
        return kind.label if kind else LABELS.get(self.table, self.table)

    @property
    def category_label(self) -> str:
        from redvest.dashboards.tables import tables

        table = tables().get(self.table)
        return dict(table.categories).get(self.category, self.category) if table else self.category

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 when done, 0 while the total is unknown)."""
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.row_count * 100 // self.total) if self.total else 0
