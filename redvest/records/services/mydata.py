"""“My data” (个人信息保护法 §45): a volunteer downloads everything the platform holds about them.

It lives here because it gathers the volunteer ledger, memberships, this app's service records and the
points ledger (a section points adds through `records.hooks.my_data_sections`)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.core.crypto import decrypt
from redvest.records import hooks
from redvest.records.models import ServiceRecord
from redvest.records.selectors.mine import volunteer_of
from redvest.volunteers.models import ServiceCategory, Volunteer
from redvest.volunteers.selectors import (
    volunteer_consents,
    volunteer_deregistrations,
    volunteer_membership_history,
    volunteer_status_history,
)


@dataclass(frozen=True)
class MyDataFile:
    filename: str
    content: bytes


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _person(v: Volunteer) -> dict[str, Any]:
    categories = dict(ServiceCategory.choices)
    return {
        "志愿者编号": v.number,
        "姓名": v.name,
        "性别": v.get_gender_display(),
        "出生日期": _day(v.birth_date),
        "证件类型": v.get_id_type_display(),
        "证件号码": decrypt(v.id_number_encrypted),
        "手机号": decrypt(v.phone_encrypted),
        "政治面貌": v.get_political_status_display(),
        "所属组织": v.org.name,
        "所在党组织": v.party_org.name if v.party_org else "",
        "工作单位": v.work_unit,
        "居住地区": v.residence_area,
        "服务技能": list(v.skills),
        "服务类别": [categories.get(c, c) for c in v.service_categories],
        "特长": v.specialties,
        "服务岗位": v.service_post,
        "可服务时间": v.availability,
        "监护人姓名": v.guardian_name,
        "监护人手机号": decrypt(v.guardian_phone_encrypted),
        "监护人同意日期": _day(v.guardian_consent_date),
        "监护说明": v.guardian_note,
        "状态": v.get_status_display(),
        "登记时间": _local(v.created_at),
    }


def _sections(volunteer: Volunteer) -> dict[str, Any]:
    """The sections apps above records add (points: 积分流水), through `records.hooks.my_data_sections`."""
    out: dict[str, Any] = {}
    for sections in hooks.my_data_sections(volunteer):
        out.update(sections)
    return out


def my_data_collect(*, volunteer: Volunteer) -> dict[str, Any]:
    """Everything held about one volunteer, with Chinese keys and labels (a fixed number of queries)."""
    records = ServiceRecord.objects.filter(volunteer=volunteer).select_related("activity").order_by("served_on", "id")
    return {
        "导出时间": _local(timezone.now()),
        "个人信息": _person(volunteer),
        "服务队关系": [
            {
                "服务队": m.team.name,
                "所属组织": m.team.org.name,
                "关系": m.get_kind_display(),
                "加入时间": _local(m.joined_at),
                "离开时间": _local(m.left_at),
                "离开原因": m.left_reason,
            }
            for m in volunteer_membership_history(volunteer=volunteer)
        ],
        "服务记录": [
            {
                "服务日期": _day(r.served_on),
                "类型": r.get_kind_display(),
                "来源": r.get_source_display(),
                "服务类别": r.get_category_display(),
                "时长（分钟）": r.minutes,
                "活动": r.activity.title if r.activity else "",
                "原因": r.reason,
                "记录时间": _local(r.created_at),
            }
            for r in records
        ],
        **_sections(volunteer),
        "个人信息处理同意": [
            {
                "同意类型": c.get_kind_display(),
                "告知文本版本": c.policy_version,
                "同意时间": _local(c.given_at),
                "同意人": c.given_by,
                "方式": c.get_method_display(),
                "撤回时间": _local(c.withdrawn_at),
            }
            for c in volunteer_consents(volunteer=volunteer)
        ],
        "状态记录": [
            {"时间": _local(h.at), "变更": str(h), "原因": h.reason}
            for h in volunteer_status_history(volunteer=volunteer)
        ],
        "注销申请": [
            {"申请时间": _local(d.requested_at), "状态": d.get_status_display(), "原因": d.reason}
            for d in volunteer_deregistrations(volunteer=volunteer)
        ],
    }


@transaction.atomic
def my_data_export(*, actor: User) -> MyDataFile:
    """The signed-in volunteer's own data as a JSON file, audited as a sensitive view (full ID number and
    phones are in it). Raises NotAVolunteer for a user without a volunteer record."""
    volunteer = volunteer_of(user=actor)
    data = my_data_collect(volunteer=volunteer)
    audit_record(actor=actor, action="view_sensitive", target=volunteer, org=volunteer.org, reason="本人下载个人数据")
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return MyDataFile(filename=f"我的数据-{volunteer.number}.json", content=content)
