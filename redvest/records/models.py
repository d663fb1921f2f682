"""The append-only service-time ledger, its totals, disputes, anomaly flags and certificates.

Service time is integer minutes. Credit minutes (服务信用时数) come only from recorded attendance
(and capped make-ups); honour minutes (荣誉时数) are granted separately with evidence. The two are
kept apart everywhere by `ServiceRecord.kind`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.activities.models import Activity, AnomalyKind, Attendance, ServiceCategory
from redvest.core.append_only import AppendOnlyModel
from redvest.records.errors import LedgerAppendOnly


class RecordKind(models.TextChoices):
    CREDIT = "credit", "服务信用时数"
    HONOUR = "honour", "荣誉时数"


class RecordSource(models.TextChoices):
    ATTENDANCE = "attendance", "签到签退"
    MAKEUP = "makeup", "补录"
    HONOUR = "honour", "荣誉授予"
    CORRECTION = "correction", "更正"
    REVERSAL = "reversal", "冲销"


class ServiceRecord(AppendOnlyModel):
    """An append-only entry of service time (signed integer minutes).

    Never edited or deleted. A correction is a REVERSAL entry (−minutes, `reverses` = old) plus, when
    the corrected value is not zero, a CORRECTION entry (`corrects` = old); both carry who, when, why.
    A volunteer's total is the plain SUM of `minutes` over their entries of a kind.

    `org` is the org node the time is credited to: the volunteer's org when the entry was appended (a
    reversal or correction takes the org of the entry it fixes). A transfer (转移接续) moves the person,
    not this column: the sending side keeps its history and the receiving side sees earlier entries as
    转入记录, never as its own credit.
    """

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="service_records")
    org = models.ForeignKey(
        "orgs.OrgNode", null=True, on_delete=models.PROTECT, related_name="+", verbose_name="记入组织"
    )
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    attendance = models.ForeignKey(Attendance, null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    source = models.CharField(max_length=12, choices=RecordSource.choices)
    category = models.CharField("服务类别", max_length=20, choices=ServiceCategory.choices)
    minutes = models.IntegerField("时长（分钟）")
    served_on = models.DateField("服务日期")
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    reason = models.CharField("原因", max_length=300, blank=True, default="")
    evidence = models.FileField("佐证材料", upload_to="records/%Y/%m/", blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    append_only_error = LedgerAppendOnly

    class Meta:
        verbose_name = verbose_name_plural = "服务记录"
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "kind", "served_on"]),
            models.Index(fields=["volunteer", "-served_on", "-id"], name="record_history_idx"),
            models.Index(fields=["activity"]),
            models.Index(fields=["served_on"]),
            models.Index(fields=["org", "served_on"], name="record_org_day_idx"),
            # Almost every entry has these NULL; partial indexes keep SQLite's statistics (after ANALYZE) from
            # judging a lookup by them as a full scan, as it does for the plain FK indexes.
            models.Index(fields=["reverses"], condition=Q(reverses__isnull=False), name="record_reverses_idx"),
            models.Index(fields=["corrects"], condition=Q(corrects__isnull=False), name="record_corrects_idx"),
            models.Index(fields=["attendance"], condition=Q(attendance__isnull=False), name="record_attendance_idx"),
        ]

    def __str__(self) -> str:
        return f"服务记录#{self.pk} {self.get_source_display()} {self.minutes}分钟"

    @property
    def reversal(self) -> ServiceRecord | None:
        """The entry that reversed this one, if any (a reverse one-to-one: None instead of an exception)."""
        try:
            return self.reversed_by
        except ServiceRecord.DoesNotExist:
            return None


class ServiceTotal(models.Model):
    """Per volunteer, org, year and kind: the running sum of ServiceRecord.minutes, kept in the same
    transaction as each entry (F() under the row lock) so totals and rankings read one row, not 1M.
    `manage.py check_service_totals` recomputes every total from the entries and reports differences.

    `org` is the entries' own org (`ServiceRecord.org`), so a subtree ranking needs no join to 100,000
    volunteers and counts only the time earned there: after a transfer (转移接续) the old rows stay with the
    sending org and new time opens a row for the receiving one. A person's own total is the sum of their
    rows over every org."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="service_totals")
    org = models.ForeignKey("orgs.OrgNode", null=True, on_delete=models.SET_NULL, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    minutes = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "服务时长合计"
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year", "kind", "org"], name="uniq_service_total_org")
        ]
        # Covers the ranking: count and page a subtree's year from the index alone, in rank order.
        indexes = [models.Index(fields=["year", "kind", "-minutes", "volunteer", "org"], name="service_total_rank_idx")]


class MonthlyServiceTotal(models.Model):
    """Per org node, calendar month and kind: the running sum of ServiceRecord.minutes served in that month
    (`served_on`) and credited to that node (`ServiceRecord.org`), moved with ServiceTotal by
    `record_append` in the entry's transaction (one row per node, month and kind: entries of one node
    appended at once wait for each other's commit on it, as for a person's ServiceTotal). A quarter's minutes for a subtree (the quarterly report's
    `record_figures`) read a few rows per node instead of the quarter's entries; reversals and corrections
    move it like any entry. `manage.py check_service_totals` recomputes it from the entries too."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # the first day of the month
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    minutes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "月度服务时长合计"
        constraints = [models.UniqueConstraint(fields=["org", "month", "kind"], name="uniq_monthly_service_total")]
        indexes = [models.Index(fields=["month", "kind", "org", "minutes"], name="monthly_service_total_idx")]


class ServiceCategoryTotal(models.Model):
    """Per volunteer, year, kind and service category: the same running sum, split by category, so the
    "my service" page reads a handful of rows. Moved together with ServiceTotal by `record_append`."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    category = models.CharField(max_length=20, choices=ServiceCategory.choices)
    minutes = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "分类服务时长合计"
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "year", "kind", "category"], name="uniq_service_category_total"
            )
        ]


class DisputeStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "已更正"
    DISMISSED = "dismissed", "维持原记录"


class RecordDispute(models.Model):
    """A volunteer contests a record; the leader reviews (upholding it posts a correction)."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="disputes")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("异议理由", max_length=300)
    claimed_minutes = models.PositiveIntegerField("应为（分钟）", null=True, blank=True)
    status = models.CharField(max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "记录异议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(status="open"), name="one_open_dispute_per_record")
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"记录异议#{self.pk}（{self.get_status_display()}）"


class AnomalyStatus(models.TextChoices):
    OPEN = "open", "待复核"
    CLEARED = "cleared", "已核实无误"
    CORRECTED = "corrected", "已更正"


class Anomaly(models.Model):
    """A flag on attendance or a record, in the leader's review queue."""

    kind = models.CharField(max_length=20, choices=AnomalyKind.choices)
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="anomalies")
    attendance = models.ForeignKey(
        Attendance, null=True, blank=True, on_delete=models.CASCADE, related_name="anomalies"
    )
    record = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="anomalies")
    detail = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=10, choices=AnomalyStatus.choices, default=AnomalyStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "异常标记"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "activity"]), models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"异常标记#{self.pk}（{self.get_kind_display()}，{self.get_status_display()}）"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class CorrectionProposal(models.Model):
    """A correction that would add credit minutes: proposed with evidence, posted only when an org admin
    strictly above `anchor_org` (the shallowest of the activity's organiser node and its teams' nodes)
    approves it; the proposer never decides their own proposal."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="correction_proposals")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="+")
    anchor_org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    minutes_before = models.IntegerField("原时长（分钟）")
    minutes = models.IntegerField("更正后时长（分钟）")
    reason = models.CharField("更正原因", max_length=300)
    evidence = models.FileField("佐证材料", upload_to="records/proposals/%Y/%m/", blank=True, default="")
    evidence_note = models.CharField("佐证说明", max_length=500, blank=True, default="")
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True, default="")
    correction = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "更正申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status="pending"), name="one_pending_proposal_per_record"
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"更正申请#{self.pk} {self.minutes_before}→{self.minutes}分钟"


class StarLevelConfig(models.Model):
    """Credit-hour thresholds for 1–5 stars at an org node, inherited down the tree (default 100/300/600/1000/1500)."""

    org = models.OneToOneField("orgs.OrgNode", on_delete=models.CASCADE, related_name="star_levels")
    thresholds_hours = models.JSONField("星级门槛（小时）", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "星级标准"

    def __str__(self) -> str:
        return f"{self.org} 星级标准"


DEFAULT_STAR_THRESHOLDS_HOURS = (100, 300, 600, 1000, 1500)


class Certificate(models.Model):
    """A 志愿服务证明: a frozen snapshot of the volunteer's record for a period, verifiable by its number."""

    number = models.CharField("证明编号", max_length=32, unique=True)
    verify_token = models.CharField(max_length=64, unique=True, editable=False)
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="certificates")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    credit_minutes = models.IntegerField("服务信用时长（分钟）")
    honour_minutes = models.IntegerField("荣誉时长（分钟）")
    issuing_org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    activities_snapshot = models.JSONField(default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务证明"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"志愿服务证明 {self.number}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CalendarSource(models.TextChoices):
    PACKAGE = "package", "chinesecalendar 数据包"
    NOTICE = "notice", "按国务院办公厅通知录入"


class DayKind(models.TextChoices):
    """What the system admin makes of a date on the calendar page."""

    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"
    ORDINARY = "ordinary", "恢复平常（周一至周五上班、周末休息）"


class HolidayYear(models.Model):
    """One year's holiday arrangement (国务院办公厅关于某年部分节假日安排的通知).

    Working days of a year are known only once its row is marked complete: until then a deadline that
    reaches into the year is refused rather than guessed from weekends."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    notice = models.CharField("依据通知", max_length=200, blank=True, default="")
    source = models.CharField("来源", max_length=10, choices=CalendarSource.choices, default=CalendarSource.NOTICE)
    complete = models.BooleanField("已录入完毕", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日年度安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    """A day that departs from the Monday-to-Friday rule: a holiday (放假) or a weekend day declared a
    working day (调休上班). Every other day of a complete year is a working day from Monday to Friday."""

    holiday_year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班")
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def weekday_label(self) -> str:
        return "星期" + "一二三四五六日"[self.date.weekday()]
