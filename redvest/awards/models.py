"""Annual awards (年度评选): campaigns, nominations with materials, judges and their votes, the
preliminary cut, expert scores, tiers, the publicity period (公示) and objections.

Votes, scores and decisions are figures of record: never edited. A retracted vote is a new row; a
changed result is a new decision that supersedes the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class AwardKind(models.TextChoices):
    VOLUNTEER = "volunteer", "优秀志愿者"
    TEAM = "team", "优秀服务队"
    BRAND = "brand", "优秀品牌项目"
    CUSTOM = "custom", "自定义评选"


class EntryType(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿者"
    TEAM = "team", "服务队"
    BRAND = "brand", "品牌项目"


class Stage(models.TextChoices):
    DRAFT = "draft", "筹备中"
    NOMINATION = "nomination", "推荐提名"
    VOTING = "voting", "初评投票"
    REVIEW = "review", "专家终审"
    PUBLICITY = "publicity", "结果公示"
    FINAL = "final", "结果公布"


class TieRule(models.TextChoices):
    """How the preliminary cut orders entries with equal votes (shown on the cut page)."""

    VOTES_METRIC_TIME = (
        "votes_metric_time",
        "票数高者优先；票数相同按服务业绩（年度信用时长或活动场次）高者；仍相同按推荐时间早者",
    )
    VOTES_TIME = "votes_time", "票数高者优先；票数相同按推荐时间早者"
    EXTEND = "extend", "票数高者优先；与第N名票数相同者全部入围（入围数可多于N）"


class AwardCampaign(models.Model):
    """One selection (e.g. 2026年度优秀志愿者) run by an org node; its subtree nominates."""

    name = models.CharField("评选名称", max_length=100)
    kind = models.CharField("评选类别", max_length=20, choices=AwardKind.choices)
    entry_type = models.CharField("参评对象", max_length=20, choices=EntryType.choices)
    year = models.PositiveSmallIntegerField("年度")
    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="award_campaigns", verbose_name="主办组织"
    )
    description = models.TextField("评选说明", blank=True, default="")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    nomination_opens = models.DateTimeField("推荐开始")
    nomination_closes = models.DateTimeField("推荐截止")
    voting_opens = models.DateTimeField("投票开始")
    voting_closes = models.DateTimeField("投票截止")
    publicity_days = models.PositiveSmallIntegerField("公示天数", default=7)
    publicity_starts = models.DateTimeField("公示开始", null=True, blank=True)
    publicity_ends = models.DateTimeField("公示结束", null=True, blank=True)
    # Eligibility: [{"code": "min_credit_hours", "param": 20}, ...] (see awards/rules.py).
    rules = models.JSONField("参评条件", default=list, blank=True)
    default_quota = models.PositiveSmallIntegerField("每单位推荐名额", default=3)
    votes_per_judge = models.PositiveSmallIntegerField("每位评委总票数上限", null=True, blank=True)
    allow_retraction = models.BooleanField("允许撤回投票", default=False)
    finalists = models.PositiveSmallIntegerField("初评入围数", default=35)
    tie_rule = models.CharField("同票规则", max_length=30, choices=TieRule.choices, default=TieRule.VOTES_METRIC_TIME)
    # [["一等奖", 5], ["二等奖", 10], ["三等奖", 20]]: tiers in order, by final-score rank.
    tiers = models.JSONField("奖项等次", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评选活动"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["org", "-year"])]

    def __str__(self) -> str:
        return self.name

    def tier_pairs(self) -> list[tuple[str, int]]:
        return [(str(name), int(count)) for name, count in self.tiers]

    def clean(self) -> None:
        """The settings' field rules (the services check the eligibility rules against the registry and
        what other rows allow)."""
        errors: dict[str, str] = {}
        if not (self.name or "").strip():
            errors["name"] = "请填写评选名称"
        if self.kind not in AwardKind.values:
            errors["kind"] = "评选类别无效"
        if self.entry_type not in EntryType.values:
            errors["entry_type"] = "自定义评选须选择参评对象（志愿者、服务队或品牌项目）"
        if self.year is None or not 2000 <= self.year <= 2100:
            errors["year"] = "年度无效"
        if None not in (self.nomination_opens, self.nomination_closes, self.voting_opens, self.voting_closes):
            if self.nomination_opens >= self.nomination_closes:
                errors["nomination_closes"] = "推荐截止须晚于推荐开始"
            if self.voting_opens < self.nomination_closes:
                errors["voting_opens"] = "投票须在推荐截止后开始"
            if self.voting_opens >= self.voting_closes:
                errors["voting_closes"] = "投票截止须晚于投票开始"
        if self.publicity_days is None or not 1 <= self.publicity_days <= 30:
            errors["publicity_days"] = "公示天数应为1至30天"
        if self.default_quota is None or self.default_quota < 1:
            errors["default_quota"] = "每单位推荐名额至少为1"
        if self.votes_per_judge is not None and self.votes_per_judge < 1:
            errors["votes_per_judge"] = "票数上限至少为1（不限请留空）"
        if self.finalists is None or self.finalists < 1:
            errors["finalists"] = "初评入围数至少为1"
        if self.tie_rule not in TieRule.values:
            errors["tie_rule"] = "同票规则无效"
        tiers = self.tiers if isinstance(self.tiers, list) else []
        if not tiers or any(not name or count < 1 for name, count in tiers):
            errors["tiers"] = "请设置奖项等次及名额（如 一等奖 5）"
        elif self.finalists is not None and sum(count for _, count in tiers) > self.finalists:
            errors["tiers"] = "获奖总名额不能超过初评入围数"
        if errors:
            raise ValidationError(errors)


class QuotaOverride(models.Model):
    """A different nomination quota for one nominating org in one campaign."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.CASCADE, related_name="quota_overrides")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.CASCADE, related_name="+", verbose_name="推荐单位")
    quota = models.PositiveSmallIntegerField("名额")

    class Meta:
        verbose_name = verbose_name_plural = "推荐名额调整"
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="uniq_award_quota_org")]


class NominationStatus(models.TextChoices):
    ACTIVE = "active", "参评中"
    WITHDRAWN = "withdrawn", "已撤回"
    REMOVED = "removed", "经异议取消"


class Nomination(models.Model):
    """One entry: a volunteer, team or brand project nominated by an org within its quota."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.PROTECT, related_name="nominations")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="推荐单位")
    entry_type = models.CharField(max_length=20, choices=EntryType.choices)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT, related_name="award_nominations"
    )
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey("teams.BrandProject", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("参评对象", max_length=100)  # the name at nomination time
    materials = models.TextField("事迹材料")
    name_consent = models.BooleanField("本人同意公开姓名", default=False)
    status = models.CharField(max_length=20, choices=NominationStatus.choices, default=NominationStatus.ACTIVE)
    status_reason = models.CharField("撤回/取消原因", max_length=300, blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nominated_at = models.DateTimeField("推荐时间")

    class Meta:
        verbose_name = verbose_name_plural = "参评推荐"
        ordering = ["nominated_at", "id"]
        indexes = [models.Index(fields=["campaign", "org", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "volunteer"],
                condition=Q(volunteer__isnull=False, status="active"),
                name="uniq_award_active_volunteer",
            ),
            models.UniqueConstraint(
                fields=["campaign", "team"],
                condition=Q(team__isnull=False, status="active"),
                name="uniq_award_active_team",
            ),
            models.UniqueConstraint(
                fields=["campaign", "brand"],
                condition=Q(brand__isnull=False, status="active"),
                name="uniq_award_active_brand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.name}"

    @property
    def target_id(self) -> int | None:
        return {"volunteer": self.volunteer_id, "team": self.team_id, "brand": self.brand_id}[self.entry_type]


class NominationFile(models.Model):
    """An uploaded 事迹材料 file."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("附件", upload_to="awards/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "事迹材料附件"
        ordering = ["id"]


class Judge(models.Model):
    """A judge of one campaign, with the org they belong to (for the own-organisation rule)."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_judgeships")
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="评委所在组织")
    is_expert = models.BooleanField("终审专家", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评委"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="uniq_award_judge")]

    def __str__(self) -> str:
        return f"评委 {self.user_id}@{self.campaign_id}"


class VoteKind(models.TextChoices):
    VOTE = "vote", "投票"
    RETRACTION = "retraction", "撤回"


class Vote(models.Model):
    """One judge's vote for one entry (append-only; a retraction is a new row pointing at the vote)."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.PROTECT, related_name="votes")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="votes")
    kind = models.CharField(max_length=12, choices=VoteKind.choices, default=VoteKind.VOTE)
    retracts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="retracted_by"
    )
    cast_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "投票"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "nomination"], condition=Q(kind="vote"), name="uniq_award_vote_per_judge_entry"
            ),
        ]
        indexes = [models.Index(fields=["nomination", "kind"]), models.Index(fields=["judge", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.judge_id}→{self.nomination_id}"


class ExpertScore(models.Model):
    """One expert's 0–100 score for one finalist (never edited)."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.PROTECT, related_name="expert_scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="expert_scores")
    score = models.PositiveSmallIntegerField("评分")
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "专家评分"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "nomination"], name="uniq_award_score_per_expert_entry"),
            models.CheckConstraint(condition=Q(score__lte=100), name="award_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id}→{self.nomination_id}: {self.score}"


class DecisionKind(models.TextChoices):
    CUT = "cut", "初评入围"
    TIERS = "tiers", "评定等次"


class Decision(models.Model):
    """A recorded decision: the preliminary cut or the tiers, with the ranking snapshot in its rows.
    A later decision of the same kind supersedes the earlier one (e.g. after an upheld objection)."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    rule = models.CharField("规则", max_length=300)
    reason = models.CharField("原因", max_length=300, blank=True, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "评选决定"
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supersedes"], name="uniq_award_decision_supersedes"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class DecisionRow(models.Model):
    """One entry's line in a decision's ranking snapshot."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="rows")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField("名次")
    votes = models.IntegerField("票数", default=0)
    metric = models.IntegerField("服务业绩", default=0)  # credit minutes or activity count, for the tie rule
    score = models.DecimalField("终审得分", max_digits=6, decimal_places=2, null=True, blank=True)
    score_count = models.PositiveSmallIntegerField("评分专家数", default=0)
    selected = models.BooleanField("入围/获奖", default=False)
    tier = models.CharField("等次", max_length=30, blank=True, default="")

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "nomination"], name="uniq_award_decision_row")]


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"


class Objection(models.Model):
    """An objection (异议) to a published result, filed during the publicity period."""

    campaign = models.ForeignKey(AwardCampaign, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="objections")
    reason = models.TextField("异议理由")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, default="")
    filed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.CharField("处理意见", max_length=300, blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"异议 {self.pk}"
