"""The audit log in Chinese: actions by label, objects by model name and label, changes as a field table.

Pure functions over stored entries (no queries): a model is found by its `app_label.model_name`, a field by
name or attname, its label by `verbose_name`, a value by its choice label. Rows written before labels were
stored (a bare "X object (5)") are shown as the model's name and number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from redvest.audit.models import AuditAction, AuditEntry

ACTION_LABELS: dict[str, str] = {
    **dict(AuditAction.choices),
    "change": "修改",
    "correct": "更正",
    "submit": "提交",
    "clear": "清除",
    "approve": "审核通过",
    "reject": "驳回",
    "revoke": "撤销",
    "publish": "发布",
    "sms_failed": "短信发送失败",
    "bind": "绑定",
    "unbind": "解除绑定",
}
# Keys services put in before/after that are not model fields.
KEY_LABELS: dict[str, str] = {
    "status": "状态",
    "reason": "原因",
    "note": "备注",
    "minutes": "时长（分钟）",
    "points": "积分",
    "personal_data": "个人信息",
    "guardian_phone": "监护人手机号",
    "phone": "手机号",
    "id_number": "证件号码",
    "count": "数量",
    "error": "错误代码",
    "rows": "行数",
    "file": "文件",
    "filters": "筛选条件",
    "role": "角色",
    "user": "账号",
    "org": "组织",
    "org_id": "组织",
    "team": "服务队",
    "team_id": "服务队",
    "volunteer": "志愿者",
    "volunteer_id": "志愿者",
    "updated_at": "更新时间",
    "created_at": "创建时间",
    "kind": "类型",
    "name": "名称",
    "title": "标题",
    "version": "版本",
    "policy_version": "告知文本版本",
    "given_by": "同意人",
    "method": "方式",
}
DEFAULT_REPR = re.compile(r"^\S+ object \((.+)\)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def object_label(*, target_type: str, target_id: str, target_repr: str) -> str:
    """ "五有检查记录 · 五有检查记录#3（…）": the model's Chinese name, then the stored label (never "object (")."""
    model = _model(target_type)
    kind = str(model._meta.verbose_name) if model is not None else "记录"
    label = target_repr.strip()
    if not label or DEFAULT_REPR.match(label):
        label = f"#{target_id}"
    return label if label.startswith(kind) else f"{kind} · {label}"


def label_for(obj: models.Model) -> str:
    """What `audit_record` stores as the object's label: its `__str__`, or the model name and number."""
    text = str(obj)
    return f"{obj._meta.verbose_name}#{obj.pk}" if DEFAULT_REPR.match(text) else text


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if key in (field.name, field.attname):
            return field
    return None


def _field_label(field: models.Field[Any, Any] | None, key: str) -> str:
    if field is not None and CJK.search(str(field.verbose_name)):
        return str(field.verbose_name)
    return KEY_LABELS.get(key) or KEY_LABELS.get(key.removesuffix("_id")) or key


def _value(field: models.Field[Any, Any] | None, key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if isinstance(value, list):
        return "、".join(_value(field, key, v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{KEY_LABELS.get(str(k), str(k))}：{_value(None, str(k), v)}" for k, v in value.items())
    if str(value) in choices:
        return str(choices[str(value)])
    if field is not None and field.is_relation:
        return f"#{value}"
    return str(value)


def change_rows(*, target_type: str, before: Any, after: Any) -> list[Change]:
    """One row per key in before/after, labelled by the field's verbose name, values by choice labels."""
    model = _model(target_type)
    old = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    new = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    rows = []
    for key in dict.fromkeys([*old, *new]):
        field = _field(model, key)
        rows.append(
            Change(
                key=key,
                label=_field_label(field, key),
                before=_value(field, key, old.get(key)) if key in old else "",
                after=_value(field, key, new.get(key)) if key in new else "",
            )
        )
    return rows


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "其他操作")


@dataclass(frozen=True)
class AuditRow:
    """An entry as the page and the API show it."""

    entry: AuditEntry
    action_label: str
    object_label: str
    changes: list[Change]


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    return [
        AuditRow(
            entry=e,
            action_label=action_label(e.action),
            object_label=object_label(target_type=e.target_type, target_id=e.target_id, target_repr=e.target_repr),
            changes=change_rows(target_type=e.target_type, before=e.before, after=e.after),
        )
        for e in entries
    ]
