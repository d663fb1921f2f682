"""Quarterly reports (季报) of party organisations, their figures and status history, the reminders
sent about them, and the 工委's quarterly circulars (情况通报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.orgs.models import OrgKind

# Which nodes file a 季报: party organisations. In the demo tree (and the county's real one) every 单位
# and 村社区 hosts its 党支部 as a leaf node, while the members, teams and activities are registered at
# the host; so a 党支部's figures are counted over its host's subtree (see `records_path`).
FILING_KINDS = (OrgKind.PARTY_ORG,)
HOST_KINDS = (OrgKind.UNIT, OrgKind.COMMUNITY)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


FILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class FigureKey(models.TextChoices):
    """The figures of a report, in display order. `*_minutes` are minutes (shown as hours)."""

    ACTIVITIES = "activities", "开展活动（次）"
    SESSIONS = "sessions", "活动场次（场）"
    PERSON_TIMES = "person_times", "参与人次"
    CREDIT_MINUTES = "credit_minutes", "服务信用时长（分钟）"
    HONOUR_MINUTES = "honour_minutes", "荣誉时长（分钟）"
    BENEFICIARIES = "beneficiaries", "受益群众（人）"
    PROBLEMS_FOUND = "problems_found", "发现问题（个）"
    PROBLEMS_SOLVED = "problems_solved", "解决问题（个）"
    REQUESTS_HANDLED = "requests_handled", "办结群众诉求（件）"
    CARE_VISITS = "care_visits", "结对关爱走访（次）"
    VOLUNTEERS = "volunteers", "在岗志愿者（人，已注册，不含暂停）"


MINUTE_KEYS = frozenset({FigureKey.CREDIT_MINUTES, FigureKey.HONOUR_MINUTES})


def quarter_check() -> Q:
    return Q(quarter__gte=1, quarter__lte=4)


class QuarterlyReport(models.Model):
    """One party organisation's report for one quarter. Figures live in `ReportFigure` rows (the record
    value computed from the ledgers beside the value reported); status changes in `ReportEvent`."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="quarterly_reports")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_on = models.DateField("报送截止")
    submitted_at = models.DateTimeField("首次报送", null=True, blank=True)
    last_submitted_at = models.DateTimeField("最近报送", null=True, blank=True)
    is_late = models.BooleanField("逾期报送", default=False)
    highlights = models.TextField("工作亮点", blank=True, default="")
    problems = models.TextField("存在问题", blank=True, default="")
    next_plan = models.TextField("下季度计划", blank=True, default="")
    figures_at = models.DateTimeField("数据生成时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "季报"
        ordering = ["-year", "-quarter", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter"], name="uniq_report_per_org_quarter"),
            models.CheckConstraint(condition=quarter_check(), name="report_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"])]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年第{self.quarter}季度季报"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ReportFigure(models.Model):
    """One figure of a report: what the records say and what the organisation reports. A reported value
    that differs from the record needs a reason; the reviewer sees both."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="figures")
    key = models.CharField("指标", max_length=20, choices=FigureKey.choices)
    record_value = models.IntegerField("记录值")
    reported_value = models.IntegerField("填报值")
    reason = models.CharField("调整说明", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "季报指标"
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="uniq_report_figure")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.reported_value}"

    @property
    def is_edited(self) -> bool:
        return self.reported_value != self.record_value

    @property
    def is_minutes(self) -> bool:
        return self.key in MINUTE_KEYS


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "报送"
    RETURNED = "returned", "退回"
    ACCEPTED = "accepted", "通过"


class ReportEvent(models.Model):
    """The history of a report: every submission, return and acceptance is a row, never edited."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("操作", max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间")
    comment = models.TextField("意见", blank=True, default="")
    is_late = models.BooleanField("逾期", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "季报流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", "截止前提醒"
    OVERDUE = "overdue", "逾期催报"


class ReportReminder(models.Model):
    """A reminder or overdue alert already sent for an organisation's quarter: the sweep skips these."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    days = models.PositiveSmallIntegerField("距截止（天）")
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "季报提醒"
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter", "kind", "days"], name="uniq_report_reminder")
        ]


class CircularStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class Circular(models.Model):
    """A quarterly 情况通报 of a reviewing node. Publishing freezes its generated tables into `tables`;
    a published circular is never changed: a correction is a new version referencing it."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="circulars")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", verbose_name="更正自"
    )
    title = models.CharField("标题", max_length=200)
    intro = models.TextField("总体情况", blank=True, default="")
    highlights = models.TextField("工作亮点", blank=True, default="")
    problems = models.TextField("存在问题", blank=True, default="")
    next_steps = models.TextField("下步工作", blank=True, default="")
    doc_number = models.CharField("文号", max_length=60, blank=True, default="")
    correction_note = models.CharField("更正说明", max_length=300, blank=True, default="")
    status = models.CharField("状态", max_length=10, choices=CircularStatus.choices, default=CircularStatus.DRAFT)
    tables = models.JSONField("通报表格", null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "情况通报"
        ordering = ["-year", "-quarter", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter", "version"], name="uniq_circular_version"),
            models.CheckConstraint(condition=quarter_check(), name="circular_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CircularStatus.PUBLISHED
