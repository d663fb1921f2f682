"""联户 (联系户): households a volunteer or a team looks after, and the append-only contact log.

Not 结对帮扶 (care): care registers people in need, with consent-gated health data, a visit cadence per
category and needs turned into work orders. 联户 is the everyday liaison of seed 002's 一点一群一线: every
household of a village may have its volunteer or team, contacted at a common interval (a setting)."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from redvest.core.append_only import AppendOnlyModel
from redvest.core.crypto import decrypt
from redvest.core.errors import AppendOnlyError
from redvest.households.errors import ContactLogAppendOnly


class Household(models.Model):
    """One household (户) at a village/community node, looked after by exactly one volunteer or one team."""

    org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="households", verbose_name="所在村社区"
    )
    head_name = models.CharField("户主姓名", max_length=50)
    address = models.CharField("住址", max_length=200, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, default="", editable=False)
    notes = models.CharField("备注", max_length=500, blank=True, default="")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name="联户志愿者",
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name="联户服务队",
    )
    last_contact_on = models.DateField("最近联系", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "联系户"
        ordering = ["-id"]
        indexes = [models.Index(fields=["last_contact_on"], name="household_last_contact")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(volunteer__isnull=False) & Q(team__isnull=True))
                | (Q(volunteer__isnull=True) & Q(team__isnull=False)),
                name="household_volunteer_xor_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        name = (self.head_name or "").strip()
        if not name:
            errors["head_name"] = "请填写户主姓名"
        elif len(name) > 50:
            errors["head_name"] = "户主姓名不能超过50字"
        if len(self.address or "") > 200:
            errors["address"] = "住址不能超过200字"
        if len(self.notes or "") > 500:
            errors["notes"] = "备注不能超过500字"
        if (self.volunteer_id is None) == (self.team_id is None):
            errors["liaison"] = "请选择一名联户志愿者或一支服务队（二选一）"
        if errors:
            raise ValidationError(errors)

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def liaison_name(self) -> str:
        if self.volunteer_id is not None and self.volunteer is not None:
            return self.volunteer.name
        return f"服务队 {self.team.name}" if self.team is not None else ""

    def days_since_contact(self, today: datetime.date) -> int | None:
        return None if self.last_contact_on is None else (today - self.last_contact_on).days


class ContactWay(models.TextChoices):
    VISIT = "visit", "上门"
    PHONE = "phone", "电话"
    WECHAT = "wechat", "微信群"


class HouseholdContact(AppendOnlyModel):
    """One contact with a household (联系记录), written once; a mistake is set right by a later entry."""

    append_only_error: ClassVar[type[AppendOnlyError]] = ContactLogAppendOnly

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField("联系日期")
    way = models.CharField("联系方式", max_length=10, choices=ContactWay.choices)
    content = models.TextField("联系内容")
    follow_up = models.BooleanField("需要跟进", default=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联系记录"
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["household", "-contacted_on"], name="household_contact_recent")]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_way_display()}"
