from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from redvest.core.crypto import decrypt
from redvest.core.models import HeartbeatJob
from redvest.volunteers import hooks


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    PASSPORT = "passport", "护照"
    OTHER = "other", "其他"


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", "中共党员"
    PROBATIONARY = "probationary", "中共预备党员"
    LEAGUE_MEMBER = "league_member", "共青团员"
    MASSES = "masses", "群众"


class ServiceCategory(models.TextChoices):
    """服务类别 as in the national volunteer-record rules (志愿服务记录与证明出具办法, 2020)."""

    COMMUNITY = "community", "社区服务"
    POVERTY = "poverty", "扶贫减贫"
    EDUCATION = "education", "支教助学"
    HEALTH = "health", "卫生健康"
    LEGAL = "legal", "法律服务"
    ENVIRONMENT = "environment", "生态环保"
    CULTURE = "culture", "文化艺术"
    EMERGENCY = "emergency", "应急救援"
    SCIENCE = "science", "科技科普"
    SAFETY = "safety", "平安综治"
    SPECIAL_GROUPS = "special_groups", "关爱特殊群体"
    EVENTS = "events", "大型活动"
    OTHER = "other", "其他"


class RecruitmentSource(models.TextChoices):
    """How the person came to the team (seed 003: 组织推荐、群众推荐、个人自荐). 未记录 marks the rows
    registered before the field existed; new registrations always choose one of the other three."""

    ORGANIZATION = "organization", "组织推荐"
    MASSES = "masses", "群众推荐"
    SELF = "self", "个人自荐"
    UNRECORDED = "unrecorded", "未记录"


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    REGISTERED = "registered", "已注册"
    SUSPENDED = "suspended", "暂停"
    DEREGISTERED = "deregistered", "注销"


class Volunteer(models.Model):
    """One person in the volunteer ledger (一本账). ID number and phones are encrypted at rest."""

    number = models.CharField("志愿者编号", max_length=20, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer"
    )
    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="volunteers", verbose_name="所属组织"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("证件号码", max_length=32, editable=False)
    phone_encrypted = models.TextField(editable=False)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, editable=False)
    residence_area = models.CharField("居住地区", max_length=100, blank=True, default="")
    skills = models.JSONField("服务技能", default=list, blank=True)
    service_categories = models.JSONField("服务类别", default=list, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, choices=PoliticalStatus.choices)
    party_org = models.ForeignKey(
        "orgs.OrgNode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
        verbose_name="所在党组织",
    )
    work_unit = models.CharField("工作单位", max_length=100, blank=True, default="")
    specialties = models.CharField("特长", max_length=200, blank=True, default="")
    service_post = models.CharField("服务岗位", max_length=100, blank=True, default="")
    availability = models.CharField("可服务时间", max_length=100, blank=True, default="")
    status = models.CharField("状态", max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING)
    recruitment_source = models.CharField(
        "招募来源", max_length=20, choices=RecruitmentSource.choices, default=RecruitmentSource.UNRECORDED
    )
    recommender = models.CharField("推荐人", max_length=50, blank=True, default="")
    guardian_name = models.CharField("监护人姓名", max_length=50, blank=True, default="")
    guardian_phone_encrypted = models.TextField(blank=True, default="", editable=False)
    guardian_consent_date = models.DateField("监护人同意日期", null=True, blank=True)
    guardian_note = models.CharField("监护说明", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "-id"]),
            # Name search is LIKE '%…%': this narrow index lets it scan names (and check the org) without
            # reading the wide encrypted rows, about four times faster at 100,000 volunteers.
            models.Index(fields=["name", "org"], name="volunteer_name_org_idx"),
            # Status first serves the status filters as before; with the org it lets the quarterly report
            # count a subtree's registered volunteers per node from the index alone.
            models.Index(fields=["status", "org"], name="volunteer_status_org_idx"),
            models.Index(fields=["political_status"]),
            models.Index(fields=["recruitment_source"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    @property
    def service_category_labels(self) -> list[str]:
        labels = dict(ServiceCategory.choices)
        return [labels.get(c, c) for c in self.service_categories]

    @property
    def org_team(self) -> Any:
        """The current organisational team (a teams.Team, through `volunteers.hooks`); free when selectors
        prefetched `current_org_memberships`."""
        rows = getattr(self, "current_org_memberships", None)
        if rows is None:
            return hooks.one(hooks.org_team_of(self))
        return rows[0].team if rows else None

    @property
    def id_number(self) -> str:
        return decrypt(self.id_number_encrypted)

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def guardian_phone(self) -> str:
        return decrypt(self.guardian_phone_encrypted)


class VolunteerStatusChange(models.Model):
    """History of status changes (审核、暂停、注销、恢复): deregistering keeps the record."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=VolunteerStatus.choices)
    to_status = models.CharField(max_length=20, choices=VolunteerStatus.choices)
    reason = models.CharField("原因", max_length=200, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者状态变更"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class NumberSequence(models.Model):
    """Per area code and year, the last issued sequence number (locked row when issuing)."""

    area_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_code", "year"], name="uniq_number_sequence")]


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "处理中"
    PREVIEWED = "previewed", "预检完成"
    FAILED = "failed", "有错误，未导入"
    DONE = "done", "已导入"


class VolunteerImport(HeartbeatJob):
    """An uploaded Excel file, its dry-run preview and its result, processed in the background."""

    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.BooleanField("仅预检", default=True)
    skip_bad_rows = models.BooleanField("只导入正确行", default=False)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    bad_rows = models.PositiveIntegerField("错误行数", default=0)
    original_name = models.CharField("文件名", max_length=200, blank=True, default="")
    message = models.CharField("说明", max_length=300, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "志愿者导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"导入#{self.pk} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.PREVIEWED, ImportStatus.FAILED, ImportStatus.DONE}

    @property
    def good_rows(self) -> int:
        return max(0, self.total_rows - self.bad_rows)

    @property
    def percent(self) -> int:
        return 100 if self.is_finished else (self.processed_rows * 100 // self.total_rows if self.total_rows else 0)


class VolunteerImportChunk(models.Model):
    """A validated slice of an import's rows, written in its own short transaction while the file is checked.
    The final step turns the good rows of every chunk into volunteers in one transaction, then deletes the
    chunks; a worker that dies in between leaves only chunks, and a resumed import skips the staged ones."""

    imp = models.ForeignKey(VolunteerImport, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    good = models.JSONField(default=list)  # [{"number", "org_id", "org_path", "team_id", "party_org_id", "values"}]
    errors = models.JSONField(default=list)
    hashes = models.JSONField(default=dict)  # ID-number hash -> first row with it, for in-file duplicates

    class Meta:
        verbose_name = verbose_name_plural = "导入暂存"
        constraints = [models.UniqueConstraint(fields=["imp", "index"], name="volunteer_import_chunk_once")]
        ordering = ["imp", "index"]

    def __str__(self) -> str:
        return f"导入#{self.imp_id} 第{self.index + 1}段"


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", "个人信息处理"
    SENSITIVE = "sensitive", "敏感个人信息"
    GUARDIAN = "guardian", "监护人同意"


class ConsentMethod(models.TextChoices):
    ONLINE = "online", "线上"
    OFFLINE = "offline", "线下"


class PersonalDataConsent(models.Model):
    """One consent to processing personal data (PIPL), as given: which text version, when, by whom, how.
    Never edited except to stamp `withdrawn_at`; a new text version needs a new row."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField("同意类型", max_length=20, choices=ConsentKind.choices)
    policy_version = models.CharField("告知文本版本", max_length=30)
    given_at = models.DateTimeField("同意时间")
    given_by = models.CharField("同意人", max_length=50, help_text="本人，或监护人姓名")
    given_by_phone_masked = models.CharField("同意人电话", max_length=20, blank=True, default="")
    method = models.CharField("方式", max_length=10, choices=ConsentMethod.choices)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息处理同意"
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.policy_version}，{self.given_by}）"


class DeregistrationStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已注销"
    REJECTED = "rejected", "未同意"


class DeregistrationRequest(models.Model):
    """注销申请: the volunteer asks, an org admin over them confirms; confirming erases the personal fields."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="deregistration_requests")
    reason = models.CharField("申请原因", max_length=200, blank=True, default="")
    status = models.CharField(
        "状态", max_length=20, choices=DeregistrationStatus.choices, default=DeregistrationStatus.PENDING
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "注销申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=models.Q(status="pending"),
                name="one_pending_deregistration_per_volunteer",
            )
        ]

    def __str__(self) -> str:
        return f"注销申请#{self.pk}（{self.get_status_display()}）"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "已接收"
    REFUSED = "refused", "已拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


class VolunteerTransfer(models.Model):
    """转移接续 inside this deployment: moving a volunteer to another org node (possibly another county).
    Asked by the volunteer or an admin over `from_org`, decided by an admin over `to_org`. The row is
    written once and stamped once with the decision (or the withdrawal); every step has its audit row.
    Accepting moves `Volunteer.org` only: the number, the records (each carrying the org it was earned
    for) and the honours stay with the person."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="转出组织")
    to_org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="转入组织")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="申请人"
    )
    reason = models.CharField("申请原因", max_length=200)
    status = models.CharField("状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "转移接续"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "to_org"]),
            models.Index(fields=["volunteer", "-requested_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_volunteer",
            )
        ]

    def __str__(self) -> str:
        return f"转移接续#{self.pk}（{self.get_status_display()}）"
