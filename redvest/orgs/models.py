from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省委组织部"
    CITY = "city", "市委组织部"
    ORG_DEPT = "org_dept", "县委组织部/机关工委"
    TOWN = "town", "镇街"
    COMMUNITY = "community", "村社区"
    GRID = "grid", "网格"
    UNIT = "unit", "单位"
    PARTY_ORG = "party_org", "党组织/党支部"
    HOTLINE = "hotline", "热线中心"
    HEAD_STATION = "head_station", "总站"
    BRANCH_STATION = "branch_station", "分站"
    SERVICE_POINT = "service_point", "服务点"
    POST = "post", "驿站"


STATION_KINDS = frozenset({OrgKind.HEAD_STATION, OrgKind.BRANCH_STATION, OrgKind.SERVICE_POINT, OrgKind.POST})

# Above the counties: a province holds cities (and counties it runs directly, 省直管县), a city holds
# counties and districts (县/市/区, kind ORG_DEPT); both may keep a 96345 hotline centre. Nothing else hangs
# off them: towns, units and stations belong to a county.
REGION_KINDS = frozenset({OrgKind.PROVINCE, OrgKind.CITY})
CHILD_KINDS_OF_REGION = {
    OrgKind.PROVINCE: frozenset({OrgKind.CITY, OrgKind.ORG_DEPT, OrgKind.HOTLINE}),
    OrgKind.CITY: frozenset({OrgKind.ORG_DEPT, OrgKind.HOTLINE}),
}
# GB/T 2260 administrative division codes: six digits, a province's ends in 0000, a city's in 00.
AREA_CODE_LENGTH = 6

DEFAULT_TEAM_MIN_SIZE = 5


def is_county_root(kind: str, parent_kind: str | None) -> bool:
    """A county (or district) in a multi-county deployment: a 县委组织部 directly under a city or province."""
    return kind == OrgKind.ORG_DEPT and parent_kind in REGION_KINDS


def placement_errors(*, kind: str, code: str, parent_kind: str | None, parent_code: str = "") -> dict[str, str]:
    """Where a kind may sit in the tree and the GB/T 2260 code it then needs (the rules for the levels above
    a county; every other placement is free as before). Field name → Chinese message; empty when fine."""
    errors: dict[str, str] = {}
    if kind == OrgKind.PROVINCE and parent_kind is not None:
        errors["kind"] = "省委组织部只能作为顶级节点"
    elif kind == OrgKind.CITY and parent_kind not in (None, OrgKind.PROVINCE):
        errors["kind"] = "市委组织部只能作为顶级节点或设在省委组织部之下"
    elif parent_kind in REGION_KINDS and kind not in CHILD_KINDS_OF_REGION[OrgKind(parent_kind)]:
        allowed = "、".join(k.label for k in OrgKind if k in CHILD_KINDS_OF_REGION[OrgKind(parent_kind)])
        errors["kind"] = f"{OrgKind(parent_kind).label}之下只能设{allowed}"
    if errors or not (kind in REGION_KINDS or is_county_root(kind, parent_kind)):
        return errors
    level = {OrgKind.PROVINCE: "省级", OrgKind.CITY: "市级"}.get(OrgKind(kind), "县级")
    if not (len(code) == AREA_CODE_LENGTH and code.isascii() and code.isdigit()):
        errors["code"] = f"请填写6位{level}行政区划代码（GB/T 2260），志愿者编号按它分段"
    elif kind == OrgKind.PROVINCE and not code.endswith("0000"):
        errors["code"] = "省级行政区划代码应以0000结尾"
    elif kind == OrgKind.CITY and (not code.endswith("00") or code.endswith("0000")):
        errors["code"] = "市级行政区划代码应以00结尾（不以0000结尾）"
    elif kind == OrgKind.ORG_DEPT and code.endswith("00"):
        errors["code"] = "县级行政区划代码不应以00结尾"
    elif parent_code[:2].isdigit() and code[:2] != parent_code[:2]:
        errors["code"] = f"行政区划代码应与上级（{parent_code}）同属一省"
    elif parent_kind == OrgKind.CITY and parent_code[:4].isdigit() and code[:4] != parent_code[:4]:
        errors["code"] = f"行政区划代码应与上级市（{parent_code}）的前四位一致"
    return errors


class FiveHaveKind(models.TextChoices):
    LOGO = "logo", "有标识"
    VENUE = "venue", "有场地"
    TEAM = "team", "有队伍"
    RULES = "rules", "有制度"
    RECORDS = "records", "有记录"
    FUNDS = "funds", "有经费"


class InspectionResult(models.TextChoices):
    PASS = "pass", "达标"
    FAIL = "fail", "未达标"


@dataclass(frozen=True)
class FiveHaveStatus:
    """One checklist item's standing: no inspection yet (result None), passed or failed."""

    kind: str
    label: str
    result: str | None

    @property
    def passed(self) -> bool:
        return self.result == InspectionResult.PASS

    @property
    def result_label(self) -> str:
        return InspectionResult(self.result).label if self.result else "未检查"


class OrgNode(MP_Node):
    """A node of the organisation tree; `path` (materialized path) makes subtree queries one prefix match."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    code = models.CharField("行政区划/机构代码", max_length=20, blank=True, default="")
    team_min_size = models.PositiveSmallIntegerField(
        "服务队最少人数", null=True, blank=True, help_text="留空则沿用上级设置（默认5人）"
    )
    # Where a town or village lies (its 村委会/社区服务中心): requests and volunteers placed at the node are
    # measured from here when dispatching. Stations keep their own coordinates.
    latitude = models.DecimalField("中心点纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("中心点经度", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    node_order_by = ["name"]
    steplen = 4

    class Meta:
        verbose_name = verbose_name_plural = "组织节点"
        indexes = [models.Index(fields=["kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="orgnode_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="orgnode_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_station(self) -> bool:
        return self.kind in STATION_KINDS


class StationAmenity(models.TextChoices):
    """What a passer-by finds at a station (the public portal lists them)."""

    STORAGE = "storage", "寄存"
    DIRECTIONS = "directions", "指路"
    REST = "rest", "休憩"
    CHARGING = "charging", "充电"
    WATER = "water", "饮水"
    FIRST_AID = "first_aid", "应急药箱"
    UMBRELLA = "umbrella", "爱心雨伞"
    TOILET = "toilet", "如厕"
    READING = "reading", "阅读"
    REPAIR = "repair", "便民维修"


class Station(models.Model):
    """A 总站/分站/服务点/驿站: the place residents walk into."""

    node = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="station", primary_key=True)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True, default="")
    contact_name = models.CharField("联系人", max_length=50, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, default="")
    amenities = models.JSONField("便民服务", default=list, blank=True, help_text="寄存、指路、休憩、充电等")

    class Meta:
        verbose_name = verbose_name_plural = "站点"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="station_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="station_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.node)

    @property
    def amenity_labels(self) -> list[str]:
        labels = dict(StationAmenity.choices)
        return [labels[a] for a in self.amenities or [] if a in labels]

    @property
    def fivehave_status(self) -> list[FiveHaveStatus]:
        """The six items in checklist order with their latest result, read from the `fh_<kind>`
        annotations `orgs.selectors.station_list` adds (no query here)."""
        return [
            FiveHaveStatus(kind=k, label=k.label, result=getattr(self, f"fh_{k.value}", None)) for k in FiveHaveKind
        ]

    @property
    def falls_short(self) -> bool:
        return any(not s.passed for s in self.fivehave_status)


class FiveHaveItem(models.Model):
    """One item of a station's 五有 checklist; its standing is its latest inspection."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField("项目", max_length=10, choices=FiveHaveKind.choices)
    description = models.TextField("情况说明", blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "五有清单项"
        constraints = [models.UniqueConstraint(fields=["station", "kind"], name="uniq_station_fivehave_kind")]
        ordering = ["station", "kind"]

    def __str__(self) -> str:
        return f"{self.station} {self.get_kind_display()}"


class FiveHaveEvidence(models.Model):
    item = models.ForeignKey(FiveHaveItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("佐证材料", upload_to="fivehave/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200, blank=True, default="")
    size = models.PositiveIntegerField("大小（字节）", default=0)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "五有佐证材料"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class FiveHaveInspection(models.Model):
    """Inspection history of one checklist item: who, when, what they found."""

    item = models.ForeignKey(FiveHaveItem, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    inspected_on = models.DateField("检查日期")
    result = models.CharField("结果", max_length=10, choices=InspectionResult.choices)
    notes = models.TextField("备注", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "五有检查记录"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["item", "-inspected_on", "-id"])]

    def __str__(self) -> str:
        return f"五有检查记录#{self.pk}（{self.inspected_on:%Y-%m-%d}，{self.get_result_display()}）"
