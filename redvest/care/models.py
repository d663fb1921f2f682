"""Care pairing (结对帮扶): people in need, their separately consented health data, pairings with
volunteers or teams, visit cadence, visit logs and the reminders sent about them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from redvest.core.crypto import decrypt


class CareCategory(models.TextChoices):
    LONELY_ELDERLY = "lonely_elderly", "孤寡老人"
    EMPTY_NEST = "empty_nest", "空巢老人"
    DISABLED = "disabled", "残疾人"
    MILITARY_FAMILY = "military_family", "烈军属"
    POOR_RETIREE = "poor_retiree", "困难离退休人员"
    LAID_OFF = "laid_off", "下岗工人"
    POOR_STUDENT = "poor_student", "特困学生"
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    OTHER = "other", "其他"


# Visit every N days by category, until an administrator changes the table (seeded by a migration).
DEFAULT_CADENCE_DAYS: dict[str, int] = {
    CareCategory.LONELY_ELDERLY: 7,
    CareCategory.EMPTY_NEST: 14,
    CareCategory.DISABLED: 30,
    CareCategory.MILITARY_FAMILY: 30,
    CareCategory.POOR_RETIREE: 30,
    CareCategory.LAID_OFF: 90,
    CareCategory.POOR_STUDENT: 30,
    CareCategory.LEFT_BEHIND_CHILD: 14,
    CareCategory.OTHER: 30,
}
FALLBACK_CADENCE_DAYS = 30


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class LivingSituation(models.TextChoices):
    ALONE = "alone", "独居"
    WITH_SPOUSE = "with_spouse", "与配偶同住"
    WITH_FAMILY = "with_family", "与子女/亲属同住"
    WITH_GUARDIAN = "with_guardian", "由监护人照料"
    INSTITUTION = "institution", "机构供养"
    OTHER = "other", "其他"


class RecipientStatus(models.TextChoices):
    ACTIVE = "active", "帮扶中"
    ENDED = "ended", "已结束"


class VisitCadence(models.Model):
    """How often a category is visited (days). Editable by administrators; a recipient may override."""

    category = models.CharField("类别", max_length=20, choices=CareCategory.choices, unique=True)
    days = models.PositiveSmallIntegerField("走访周期（天）")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访周期"
        ordering = ["category"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1, days__lte=366), name="care_cadence_days_range")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} 每{self.days}天"


class CareRecipient(models.Model):
    """A person in need registered at a village/community node."""

    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="care_recipients", verbose_name="所在村社区"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, default="", editable=False)
    address = models.CharField("住址", max_length=200, blank=True, default="")
    category = models.CharField("主要类别", max_length=20, choices=CareCategory.choices)
    other_categories = models.JSONField("其他类别", default=list, blank=True)
    living_situation = models.CharField(
        "居住状况", max_length=20, choices=LivingSituation.choices, default=LivingSituation.OTHER
    )
    living_note = models.CharField("生活情况说明", max_length=500, blank=True, default="")
    cadence_days = models.PositiveSmallIntegerField("走访周期（天，留空按类别）", null=True, blank=True)
    resident = models.ForeignKey(
        "demand.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_recipients",
        verbose_name="服务对象档案",
    )
    status = models.CharField("状态", max_length=10, choices=RecipientStatus.choices, default=RecipientStatus.ACTIVE)
    ended_reason = models.CharField("结束原因", max_length=200, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮扶对象"
        ordering = ["-id"]
        indexes = [models.Index(fields=["category", "status"], name="care_recipient_cat_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__gte=1, cadence_days__lte=366),
                name="care_recipient_cadence_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A person's field rules (the services check the org against the actor and the phone). A birth date
        sets the birth year."""
        errors: dict[str, str] = {}
        name = (self.name or "").strip()
        if not name:
            errors["name"] = "请填写姓名"
        elif len(name) > 50:
            errors["name"] = "姓名不能超过50字"
        if self.gender not in Gender.values:
            errors["gender"] = "请选择性别"
        if self.category not in CareCategory.values:
            errors["category"] = "请选择帮扶类别"
        others = self.other_categories if isinstance(self.other_categories, list) else [None]
        if any(c not in CareCategory.values for c in others):
            errors["other_categories"] = "其他类别无效"
        today = timezone.localdate()
        if self.birth_date is not None:
            if self.birth_date > today or self.birth_date.year < 1900:
                errors["birth_date"] = "出生日期无效"
            elif self.birth_year is not None and self.birth_year != self.birth_date.year:
                errors["birth_year"] = "出生年份与出生日期不一致"
            self.birth_year = self.birth_date.year
        if self.birth_year is not None and not 1900 <= self.birth_year <= today.year:
            errors["birth_year"] = "出生年份无效"
        if len(self.address or "") > 200:
            errors["address"] = "住址不能超过200字"
        if self.living_situation not in LivingSituation.values:
            errors["living_situation"] = "请选择居住状况"
        if len(self.living_note or "") > 500:
            errors["living_note"] = "生活情况说明不能超过500字"
        if self.cadence_days is not None and not 1 <= self.cadence_days <= 366:
            errors["cadence_days"] = "走访周期应在1到366天之间"
        if errors:
            raise ValidationError(errors)

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def categories(self) -> list[str]:
        return [self.category, *[c for c in self.other_categories if c != self.category]]

    def categories_display(self) -> str:
        labels = dict(CareCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in self.categories)


class ConsentGiver(models.TextChoices):
    SELF = "self", "本人"
    GUARDIAN = "guardian", "监护人"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "书面"
    ORAL = "oral", "口头"
    ELECTRONIC = "electronic", "电子"


class CareConsent(models.Model):
    """The separate consent (单独同意) to keep health and disability details. At most one in force."""

    recipient = models.ForeignKey(CareRecipient, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField("同意人", max_length=10, choices=ConsentGiver.choices)
    giver_name = models.CharField("同意人姓名", max_length=50)
    method = models.CharField("同意方式", max_length=12, choices=ConsentMethod.choices)
    given_on = models.DateField("同意日期")
    evidence = models.FileField("同意书扫描件", upload_to="care/consents/%Y/%m/", blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.CharField("撤回说明", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "健康信息单独同意"
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient"], condition=Q(withdrawn_at__isnull=True), name="care_one_consent_in_force"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_given_by_display()}{self.giver_name} {self.get_method_display()}同意"


class DisabilityType(models.TextChoices):
    NONE = "", "无"
    VISION = "vision", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class CareHealthRecord(models.Model):
    """Health and disability details, encrypted at rest, written only under a consent in force and
    wiped when that consent is withdrawn."""

    recipient = models.OneToOneField(CareRecipient, on_delete=models.CASCADE, related_name="health")
    consent = models.ForeignKey(CareConsent, on_delete=models.CASCADE, related_name="+")
    data_encrypted = models.TextField(blank=True, default="", editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "健康与残疾信息"

    def __str__(self) -> str:
        return f"{self.recipient_id}的健康信息"


class PairingStatus(models.TextChoices):
    ACTIVE = "active", "结对中"
    ENDED = "ended", "已解除"


class CarePairing(models.Model):
    """One recipient with exactly one volunteer or one team; several rows make a one-to-N pairing."""

    recipient = models.ForeignKey(CareRecipient, on_delete=models.CASCADE, related_name="pairings")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_pairings",
        verbose_name="志愿者",
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_pairings",
        verbose_name="服务队",
    )
    status = models.CharField("状态", max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("解除日期", null=True, blank=True)
    ended_reason = models.CharField("解除原因", max_length=200, blank=True, default="")
    last_visited_on = models.DateField("最近走访", null=True, blank=True)
    next_visit_due = models.DateField("下次走访截止", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对关系"
        ordering = ["next_visit_due", "id"]
        indexes = [models.Index(fields=["status", "next_visit_due"], name="care_pairing_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(volunteer__isnull=False) & Q(team__isnull=True))
                | (Q(volunteer__isnull=True) & Q(team__isnull=False)),
                name="care_pairing_volunteer_xor_team",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="care_pairing_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["recipient", "volunteer"],
                condition=Q(status="active", volunteer__isnull=False),
                name="care_one_active_pairing_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["recipient", "team"],
                condition=Q(status="active", team__isnull=False),
                name="care_one_active_pairing_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} ⇄ {self.partner_name}"

    @property
    def partner_name(self) -> str:
        if self.volunteer_id is not None and self.volunteer is not None:
            return self.volunteer.name
        return self.team.name if self.team is not None else ""

    def days_overdue(self, today: datetime.date) -> int:
        if self.status != PairingStatus.ACTIVE or self.next_visit_due is None:
            return 0
        return max(0, (today - self.next_visit_due).days)


class VisitForm(models.TextChoices):
    HOME = "home", "上门走访"
    PHONE = "phone", "电话问候"
    VIDEO = "video", "视频"
    ESCORT = "escort", "陪同就医"
    OTHER = "other", "其他"


class CareVisit(models.Model):
    """One visit (走访慰问). `due_on` is the pairing's due date this visit met (for punctuality)."""

    recipient = models.ForeignKey(CareRecipient, on_delete=models.CASCADE, related_name="visits")
    pairing = models.ForeignKey(
        CarePairing, null=True, blank=True, on_delete=models.PROTECT, related_name="visits", verbose_name="结对关系"
    )
    visited_on = models.DateField("走访日期")
    form = models.CharField("走访形式", max_length=10, choices=VisitForm.choices, default=VisitForm.HOME)
    duration_minutes = models.PositiveIntegerField("时长（分钟）", default=0)
    notes = models.TextField("走访情况", blank=True, default="")
    photo = models.ImageField("照片", upload_to="care/visits/%Y/%m/", blank=True, default="")
    need_found = models.TextField("发现的需求", blank=True, default="")
    need_item_code = models.CharField("需求服务项目编码", max_length=20, blank=True, default="")
    request = models.ForeignKey(
        "demand.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_visits",
        verbose_name="转办工单",
    )
    due_on = models.DateField("应走访日期", null=True, blank=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["visited_on"], name="care_visit_on"),
            models.Index(fields=["due_on"], name="care_visit_due"),  # punctuality per period (visit_stats)
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__lte=24 * 60), name="care_visit_duration_range")
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_form_display()}"

    @property
    def on_time(self) -> bool | None:
        return None if self.due_on is None else self.visited_on <= self.due_on


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", "即将到期"
    OVERDUE = "overdue", "已逾期"


class CareReminder(models.Model):
    """A reminder sent about one due date of one pairing; the unique key keeps the daily run idempotent."""

    pairing = models.ForeignKey(CarePairing, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "走访提醒"
        constraints = [
            models.UniqueConstraint(fields=["pairing", "due_on", "kind"], name="care_one_reminder_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.due_on} {self.get_kind_display()}"
