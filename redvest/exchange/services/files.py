"""The package layout: one CSV per element set plus manifest.json, and the keyed ID hash both sides share."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

STANDARD = "民政部《志愿服务信息系统基本规范》(2015)；《志愿服务记录与证明出具办法（试行）》(2020)"
FORMAT_VERSION = "1"
MANIFEST = "manifest.json"

VOLUNTEERS = "volunteers.csv"
TEAMS = "teams.csv"
PROJECTS = "projects.csv"
SERVICE = "service_time.csv"
HONOURS = "honours.csv"
CERTIFICATES = "certificates.csv"
TRAINING = "training.csv"

LABELS = {
    VOLUNTEERS: "志愿者",
    TEAMS: "志愿团体",
    PROJECTS: "志愿服务项目",
    SERVICE: "服务时长",
    HONOURS: "荣誉表彰",
    CERTIFICATES: "志愿服务证明",
    TRAINING: "培训",
}

HEADERS: dict[str, tuple[str, ...]] = {
    VOLUNTEERS: (
        "志愿者编号",
        "姓名",
        "性别代码",
        "出生日期",
        "证件类型代码",
        "证件号码",
        "证件号码摘要",
        "联系电话",
        "民族代码",
        "学历代码",
        "政治面貌代码",
        "行政区划代码",
        "所属组织",
        "所属团体编号",
        "服务类别",
        "服务技能",
        "注册日期",
    ),
    TEAMS: ("团体编号", "团体名称", "团体类型", "行政区划代码", "所属组织", "负责人志愿者编号", "成立日期", "成员数"),
    PROJECTS: (
        "项目编号",
        "项目名称",
        "服务类别",
        "行政区划代码",
        "发布组织",
        "组织团体编号",
        "服务地点",
        "开始时间",
        "结束时间",
    ),
    SERVICE: (
        "记录编号",
        "志愿者编号",
        "证件号码摘要",
        "项目编号",
        "项目名称",
        "时长类型代码",
        "服务日期",
        "时长（分钟）",
        "已核实",
        "来源机构代码",
        "来源组织",
    ),
    HONOURS: (
        "记录编号",
        "志愿者编号",
        "证件号码摘要",
        "荣誉名称",
        "等次",
        "授予单位",
        "授予日期",
        "来源机构代码",
        "来源组织",
    ),
    CERTIFICATES: (
        "证明编号",
        "志愿者编号",
        "证件号码摘要",
        "起始日期",
        "截止日期",
        "服务信用时长（分钟）",
        "荣誉时长（分钟）",
        "出具单位",
        "出具日期",
        "来源机构代码",
        "来源组织",
    ),
}
HEADERS[TRAINING] = (
    "记录编号",
    "志愿者编号",
    "证件号码摘要",
    "培训主题",
    "培训类别",
    "主办组织",
    "培训日期",
    "培训时长（分钟）",
    "来源机构代码",
    "来源组织",
)
ORDER = (VOLUNTEERS, TEAMS, PROJECTS, SERVICE, HONOURS, CERTIFICATES, TRAINING)


def exchange_id_hash(id_number: str) -> str:
    """HMAC-SHA256 of the normalised ID number under the key shared between exchanging systems
    (`EXCHANGE_HASH_KEY`): equal people give equal hashes on both sides, nothing else leaks."""
    value = id_number.strip().upper()
    if not value:
        return ""
    key = (settings.EXCHANGE_HASH_KEY or f"exchange:{settings.SECRET_KEY}").encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
