"""服装装备: the red vests themselves and the rest of a volunteer's kit, stocked per station.

Stock is never edited in place: every change is a `StockMovement` (入库, 发放, 归还, 遗失) with the
station's balance after it; `StationStock` is the running balance kept under a row lock in the same
transaction (as records' `ServiceTotal`), and what a volunteer holds is the sum of their movements."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from redvest.core.append_only import AppendOnlyModel
from redvest.core.errors import AppendOnlyError
from redvest.equipment.errors import MovementAppendOnly


class EquipmentItem(models.Model):
    """A kind of kit (红马甲, 帽子, 袖标…): a county-wide catalog."""

    name = models.CharField("名称", max_length=50, unique=True)
    unit = models.CharField("单位", max_length=10, default="件")
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "装备品类"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StationStock(models.Model):
    """The running balance of one item at one station, changed only with a movement."""

    station = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="站点")
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="stocks", verbose_name="物品")
    on_hand = models.PositiveIntegerField("在库数量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "站点库存"
        constraints = [models.UniqueConstraint(fields=["station", "item"], name="equipment_stock_once")]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.station_id}"


class MovementKind(models.TextChoices):
    RECEIVE = "receive", "入库"
    ISSUE = "issue", "发放"
    RETURN = "return", "归还"
    LOST = "lost", "遗失"


class ReturnCondition(models.TextChoices):
    GOOD = "good", "完好"
    DAMAGED = "damaged", "损坏"


class StockMovement(AppendOnlyModel):
    """One change of a station's stock or of what a volunteer holds. `stock_delta` is what the station's
    balance moved by (`balance_after` after it); `held_delta` what the volunteer's holding moved by."""

    append_only_error: ClassVar[type[AppendOnlyError]] = MovementAppendOnly

    station = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="站点")
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="movements", verbose_name="物品")
    kind = models.CharField("类型", max_length=10, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField("数量")
    stock_delta = models.IntegerField("库存变化")
    balance_after = models.PositiveIntegerField("变动后库存")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment_movements",
        verbose_name="志愿者",
    )
    held_delta = models.IntegerField("领用变化", default=0)
    condition = models.CharField("归还状况", max_length=10, choices=ReturnCondition.choices, blank=True, default="")
    note = models.CharField("说明", max_length=200, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="经办人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "出入库记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["station", "-id"], name="equipment_movement_station"),
            models.Index(fields=["volunteer", "item"], name="equipment_movement_holder"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="equipment_movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(kind="receive") | Q(volunteer__isnull=False),
                name="equipment_movement_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"
