"""Activities: recruitment, sign-ups, attendance (check-in/out) and outcomes.

Closed attendance becomes service time in the records app, which registers on `activities.hooks`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ServiceCategory(models.TextChoices):
    COMMUNITY = "community", "社区服务"
    POVERTY = "poverty", "扶贫济困"
    ELDERLY_DISABLED = "elderly_disabled", "助老助残"
    ENVIRONMENT = "environment", "环境保护"
    CULTURE_EDUCATION = "culture_education", "文化教育"
    HEALTH = "health", "医疗卫生"
    EMERGENCY = "emergency", "应急救援"
    SAFETY = "safety", "平安建设"
    LEGAL = "legal", "法律服务"
    CIVILISATION = "civilisation", "文明创建"
    OTHER = "other", "其他"


class AnomalyKind(models.TextChoices):
    """The kinds of the records app's review queue (`records.Anomaly`): declared here, below records, because
    attendance raises four of them (`hooks.attendance_flagged`)."""

    OVERLAP = "overlap", "时段重叠"
    FAR_FROM_SITE = "far_from_site", "签到位置远离活动地点"
    OVER_12_HOURS = "over_12h", "单日超过12小时"
    LATE_SYNC = "late_sync", "离线延迟同步"
    AUTO_CLOSED = "auto_closed", "未签退自动结束"
    CORRECTION = "correction", "人工更正时长"
    DUPLICATE_HONOUR = "duplicate_honour", "疑似重复授予荣誉时数"
    NO_LOCATION = "no_location", "未定位签到（待负责人确认在场）"


class ActivityMode(models.TextChoices):
    CONCENTRATED = "concentrated", "集中服务"
    DISPERSED = "dispersed", "分散服务"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "招募中"
    IN_PROGRESS = "in_progress", "进行中"
    ENDED = "ended", "已结束"
    CANCELLED = "cancelled", "已取消"


# Published and not cancelled: the activity is held (reports, rankings and rollups count these).
HELD_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.IN_PROGRESS, ActivityStatus.ENDED)
# Held and not yet stored as ended: the statuses the clock moves on.
LIVE_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.IN_PROGRESS)


class ActivityKind(models.TextChoices):
    PLANNED = "planned", "组织活动"
    # Written by demand completion to carry a dispatched 工单's handling time; never listed as an activity.
    DEMAND = "demand", "需求工单服务"


def lifecycle_status(
    *, status: str, start_at: datetime.datetime, end_at: datetime.datetime, at: datetime.datetime
) -> str:
    """A held activity is 招募中 before its start, 进行中 until its end, 已结束 after; other statuses stay."""
    if status not in HELD_STATUSES:
        return status
    if at >= end_at:
        return ActivityStatus.ENDED
    if at >= start_at:
        return ActivityStatus.IN_PROGRESS
    return ActivityStatus.PUBLISHED


def status_q(status: str, *, at: datetime.datetime) -> Q:
    """Rows whose status at `at` is `status`, whether or not the periodic advance has stored it yet."""
    live = Q(status__in=LIVE_STATUSES)
    if status == ActivityStatus.PUBLISHED:
        return live & Q(start_at__gt=at)
    if status == ActivityStatus.IN_PROGRESS:
        return live & Q(start_at__lte=at, end_at__gt=at)
    if status == ActivityStatus.ENDED:
        return Q(status=ActivityStatus.ENDED) | (live & Q(end_at__lte=at))
    return Q(status=status)


class QuarterlyTheme(models.Model):
    """The quarter's service theme set by an org admin; activities in its subtree link to it."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="quarterly_themes")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    title = models.CharField("主题", max_length=100)
    description = models.TextField("说明", blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "季度主题"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter"], name="uniq_theme_per_org_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="theme_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度：{self.title}"


class Activity(models.Model):
    title = models.CharField("活动名称", max_length=100)
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="activities", verbose_name="组织")
    teams = models.ManyToManyField("teams.Team", related_name="activities", verbose_name="组织队伍")
    brand = models.ForeignKey(
        "teams.BrandProject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name="品牌项目",
    )
    theme = models.ForeignKey(
        QuarterlyTheme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name="季度主题",
    )
    category = models.CharField("服务类别", max_length=20, choices=ServiceCategory.choices)
    mode = models.CharField("服务方式", max_length=20, choices=ActivityMode.choices, default=ActivityMode.CONCENTRATED)
    is_theme_party_day = models.BooleanField("主题党日活动", default=False)
    place = models.CharField("地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)
    geofence_radius_m = models.PositiveIntegerField("签到范围（米）", default=500)
    start_at = models.DateTimeField("开始时间")
    end_at = models.DateTimeField("结束时间")
    recruit_start = models.DateTimeField("招募开始")
    recruit_end = models.DateTimeField("招募截止")
    quota = models.PositiveIntegerField("招募人数")
    requires_approval = models.BooleanField("报名需审核", default=True)
    skills_wanted = models.JSONField("所需技能", default=list, blank=True)
    description = models.TextField("活动内容", blank=True, default="")
    has_risk = models.BooleanField("有风险", default=False)
    risk_description = models.CharField("风险说明", max_length=200, blank=True, default="")
    status = models.CharField(max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    kind = models.CharField(
        "活动来源", max_length=10, choices=ActivityKind.choices, default=ActivityKind.PLANNED, editable=False
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, default="")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    checkin_secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动"
        ordering = ["-start_at", "-id"]
        indexes = [
            models.Index(fields=["status", "start_at"]),
            # The periodic advance: held activities whose end has passed.
            models.Index(fields=["status", "end_at"]),
            models.Index(fields=["org", "-start_at"]),
            # Browse: open activities near a point (bounding box on latitude, then longitude).
            models.Index(fields=["status", "latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=models.F("start_at")), name="activity_end_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned_minutes(self) -> int:
        return int((self.end_at - self.start_at).total_seconds() // 60)

    def status_at(self, at: datetime.datetime) -> str:
        return lifecycle_status(status=self.status, start_at=self.start_at, end_at=self.end_at, at=at)

    @property
    def current_status(self) -> str:
        """The status shown now (an activity past its end reads 已结束 before the periodic job stores it)."""
        return self.status_at(timezone.now())

    @property
    def current_status_label(self) -> str:
        return ActivityStatus(self.current_status).label


class SignUpStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已录用"
    WAITLISTED = "waitlisted", "候补"
    REJECTED = "rejected", "未录用"
    CANCELLED = "cancelled", "已取消"


ACTIVE_SIGNUP_STATUSES = (SignUpStatus.PENDING, SignUpStatus.APPROVED, SignUpStatus.WAITLISTED)


class SignUp(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(max_length=20, choices=SignUpStatus.choices, default=SignUpStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "报名"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=Q(status__in=["pending", "approved", "waitlisted"]),
                name="one_active_signup_per_activity",
            )
        ]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"]),
            models.Index(fields=["volunteer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.activity_id} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_SIGNUP_STATUSES


class AttendanceMethod(models.TextChoices):
    CODE = "code", "签到码"
    QR = "qr", "扫码"
    PROXY = "proxy", "负责人代签"
    OFFLINE = "offline", "离线补传"


class AttendanceStatus(models.TextChoices):
    OPEN = "open", "已签到"
    CLOSED = "closed", "已签退"
    AUTO_CLOSED = "auto_closed", "系统自动签退（待确认）"
    CONFIRMED = "confirmed", "已确认"


class Attendance(models.Model):
    """One stay at an activity: check-in, check-out, where, how. Becomes a credit ServiceRecord when closed."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendances")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.PROTECT, related_name="attendances")
    check_in_at = models.DateTimeField("签到时间")
    check_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    check_in_method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    check_out_method = models.CharField(max_length=10, choices=AttendanceMethod.choices, blank=True, default="")
    check_in_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(null=True, blank=True)
    check_out_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_out_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_out_distance_m = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.OPEN)
    client_id = models.CharField("客户端ID", max_length=64, null=True, blank=True, unique=True)
    checkout_client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    late_sync = models.BooleanField("离线延迟同步", default=False)
    proxy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy_reason = models.CharField("代签原因", max_length=200, blank=True, default="")
    checkout_proxy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checkout_proxy_reason = models.CharField("代签退原因", max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "签到记录"
        ordering = ["-check_in_at", "-id"]
        constraints = [
            # One stay at a time per volunteer and activity; a multi-day activity may have several closed ones.
            models.UniqueConstraint(
                fields=["activity", "volunteer"], condition=Q(status="open"), name="one_open_attendance_per_activity"
            ),
        ]
        indexes = [models.Index(fields=["status", "activity"]), models.Index(fields=["volunteer", "check_in_at"])]

    def __str__(self) -> str:
        return f"签到 {self.volunteer_id}@{self.activity_id} {self.get_status_display()}"


class TallyCategory(models.Model):
    """An outcome tally configured by admins for their subtree (e.g. 清理垃圾 千克, 巡逻 次, 劝导 人次)."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.CASCADE, related_name="tally_categories")
    name = models.CharField("名称", max_length=50)
    unit = models.CharField("单位", max_length=20)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "成效统计项"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="uniq_tally_category")]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class ActivityOutcome(models.Model):
    """What an activity achieved, reported by the leader. 人次 is counted from attendance, not typed."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="outcome", primary_key=True)
    sessions = models.PositiveIntegerField("场次", default=1)
    beneficiaries = models.PositiveIntegerField("受益人数", default=0)
    problems_found = models.PositiveIntegerField("发现问题", default=0)
    problems_solved = models.PositiveIntegerField("解决问题", default=0)
    summary = models.TextField("活动小结", blank=True, default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动成效"

    def __str__(self) -> str:
        return f"活动成效（活动#{self.pk}）"


class ActivityTally(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tallies")
    category = models.ForeignKey(TallyCategory, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField("数量")

    class Meta:
        verbose_name = verbose_name_plural = "活动成效统计"
        constraints = [models.UniqueConstraint(fields=["activity", "category"], name="uniq_activity_tally")]


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="activities/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动照片"


# 志愿服务安全保障 (志愿服务条例): accident insurance for risky activities, service agreements where the rules
# require them, and a guardian's consent for each activity a minor joins. Rules live in services/safeguards.py.


class InsurancePolicy(models.Model):
    """An accident-insurance record for an activity. Append-only: a correction is a new record that supersedes
    the earlier one; the newest record of an activity is the one in force."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="insurance_policies")
    insurer = models.CharField("保险公司", max_length=100)
    policy_number = models.CharField("保单号", max_length=64)
    cover_start = models.DateTimeField("保障开始")
    cover_end = models.DateTimeField("保障结束")
    insured_volunteers = models.ManyToManyField(
        "volunteers.Volunteer", related_name="insurance_policies", verbose_name="被保险志愿者"
    )
    evidence = models.FileField("保单凭证", upload_to="insurance/%Y/%m/", blank=True, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", verbose_name="更正的记录"
    )
    reason = models.CharField("更正原因", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "意外保险"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(cover_end__gt=models.F("cover_start")), name="insurance_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.insurer.strip():
            errors["insurer"] = "请填写保险公司"
        if not self.policy_number.strip():
            errors["policy_number"] = "请填写保单号"
        if self.cover_start and self.cover_end and self.cover_end <= self.cover_start:
            errors["cover_end"] = "保障结束时间必须晚于开始时间"
        if errors:
            raise ValidationError(errors)


class AgreementKind(models.TextChoices):
    """Why a service agreement (服务协议) is required; each kind has its own text."""

    MINOR = "minor", "未成年人参加志愿服务协议"
    LONG_TERM = "long_term", "长期志愿服务协议"
    RISKY = "risky", "有风险志愿服务协议"
    LARGE_EVENT = "large_event", "大型活动志愿服务协议"


class AgreementTemplate(models.Model):
    """One version of an agreement text; the newest version of a kind is the one volunteers accept."""

    kind = models.CharField("协议类型", max_length=20, choices=AgreementKind.choices)
    version = models.CharField("版本", max_length=20)
    title = models.CharField("标题", max_length=100)
    text = models.TextField("协议内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务协议文本"
        ordering = ["kind", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="uniq_agreement_version")]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class AgreementAcceptance(models.Model):
    """The volunteer accepted one agreement version for one sign-up, on their own phone."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="agreement_acceptances")
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField("同意时间")
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("设备信息", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "服务协议签署"
        ordering = ["accepted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["signup", "template"], name="uniq_agreement_acceptance")]


class GuardianConsentMethod(models.TextChoices):
    PHONE_LINK = "phone_link", "监护人手机确认"
    PAPER = "paper", "纸质同意书（负责人录入）"


class GuardianConsent(models.Model):
    """A guardian's consent for a minor to join one activity; append-only (a later row adds, never edits)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="guardian_consents")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="guardian_consents")
    guardian_name = models.CharField("监护人姓名", max_length=50)
    relation = models.CharField("与未成年人关系", max_length=20)
    method = models.CharField("同意方式", max_length=20, choices=GuardianConsentMethod.choices)
    evidence = models.FileField("同意书凭证", upload_to="guardian/%Y/%m/", blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    given_at = models.DateTimeField("同意时间")

    class Meta:
        verbose_name = verbose_name_plural = "监护人同意"
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["activity", "volunteer"])]

    def __str__(self) -> str:
        return f"监护人同意 {self.volunteer_id}@{self.activity_id}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.guardian_name.strip():
            errors["guardian_name"] = "请填写监护人姓名"
        if not self.relation.strip():
            errors["relation"] = "请填写与未成年人的关系"
        if errors:
            raise ValidationError(errors)
