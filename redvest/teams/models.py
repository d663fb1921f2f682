from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from redvest.core.append_only import AppendOnlyModel
from redvest.core.errors import AppendOnlyError
from redvest.teams.errors import AnnouncementAppendOnly


class TeamKind(models.TextChoices):
    CORPS = "corps", "总队"
    DETACHMENT = "detachment", "支队"
    SPECIALIST = "specialist", "专业服务队"
    VANGUARD = "vanguard", "先锋队/突击队/攻坚队"
    GRID = "grid", "网格服务队"
    YOUTH = "youth", "青年（团员）队"
    FLOATING = "floating", "流动党员队"
    FREE = "free", "自由组队"


class Specialty(models.TextChoices):
    NONE = "", "—"
    FIRST_AID = "first_aid", "应急救护"
    LEGAL = "legal", "法律援助"
    ELDERLY = "elderly", "养老服务"
    MEDICAL = "medical", "医疗"
    EDUCATION = "education", "教育辅导"
    CULTURE = "culture", "文化宣传"
    ENVIRONMENT = "environment", "环境保护"
    SAFETY = "safety", "平安巡防"


# The volunteer skills a specialist team stands for. A service item asks for both (its required skills for
# volunteers, its team specialty for teams); the two must name the same kind of help. Specialties without
# a defining skill (养老服务, 环境保护, 平安巡防) are broad fields any member can serve in.
SPECIALTY_SKILLS: dict[str, tuple[str, ...]] = {
    Specialty.FIRST_AID: ("应急救护",),
    Specialty.LEGAL: ("法律咨询",),
    Specialty.MEDICAL: ("医疗护理",),
    Specialty.EDUCATION: ("教育辅导",),
    Specialty.CULTURE: ("文艺表演", "书法", "摄影摄像"),
}


def specialty_for_skills(skills: list[str] | tuple[str, ...]) -> str:
    """The one specialty the skills point to ("" when none or several do): 法律咨询 → 法律援助."""
    found = {sp for sp, own in SPECIALTY_SKILLS.items() if set(own) & set(skills)}
    return str(found.pop()) if len(found) == 1 else ""


class Team(models.Model):
    name = models.CharField("队名", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=TeamKind.choices)
    specialty = models.CharField("专业方向", max_length=20, choices=Specialty.choices, blank=True, default="")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="teams", verbose_name="所属组织")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="上级队伍"
    )
    leader = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
        verbose_name="负责人",
    )
    liaison = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_teams",
        verbose_name="联络员",
    )
    rules = models.TextField("队伍制度", blank=True, default="")
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务队"
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="uniq_team_name_per_org")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A team's field rules; the services check its org, its parent and that its name is free there."""
        errors: dict[str, str] = {}
        for field, label, limit in (("name", "队名", 100), ("rules", "队伍制度", 5000)):
            text = getattr(self, field) or ""
            if "\x00" in text:
                errors[field] = f"{label}含有非法字符"
            elif field == "name" and not text.strip():
                errors[field] = f"请填写{label}"
            elif len(text) > limit:
                errors[field] = f"{label}不能超过{limit}个字"
        if self.kind not in TeamKind.values:
            errors["kind"] = "请选择有效的队伍类型"
        elif self.kind == TeamKind.SPECIALIST:
            if not self.specialty:
                errors["specialty"] = "专业服务队须选择专业方向"
            elif self.specialty not in Specialty.values:
                errors["specialty"] = "请选择有效的专业方向"
        elif self.specialty:
            errors["specialty"] = "只有专业服务队才能设置专业方向"
        if errors:
            raise ValidationError(errors)


class MembershipKind(models.TextChoices):
    ORGANISATIONAL = "org", "组织关系"
    ACTIVITY = "activity", "活动关系"


class Membership(models.Model):
    """A volunteer in a team. At most one current organisational membership per volunteer (DB constraint)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField("关系", max_length=10, choices=MembershipKind.choices)
    joined_at = models.DateTimeField("加入时间", auto_now_add=True)
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    left_reason = models.CharField("离开原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "队员关系"
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(kind="org", left_at__isnull=True),
                name="one_current_org_team_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "team"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership_per_team",
            ),
        ]
        indexes = [models.Index(fields=["team", "left_at"])]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.team}"


class Backbone(models.Model):
    """Ordered backbone members (骨干梯队): the first in order steps in when the leader leaves."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="backbones")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField("顺位")

    class Meta:
        verbose_name = verbose_name_plural = "骨干队员"
        ordering = ["team", "order"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="uniq_backbone_member")]


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "已拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


class JoinRequest(models.Model):
    """A request to join a team (organisational = transfer when already in another team)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="join_requests")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="join_requests")
    kind = models.CharField("关系", max_length=10, choices=MembershipKind.choices)
    message = models.CharField("申请说明", max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "入队申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], condition=Q(status="pending"), name="one_pending_request_per_team"
            )
        ]

    def __str__(self) -> str:
        return f"入队申请#{self.pk}（{self.get_kind_display()}，{self.get_status_display()}）"


class TeamDocument(models.Model):
    """The team archive (档案): rules, minutes, photos, records."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("标题", max_length=100)
    file = models.FileField("文件", upload_to="teams/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "队伍档案"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"队伍档案《{self.title}》"


class BrandProject(models.Model):
    """A named service brand (品牌项目) owned by a unit, run by teams."""

    name = models.CharField("品牌名称", max_length=100)
    owner = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="brands", verbose_name="所属单位")
    description = models.TextField("简介", blank=True, default="")
    teams = models.ManyToManyField(Team, blank=True, related_name="brands", verbose_name="参与队伍")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "品牌项目"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_brand_per_owner")]

    def __str__(self) -> str:
        return self.name


class TeamAnnouncement(AppendOnlyModel):
    """群公告 (seed 002's 服务群): a leader's notice to the team's members. Never edited: a revision is a new
    row that `replaces` the one before, so the history stays and members see only the newest version."""

    append_only_error: ClassVar[type[AppendOnlyError]] = AnnouncementAppendOnly

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    pinned = models.BooleanField("置顶", default=False)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name="修订自"
    )
    first_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="首版"
    )  # null on the first version itself: a notice's history is one query
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布人"
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "群公告"
        ordering = ["-pinned", "-created_at", "-id"]
        indexes = [models.Index(fields=["team", "-created_at"], name="team_announcement_recent")]
        constraints = [
            # One revision per version: two leaders revising the same notice at once cannot fork it.
            models.UniqueConstraint(fields=["replaces"], name="team_announcement_one_revision")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        title = (self.title or "").strip()
        if not title:
            errors["title"] = "请填写公告标题"
        elif len(title) > 100:
            errors["title"] = "标题不能超过100个字"
        body = (self.body or "").strip()
        if not body:
            errors["body"] = "请填写公告内容"
        elif len(body) > 5000:
            errors["body"] = "内容不能超过5000个字"
        if errors:
            raise ValidationError(errors)


class AnnouncementRead(models.Model):
    """A member has read this version of an announcement (the unread marker is its absence)."""

    announcement = models.ForeignKey(TeamAnnouncement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公告已读"
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]
