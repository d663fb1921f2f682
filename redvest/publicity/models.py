"""Publicity: public commitments (公开承诺) with follow-up history, exemplars (典型) with photos, and
training sessions with enrolment and attendance.

Figures of record are never edited in place: a commitment's status changes by appending a follow-up
row (the commitment keeps the latest status only as a cached pointer, moved in the same transaction);
an attendance mark is corrected by a new mark that references the old one, with who, when and why.
Training minutes are not service minutes and never reach the service-record ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CommitmentSetting(models.TextChoices):
    COMMUNITY = "community", "社区"
    VILLAGE = "village", "村"
    ENTERPRISE = "enterprise", "企业"


class TargetKind(models.TextChoices):
    NONE = "", "无量化目标"
    MINUTES = "minutes", "服务时长"
    ACTIVITIES = "activities", "参加活动次数"


class CommitmentStatus(models.TextChoices):
    ONGOING = "ongoing", "进行中"
    FULFILLED = "fulfilled", "已兑现"
    UNFULFILLED = "unfulfilled", "未兑现"


class Commitment(models.Model):
    """One volunteer's promise for a year in one setting, shown on the public wall."""

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="commitments")
    year = models.PositiveSmallIntegerField("年度")
    setting = models.CharField("服务场景", max_length=12, choices=CommitmentSetting.choices)
    text = models.CharField("承诺内容", max_length=300)
    target_kind = models.CharField("量化目标", max_length=12, choices=TargetKind.choices, blank=True, default="")
    # Minutes for a time target, a count for an activity target.
    target_value = models.PositiveIntegerField("目标值", null=True, blank=True)
    status = models.CharField(
        "兑现情况", max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.ONGOING
    )
    followed_up_on = models.DateField("最近跟进日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开承诺"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year", "setting"], name="uniq_commitment_per_setting"),
            models.CheckConstraint(
                condition=Q(target_kind="", target_value__isnull=True) | (~Q(target_kind="") & Q(target_value__gt=0)),
                name="commitment_target_consistent",
            ),
        ]
        indexes = [models.Index(fields=["year", "setting", "-id"], name="commitment_wall_idx")]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_setting_display()}承诺#{self.pk}"


class CommitmentFollowUp(models.Model):
    """A review of a commitment's status: appended, never edited."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField("兑现情况", max_length=12, choices=CommitmentStatus.choices)
    note = models.CharField("跟进说明", max_length=500)
    followed_on = models.DateField("跟进日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "承诺跟进"
        ordering = ["-followed_on", "-id"]

    def __str__(self) -> str:
        return f"跟进#{self.pk} {self.get_status_display()}"


class ExemplarStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待发布"
    PUBLISHED = "published", "已发布"
    UNPUBLISHED = "unpublished", "已撤下"


class Exemplar(models.Model):
    """A story of outstanding volunteers or teams (典型), published by an admin over its node."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("事迹正文")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="所属组织")
    volunteers = models.ManyToManyField("volunteers.Volunteer", blank=True, related_name="exemplars")
    teams = models.ManyToManyField("teams.Team", blank=True, related_name="exemplars")
    status = models.CharField("状态", max_length=12, choices=ExemplarStatus.choices, default=ExemplarStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unpublish_reason = models.CharField("撤下原因", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "先进典型"
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="exemplar_public_idx")]

    def __str__(self) -> str:
        return self.title


class ExemplarPhoto(models.Model):
    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to="publicity/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "典型照片"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.caption or f"照片#{self.pk}"


class TrainingCategory(models.TextChoices):
    THEORY = "theory", "政策理论"
    SKILLS = "skills", "业务技能"
    FIRST_AID = "first_aid", "应急救护"
    SAFETY = "safety", "安全知识"
    OTHER = "other", "其他"


class TrainingSession(models.Model):
    """A training session; attending it credits `minutes` of training time (not service time)."""

    title = models.CharField("培训主题", max_length=100)
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="主办组织")
    category = models.CharField("培训类别", max_length=12, choices=TrainingCategory.choices)
    trainer = models.CharField("授课人", max_length=50)
    place = models.CharField("地点", max_length=100)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    minutes = models.PositiveIntegerField("培训时长（分钟）")
    capacity = models.PositiveIntegerField("名额")
    description = models.TextField("培训内容", blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_ends_after_start"),
        ]
        indexes = [models.Index(fields=["-starts_at", "-id"], name="training_start_idx")]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="enrolments")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="training_enrolments")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训报名"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "volunteer"], name="uniq_training_enrolment")]

    def __str__(self) -> str:
        return f"报名#{self.pk}"


class AttendanceMark(models.Model):
    """Attended or not, as marked by the organiser. A later change is a new mark with `corrects` set to
    the mark it replaces and a reason; the mark nobody corrects is the current one. The volunteer and
    session are copied from the enrolment so the hours report reads this table alone."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="marks")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="marks")
    attended = models.BooleanField("是否出席")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    reason = models.CharField("更正原因", max_length=300, blank=True, default="")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训考勤"
        ordering = ["id"]
        constraints = [
            # One first mark per enrolment; everything after it is a correction of a mark.
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(corrects__isnull=True), name="uniq_first_training_mark"
            ),
            models.CheckConstraint(condition=Q(corrects__isnull=True) | ~Q(reason=""), name="mark_correction_reason"),
        ]
        indexes = [models.Index(fields=["volunteer", "attended"], name="training_mark_volunteer_idx")]

    def __str__(self) -> str:
        return f"考勤#{self.pk} {'出席' if self.attended else '缺席'}"
