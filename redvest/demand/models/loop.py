"""Closing the loop: feedback forms, the operator's callback, spot checks; and Open311 API clients."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.demand.models.requests import ServiceRequest


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


# 满意率 counts 满意 and 基本满意, as the hotlines report it.
SATISFIED_RATINGS = (Rating.SATISFIED, Rating.BASIC)


class CallbackStatus(models.TextChoices):
    PENDING = "pending", "待回访"
    DONE = "done", "已回访"


class Callback(models.Model):
    """The operator's phone callback (电话回访) after a request is resolved; one per round of handling."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="callbacks")
    round = models.PositiveSmallIntegerField("办理轮次", default=0)
    due_at = models.DateTimeField("回访期限")
    status = models.CharField(max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("未接通次数", default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField("回访结果", max_length=12, choices=Rating.choices, blank=True, default="")
    comment = models.CharField("群众意见", max_length=500, blank=True, default="")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "电话回访"
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "round"], name="uniq_callback_per_round")]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"电话回访#{self.pk}（{self.get_status_display()}）"


class FeedbackSource(models.TextChoices):
    RESIDENT = "resident", "群众在线填写"
    PAPER = "paper", "纸质反馈单录入"


class Feedback(models.Model):
    """The service feedback form (服务反馈单), filled in by the resident or typed in from paper."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="feedbacks")
    round = models.PositiveSmallIntegerField("办理轮次", default=0)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices)
    comment = models.CharField("意见建议", max_length=500, blank=True, default="")
    source = models.CharField("来源", max_length=10, choices=FeedbackSource.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "服务反馈单"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["request", "round"], name="uniq_feedback_per_round")]

    def __str__(self) -> str:
        return f"服务反馈单#{self.pk}（{self.get_rating_display()}）"


class SpotCheckStatus(models.TextChoices):
    PENDING = "pending", "待抽查"
    DONE = "done", "已抽查"


class SpotCheck(models.Model):
    """A random spot check (抽查) of a finished request, with its own result."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="spot_check")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=SpotCheckStatus.choices, default=SpotCheckStatus.PENDING)
    verified = models.BooleanField("服务属实", null=True, blank=True)
    rating = models.CharField("满意度", max_length=12, choices=Rating.choices, blank=True, default="")
    note = models.CharField("抽查情况", max_length=500, blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查"
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["status", "-drawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(verified__isnull=False), name="spot_check_done_has_result"
            )
        ]

    def __str__(self) -> str:
        return f"抽查#{self.pk}（{self.get_status_display()}）"


class Open311Client(models.Model):
    """An application allowed to POST requests through Open311. Only the key's hash is stored."""

    name = models.CharField("应用名称", max_length=100)
    org = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="服务区域",
        help_text="该应用提交的诉求默认归属的区域；带密钥查询时可看到该区域内工单的完整信息",
    )
    key_prefix = models.CharField("密钥前缀", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 接入应用"

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(f"open311:{settings.SECRET_KEY}:{key}".encode()).hexdigest()
