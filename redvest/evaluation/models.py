"""一评议一晾晒: evaluation schemes with weighted criteria, rounds computed from the records, reviewer
adjustments, published rankings; 党建考核 bonus rules for 组团 services; publicity consent of volunteers.

Figures of record are never edited in place: a recomputation writes a new version of every score
(the old rows stay, `is_current=False`), a reviewer's change is a `ScoreAdjustment` row with a reason,
and publishing writes `RankingEntry` rows that nothing changes afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.orgs.models import OrgKind


class Metric(models.TextChoices):
    HOURS_PER_MEMBER = "hours_per_member", "人均服务时长（小时）"
    ACTIVITIES = "activities", "开展活动数"
    SATISFACTION = "satisfaction", "群众满意率（%）"
    REPORTS_ON_TIME = "reports_on_time", "季报按时报送率（%）"
    CARE_ON_TIME = "care_on_time", "关爱走访按时率（%）"
    POINTS_PER_MEMBER = "points_per_member", "人均获得积分"
    REQUESTS_ON_TIME = "requests_on_time", "工单按时办结率（%）"


class Normalisation(models.TextChoices):
    # score = value / (highest value in the round's cohort) × 100; 0 when nobody has anything.
    RELATIVE_MAX = "max", "与本轮最高值之比×100"
    # score = min(value / target, 1) × 100: reaching the target earns full marks.
    THRESHOLD = "threshold", "达到目标值得满分，按比例折算"


class EvaluationScheme(models.Model):
    """The criteria an org node evaluates its subtree by. The nearest scheme up the tree is in force."""

    org = models.OneToOneField(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="evaluation_scheme", verbose_name="制定单位"
    )
    name = models.CharField("方案名称", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评议方案"
        ordering = ["org__path"]

    def __str__(self) -> str:
        return self.name


class EvaluationCriterion(models.Model):
    """One weighted metric of a scheme; a scheme's weights total 100 (checked by the service)."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="criteria")
    metric = models.CharField("指标", max_length=30, choices=Metric.choices)
    weight = models.PositiveSmallIntegerField("权重（%）")
    normalisation = models.CharField(
        "折算方式", max_length=10, choices=Normalisation.choices, default=Normalisation.RELATIVE_MAX
    )
    target = models.DecimalField("目标值", max_digits=10, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "评议指标"
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "metric"], name="uniq_criterion_metric"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.weight}%"


class RoundStatus(models.TextChoices):
    COMPUTED = "computed", "已计算待审核"
    PUBLISHED = "published", "已晾晒"


class EvaluationRound(models.Model):
    """One quarter's evaluation of a cohort (the nodes of one kind inside the reviewing node's subtree)."""

    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="evaluation_rounds", verbose_name="评议单位"
    )
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    cohort_kind = models.CharField("参评组织类型", max_length=20)
    criteria = models.JSONField("指标快照", default=list)  # the scheme's criteria when last computed
    version = models.PositiveIntegerField("计算版本", default=0)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.COMPUTED)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评议轮次"
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter", "cohort_kind"], name="uniq_round_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="round_quarter_1_4"),
        ]
        indexes = [models.Index(fields=["org", "year", "quarter", "status"])]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度评议"

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED

    @property
    def cohort_label(self) -> str:

        return OrgKind(self.cohort_kind).label if self.cohort_kind in OrgKind.values else self.cohort_kind


class ScoreStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    REVIEWED = "reviewed", "已审核"


class EvaluationScore(models.Model):
    """One org's computed figures in one computation version of a round."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="scores")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    values = models.JSONField("指标值", default=dict)
    metric_scores = models.JSONField("指标得分", default=dict)
    computed = models.DecimalField("计算得分", max_digits=7, decimal_places=2)
    status = models.CharField(max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评议得分"
        ordering = ["round", "-computed", "org_id"]
        constraints = [models.UniqueConstraint(fields=["round", "org", "version"], name="uniq_score_version")]
        indexes = [models.Index(fields=["round", "is_current", "status"])]


class ScoreAdjustment(models.Model):
    """A reviewer's change to an org's score in a round, with the reason; final = computed + adjustments.
    Adjustments belong to the round and org, so they carry over a recomputation."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="adjustments")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    score = models.ForeignKey(EvaluationScore, on_delete=models.PROTECT, related_name="adjustments")
    delta = models.DecimalField("调整分值", max_digits=6, decimal_places=2)
    reason = models.CharField("调整理由", max_length=300)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评议调整"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["round", "org"])]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="adjustment_delta_not_zero")]

    def __str__(self) -> str:
        return f"评议调整 {self.delta:+}"


class RankingEntry(models.Model):
    """The published ranking (晾晒) of a round: written once at publication."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="ranking")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    org_name = models.CharField(max_length=100)
    score = models.DecimalField("最终得分", max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField("名次")

    class Meta:
        verbose_name = verbose_name_plural = "晾晒排名"
        ordering = ["round", "rank", "org_name", "org_id"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="uniq_ranking_org")]


class BonusRule(models.Model):
    """党建考核 bonus for 组团 services under an org node; the nearest active rule up the tree applies."""

    org = models.OneToOneField("orgs.OrgNode", on_delete=models.PROTECT, related_name="bonus_rule")
    organise_points = models.PositiveIntegerField("牵头组织每次加分")
    join_points = models.PositiveIntegerField("参与组团每次加分")
    cap_per_period = models.PositiveIntegerField("每季度封顶", null=True, blank=True, help_text="留空为不封顶")
    is_active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "党建考核加分规则"

    def __str__(self) -> str:
        return f"{self.org}：牵头{self.organise_points}分/参与{self.join_points}分"


class PublicityConsent(models.Model):
    """Whether a volunteer agreed to be named on public pages; the latest row is in force."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField("同意公开姓名")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公开展示同意"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "-recorded_at", "-id"])]

    def __str__(self) -> str:
        return "同意公开姓名" if self.granted else "不同意公开姓名"
