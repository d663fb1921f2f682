"""The party member's pioneer index (党员先锋指数): per-org weights and manual bonus/deduction entries.

Scores are kept in hundredths (分 × 100, integers) so SQL computes them exactly on every database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class GradeMode(models.TextChoices):
    THRESHOLD = "threshold", "按分数线"
    PERCENTILE = "percentile", "按排名比例"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


class PioneerConfig(models.Model):
    """Weights and grading of an org node, in force for its subtree unless a lower node has its own."""

    org = models.OneToOneField("orgs.OrgNode", on_delete=models.CASCADE, related_name="pioneer_config")
    base_score = models.PositiveSmallIntegerField("基础分", default=60)
    hour_weight_centi = models.PositiveIntegerField("每信用小时加分（×0.01）", default=50)
    points_weight_centi = models.PositiveIntegerField("每100积分加分（×0.01）", default=100)
    award_score = models.PositiveSmallIntegerField("获奖表彰默认加分", default=5)
    exemplar_score = models.PositiveSmallIntegerField("先进典型默认加分", default=5)
    complaint_score = models.PositiveSmallIntegerField("有效投诉默认扣分", default=5)
    violation_score = models.PositiveSmallIntegerField("违规违纪默认扣分", default=10)
    grade_mode = models.CharField("评定方式", max_length=10, choices=GradeMode.choices, default=GradeMode.THRESHOLD)
    excellent_min = models.PositiveSmallIntegerField("优秀分数线", default=90)
    good_min = models.PositiveSmallIntegerField("良好分数线", default=75)
    fair_min = models.PositiveSmallIntegerField("一般分数线", default=60)
    excellent_pct = models.PositiveSmallIntegerField("优秀比例（前%）", default=10)
    good_pct = models.PositiveSmallIntegerField("良好比例（累计前%）", default=40)
    fair_pct = models.PositiveSmallIntegerField("一般比例（累计前%）", default=90)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "先锋指数权重"
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_min__gte=models.F("good_min")) & Q(good_min__gte=models.F("fair_min")),
                name="pioneer_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(excellent_pct__lte=models.F("good_pct"))
                & Q(good_pct__lte=models.F("fair_pct"))
                & Q(fair_pct__lte=100),
                name="pioneer_percentiles_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} 先锋指数权重"


class EntryCategory(models.TextChoices):
    AWARD = "award", "获奖表彰"
    EXEMPLAR = "exemplar", "先进典型"
    OTHER_BONUS = "other_bonus", "其他加分"
    COMPLAINT = "complaint", "有效投诉"
    VIOLATION = "violation", "违规违纪"
    OTHER_DEDUCTION = "other_deduction", "其他扣分"


DEDUCTION_CATEGORIES = (EntryCategory.COMPLAINT, EntryCategory.VIOLATION, EntryCategory.OTHER_DEDUCTION)


class PioneerEntry(models.Model):
    """A manual bonus (+) or deduction (−) for one member and year, with its reason. Revoked, not deleted."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="pioneer_entries")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("类别", max_length=16, choices=EntryCategory.choices)
    score = models.SmallIntegerField("分值")
    reason = models.CharField("事由", max_length=200)
    evidence = models.FileField("佐证材料", upload_to="points/pioneer/%Y/", blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "先锋指数加减分"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "year"])]
        constraints = [models.CheckConstraint(condition=~Q(score=0), name="pioneer_entry_score_not_zero")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.score:+d}"


class MemberYearTotal(models.Model):
    """Per volunteer and year: points earned (all types) and the index's bonus and deductions, moved
    with every earning and every entry so the ranking joins one row per member instead of summing."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="points_year_totals")
    year = models.PositiveSmallIntegerField()
    points_earned = models.BigIntegerField(default=0)
    bonus = models.IntegerField(default=0)
    deduction = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "年度积分与加减分合计"
        constraints = [models.UniqueConstraint(fields=["volunteer", "year"], name="uniq_member_year_total")]
