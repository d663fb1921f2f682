"""The service menu (项目菜单): five categories, 120+ items, each with its skills, handling level and SLA."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from redvest.activities.models import ServiceCategory
from redvest.teams.models import SPECIALTY_SKILLS, Specialty, specialty_for_skills

DEFAULT_ARRIVAL_MINUTES = 30
DEFAULT_RESOLUTION_MINUTES = 24 * 60


def requirement_conflict(skills: list[str] | tuple[str, ...], specialty: str) -> str:
    """Why an item's volunteer skills and its team specialty disagree ("" when they agree): a specialty that
    stands for skills (法律援助 → 法律咨询) needs one of them among the required skills."""
    own = SPECIALTY_SKILLS.get(specialty, ())
    if own and not set(own) & set(skills):
        return f"对口专业服务队为“{Specialty(specialty).label}”，所需技能应包含{'或'.join(own)}"
    return ""


class DemandCategory(models.TextChoices):
    """The five 96345 categories (seed 003)."""

    LIFE = "life", "生活求助"
    POLICY = "policy", "政策咨询"
    DISPUTE = "dispute", "纠纷调解"
    ELDERLY = "elderly", "居家养老"
    HARDSHIP = "hardship", "困难帮扶"


class HandlingLevel(models.TextChoices):
    """Which level of the network answers an item; the recommendation looks for candidates there first."""

    COUNTY = "county", "县级"
    TOWN = "town", "镇街"
    COMMUNITY = "community", "村社区"
    STATION = "station", "服务站点"


class AssigneeKind(models.TextChoices):
    STATION = "station", "服务站点"
    TEAM = "team", "服务队"
    VOLUNTEER = "volunteer", "志愿者"


class ServiceItem(models.Model):
    """One orderable service. `code` is the Open311 service_code."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    category = models.CharField("类别", max_length=20, choices=DemandCategory.choices)
    description = models.TextField("说明", blank=True, default="")
    keywords = models.CharField("关键词", max_length=200, blank=True, default="")
    required_skills = models.JSONField("所需技能", default=list, blank=True)
    team_specialty = models.CharField(
        "对口专业服务队", max_length=20, choices=Specialty.choices, blank=True, default=""
    )
    handling_level = models.CharField(
        "承办层级", max_length=20, choices=HandlingLevel.choices, default=HandlingLevel.COMMUNITY
    )
    assignee_kind = models.CharField(
        "默认派单对象", max_length=20, choices=AssigneeKind.choices, default=AssigneeKind.VOLUNTEER
    )
    arrival_minutes = models.PositiveIntegerField("响应/到场时限（分钟）", default=DEFAULT_ARRIVAL_MINUTES)
    resolution_minutes = models.PositiveIntegerField("办结时限（分钟）", default=DEFAULT_RESOLUTION_MINUTES)
    record_category = models.CharField(
        "服务记录类别", max_length=20, choices=ServiceCategory.choices, default=ServiceCategory.COMMUNITY
    )
    is_errand = models.BooleanField("红色代办", default=False)
    errand_documents = models.JSONField("材料清单", default=list, blank=True)
    errand_steps = models.JSONField("办理步骤", default=list, blank=True)
    auto_dispatch = models.BooleanField("受理后按规则自动派单", default=False)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务项目"
        ordering = ["category", "sort_order", "code"]
        indexes = [models.Index(fields=["category", "is_active"])]
        constraints = [
            models.CheckConstraint(condition=Q(arrival_minutes__gte=1), name="item_arrival_positive"),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("arrival_minutes")), name="item_resolution_after_arrival"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def skills_wanted(self) -> list[str]:
        """The volunteer skills asked for: the item's own, else those its team specialty stands for."""
        return [str(s) for s in self.required_skills] or list(SPECIALTY_SKILLS.get(self.team_specialty, ()))

    @property
    def specialty_wanted(self) -> str:
        """The team specialty asked for: the item's own, else the one its required skills point to."""
        return self.team_specialty or specialty_for_skills([str(s) for s in self.required_skills])

    @property
    def open311_type(self) -> str:
        """Errands are registered first and numbered by the service point, so Open311 clients get a token."""
        return "batch" if self.is_errand else "realtime"

    @property
    def resolution_label(self) -> str:
        minutes = self.resolution_minutes
        if minutes % 1440 == 0:
            return f"{minutes // 1440}天"
        if minutes % 60 == 0:
            return f"{minutes // 60}小时"
        return f"{minutes}分钟"


class AttributeType(models.TextChoices):
    """Open311 service-definition datatypes."""

    STRING = "string", "单行文本"
    NUMBER = "number", "数字"
    DATETIME = "datetime", "日期时间"
    TEXT = "text", "多行文本"
    SINGLE = "singlevaluelist", "单选"
    MULTI = "multivaluelist", "多选"


LIST_TYPES = frozenset({AttributeType.SINGLE, AttributeType.MULTI})


class ServiceAttribute(models.Model):
    """An extra question an item asks (Open311 service definition attribute)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField("编码", max_length=40)
    description = models.CharField("问题", max_length=200)
    datatype = models.CharField("类型", max_length=20, choices=AttributeType.choices, default=AttributeType.STRING)
    datatype_description = models.CharField("填写说明", max_length=200, blank=True, default="")
    required = models.BooleanField("必填", default=False)
    variable = models.BooleanField("需要填写", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=1)
    values = models.JSONField("选项", default=list, blank=True, help_text='[{"key": "...", "name": "..."}]')

    class Meta:
        verbose_name = verbose_name_plural = "服务项目附加信息"
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="uniq_item_attribute_code"),
            models.UniqueConstraint(fields=["item", "order"], name="uniq_item_attribute_order"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}/{self.code}"

    @property
    def value_keys(self) -> set[str]:
        return {str(v.get("key")) for v in self.values if isinstance(v, dict)}
