from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from redvest.core.schemas import ErrorOut, Id  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class HouseholdOut(Schema):
    """A household as the API shows it: the phone masked (full only through /phone, audited)."""

    id: int
    org_id: int
    org_name: str
    head_name: str
    address: str
    phone_masked: str
    notes: str
    volunteer_id: int | None
    team_id: int | None
    liaison_name: str
    last_contact_on: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)


class HouseholdIn(Schema):
    org: Id | None = Field(None, description="所在村社区 id")
    head_name: str = Field("", max_length=100)
    address: str = Field("", max_length=400)
    phone: str = Field("", max_length=20)
    notes: str = Field("", max_length=1000)
    volunteer: Id | None = Field(None, description="联户志愿者 id（与 team 二选一）")
    team: Id | None = Field(None, description="联户服务队 id（与 volunteer 二选一）")


class HouseholdFilter(Schema):
    q: str = Field("", max_length=50)
    org: Id | None = None
    overdue: bool = Field(False, description="只看超过联系周期未联系的户")


class PhoneOut(Schema):
    phone: str


class ContactIn(Schema):
    contacted_on: datetime.date | None = None
    way: str = Field("", description="visit 上门 / phone 电话 / wechat 微信群")
    content: str = Field("", max_length=4000)
    follow_up: bool = False


class ContactOut(Schema):
    id: int
    household_id: int
    contacted_on: datetime.date
    way: str
    way_label: str
    content: str
    follow_up: bool
    logged_by_name: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_way_label(obj: Any) -> str:
        return str(obj.get_way_display())

    @staticmethod
    def resolve_logged_by_name(obj: Any) -> str:
        user = obj.logged_by
        return str(user.name) if user is not None else ""  # never the username: it may be a phone
