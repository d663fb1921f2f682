"""Data exchange with other deployments and the national system (民政部《志愿服务信息系统基本规范》).

`ExchangeBatch` is one export or import. What an import brings from elsewhere is kept apart from local
work: teams and projects as received copies, service time and honours as transferred rows (append-only),
shown as 转入 on a volunteer's pages and never added to local credit totals, rankings or points.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from redvest.core.append_only import AppendOnlyModel
from redvest.exchange.errors import TransferredRecordAppendOnly


class Direction(models.TextChoices):
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "处理中"
    CHECKED = "checked", "已预检（未写入）"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExchangeBatch(models.Model):
    """One exchange: an export of an org subtree (incremental from `since`) or an uploaded package."""

    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="组织")
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    since = models.DateTimeField("起始（不含）", null=True, blank=True)
    until = models.DateTimeField("截止", null=True, blank=True)
    file = models.FileField("数据包", upload_to="exchange/%Y/%m/", blank=True, default="")
    original_name = models.CharField("文件名", max_length=200, blank=True, default="")
    source_code = models.CharField("来源机构代码", max_length=40, blank=True, default="")
    source_name = models.CharField("来源系统", max_length=100, blank=True, default="")
    manifest = models.JSONField("清单", default=dict, blank=True)
    counts = models.JSONField("条数", default=dict, blank=True)
    row_errors = models.JSONField("错误行", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误行数", default=0)
    message = models.CharField("说明", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据交换批次"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org", "direction", "status", "-id"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}批次 {self.pk}"


class ReceivedVolunteer(models.Model):
    """Who a package named, and the local volunteer they became or were matched to (by the ID hash)."""

    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="received_volunteers")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="+")
    source_code = models.CharField("来源机构代码", max_length=40)
    source_number = models.CharField("原志愿者编号", max_length=40)
    id_hash = models.CharField("证件号码交换摘要", max_length=64, db_index=True)
    duplicate = models.BooleanField("已在本系统登记", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "转入志愿者"
        ordering = ["id"]


class ReceivedTeam(models.Model):
    """A 志愿团体 as another system described it: a copy for reference, not a local team."""

    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="received_teams")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    source_code = models.CharField("来源机构代码", max_length=40)
    source_id = models.CharField("原团体编号", max_length=40)
    name = models.CharField("团体名称", max_length=100)
    kind = models.CharField("团体类型", max_length=30, blank=True, default="")
    area_code = models.CharField("行政区划代码", max_length=20, blank=True, default="")
    org_name = models.CharField("所属组织", max_length=100, blank=True, default="")
    founded_on = models.DateField("成立日期", null=True, blank=True)
    member_count = models.PositiveIntegerField("成员数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "转入志愿团体"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source_code", "source_id"], name="uniq_received_team")]

    def __str__(self) -> str:
        return self.name


class ReceivedProject(models.Model):
    """A 志愿服务项目/活动 as another system described it: a copy, never a local activity (no sign-up,
    no credit)."""

    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="received_projects")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    source_code = models.CharField("来源机构代码", max_length=40)
    source_id = models.CharField("原项目编号", max_length=40)
    title = models.CharField("项目名称", max_length=100)
    category = models.CharField("服务类别", max_length=30, blank=True, default="")
    area_code = models.CharField("行政区划代码", max_length=20, blank=True, default="")
    org_name = models.CharField("发布组织", max_length=100, blank=True, default="")
    team_ids = models.JSONField("组织团体编号", default=list, blank=True)
    place = models.CharField("服务地点", max_length=200, blank=True, default="")
    start_at = models.DateTimeField("开始时间", null=True, blank=True)
    end_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "转入志愿服务项目"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source_code", "source_id"], name="uniq_received_project")]

    def __str__(self) -> str:
        return self.title


class TransferredService(AppendOnlyModel):
    """Service time recorded in another system (转入时长): shown beside local hours, never counted in
    local credit totals, rankings or points."""

    append_only_error = TransferredRecordAppendOnly

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="transferred_services")
    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="+")
    source_code = models.CharField("来源机构代码", max_length=40)
    source_name = models.CharField("来源组织", max_length=100)
    source_row_id = models.CharField("原记录编号", max_length=60)
    project_id = models.CharField("原项目编号", max_length=40, blank=True, default="")
    project_title = models.CharField("项目名称", max_length=100, blank=True, default="")
    kind = models.CharField("时长类型", max_length=10)  # records.RecordKind values: credit / honour
    served_on = models.DateField("服务日期")
    minutes = models.IntegerField("时长（分钟）")
    verified = models.BooleanField("已核实", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "转入服务时长"
        ordering = ["served_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_code", "source_row_id"], name="uniq_transferred_service")
        ]


class HonourKind(models.TextChoices):
    HONOUR = "honour", "荣誉表彰"
    CERTIFICATE = "certificate", "志愿服务证明"


class TransferredHonour(AppendOnlyModel):
    """An honour or certificate from another system: read-only, shown as 转入."""

    append_only_error = TransferredRecordAppendOnly

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="transferred_honours")
    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=HonourKind.choices)
    source_code = models.CharField("来源机构代码", max_length=40)
    source_name = models.CharField("来源组织", max_length=100)
    source_row_id = models.CharField("原记录编号", max_length=60)
    title = models.CharField("名称", max_length=200)
    level = models.CharField("等次/时长", max_length=60, blank=True, default="")
    awarded_by = models.CharField("授予/出具单位", max_length=100, blank=True, default="")
    awarded_on = models.DateField("授予/出具日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "转入荣誉与证明"
        ordering = ["awarded_on", "id"]
        constraints = [models.UniqueConstraint(fields=["source_code", "source_row_id"], name="uniq_transferred_honour")]


class TransferredTraining(AppendOnlyModel):
    """A training attended in another system (转入培训): its own figure, as local training minutes are."""

    append_only_error = TransferredRecordAppendOnly

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="transferred_trainings"
    )
    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="+")
    source_code = models.CharField("来源机构代码", max_length=40)
    source_name = models.CharField("来源组织", max_length=100)
    source_row_id = models.CharField("原记录编号", max_length=60)
    title = models.CharField("培训主题", max_length=100)
    category = models.CharField("培训类别", max_length=30, blank=True, default="")
    organiser = models.CharField("主办组织", max_length=100, blank=True, default="")
    held_on = models.DateField("培训日期")
    minutes = models.PositiveIntegerField("培训时长（分钟）")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "转入培训"
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_code", "source_row_id"], name="uniq_transferred_training")
        ]
