"""The registry of exportable tables: for each, its columns, its period column, its category column and
how one row reads. Every table is read for a subtree (a prefix match on the org path), a period and an
optional category, in chunks; phones and ID numbers are masked unless the export may carry them.

The volunteer ledger reuses the volunteers app's own export (columns and masking). Tables of apps built
alongside this one (care visits, quarterly reports, training sessions) join the registry when their
models exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils import timezone

from redvest.core.crypto import decrypt

Row = list[Any]
CHUNK = 2000


@dataclass(frozen=True)
class Table:
    key: str
    label: str
    headers: tuple[str, ...]
    date_field: str  # the period column
    is_datetime: bool
    path_lookup: str  # the org path of a row
    base: Callable[[], QuerySet[Any]]
    rows: Callable[[QuerySet[Any], bool], Iterator[Row]]
    category_field: str = ""
    categories: tuple[tuple[str, str], ...] = ()
    resource: str = ""  # the policy resource narrowing the rows, when there is one


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _labels(model: type[Model], field: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in model._meta.get_field(field).choices or []}  # type: ignore[union-attr]


# ---- the tables of apps that exist now ----------------------------------------------------------


def _volunteers() -> Table:
    from redvest.volunteers.excel import EXPORT_COLUMNS
    from redvest.volunteers.models import Volunteer
    from redvest.volunteers.selectors import volunteer_export_rows

    keys = [c.key for c in EXPORT_COLUMNS]

    def base() -> QuerySet[Any]:
        from django.db.models import Prefetch

        from redvest.teams.models import Membership, MembershipKind

        # The same current-team prefetch the ledger list uses, so `org_team` reads no row by row.
        current = Membership.objects.filter(kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True)
        teams = Prefetch("memberships", queryset=current.select_related("team"), to_attr="current_org_memberships")
        return Volunteer.objects.select_related("org", "party_org").prefetch_related(teams)

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        for row in volunteer_export_rows(qs=qs, sensitive=sensitive):
            yield [row.get(k, "") for k in keys]

    return Table(
        key="volunteers",
        label="志愿者台账",
        headers=tuple(c.header for c in EXPORT_COLUMNS),
        date_field="created_at",
        is_datetime=True,
        path_lookup="org__path",
        base=base,
        rows=rows,
        resource="volunteer",
    )


def _teams() -> Table:
    from redvest.teams.models import Team

    def base() -> QuerySet[Any]:
        return Team.objects.select_related("org", "leader", "liaison")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        kinds, specialties = _labels(Team, "kind"), _labels(Team, "specialty")
        for t in qs.iterator(chunk_size=CHUNK):
            yield [
                t.pk,
                t.name,
                kinds.get(t.kind, t.kind),
                specialties.get(t.specialty, t.specialty) if t.specialty else "",
                t.org.name,
                t.leader.name if t.leader else "",
                t.liaison.name if t.liaison else "",
                "有效" if t.is_active else "已撤销",
                _when(t.created_at),
            ]

    return Table(
        key="teams",
        label="服务队",
        headers=("编号", "队名", "类型", "专业方向", "所属组织", "队长", "联络员", "状态", "成立时间"),
        date_field="created_at",
        is_datetime=True,
        path_lookup="org__path",
        base=base,
        rows=rows,
        resource="team",
    )


def _activities() -> Table:
    from redvest.activities.models import Activity, ServiceCategory

    def base() -> QuerySet[Any]:
        return Activity.objects.select_related("org")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        categories, modes, statuses = (
            _labels(Activity, "category"),
            _labels(Activity, "mode"),
            _labels(Activity, "status"),
        )
        for a in qs.iterator(chunk_size=CHUNK):
            yield [
                a.pk,
                a.title,
                a.org.name,
                categories.get(a.category, a.category),
                modes.get(a.mode, a.mode),
                a.place,
                _when(a.start_at),
                _when(a.end_at),
                a.quota,
                statuses.get(a.status, a.status),
            ]

    return Table(
        key="activities",
        label="志愿活动",
        headers=(
            "编号",
            "活动名称",
            "组织",
            "服务类别",
            "服务方式",
            "地点",
            "开始时间",
            "结束时间",
            "招募人数",
            "状态",
        ),
        date_field="start_at",
        is_datetime=True,
        path_lookup="org__path",
        base=base,
        rows=rows,
        category_field="category",
        categories=tuple(ServiceCategory.choices),
        resource="activity",
    )


def _records() -> Table:
    from redvest.activities.models import ServiceCategory
    from redvest.records.models import ServiceRecord

    def base() -> QuerySet[Any]:
        return ServiceRecord.objects.select_related("volunteer__org", "activity")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        kinds, sources, categories = (
            _labels(ServiceRecord, "kind"),
            _labels(ServiceRecord, "source"),
            _labels(ServiceRecord, "category"),
        )
        for r in qs.iterator(chunk_size=CHUNK):
            yield [
                r.pk,
                r.volunteer.number,
                r.volunteer.name,
                r.volunteer.org.name,
                r.activity.title if r.activity else "",
                kinds.get(r.kind, r.kind),
                sources.get(r.source, r.source),
                categories.get(r.category, r.category),
                r.minutes,
                _day(r.served_on),
                r.reverses_id or r.corrects_id or "",
                r.reason,
                _when(r.created_at),
            ]

    return Table(
        key="records",
        label="服务记录",
        headers=(
            "记录号",
            "志愿者编号",
            "姓名",
            "所属组织",
            "活动",
            "时数类型",
            "来源",
            "服务类别",
            "时长（分钟）",
            "服务日期",
            "更正/冲销的记录号",
            "原因",
            "登记时间",
        ),
        date_field="served_on",
        is_datetime=False,
        path_lookup="volunteer__org__path",
        base=base,
        rows=rows,
        category_field="category",
        categories=tuple(ServiceCategory.choices),
        resource="record",
    )


def _points() -> Table:
    from redvest.points.models import AccountKind, PointsEntry, PointsTransaction, PointType

    def base() -> QuerySet[Any]:
        return PointsEntry.objects.filter(account__kind=AccountKind.VOLUNTEER).select_related(
            "transaction", "account__volunteer__org"
        )

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        kinds, types = _labels(PointsTransaction, "kind"), _labels(PointsTransaction, "point_type")
        for e in qs.iterator(chunk_size=CHUNK):
            volunteer = e.account.volunteer
            txn = e.transaction
            yield [
                txn.pk,
                volunteer.number,
                volunteer.name,
                volunteer.org.name,
                kinds.get(txn.kind, txn.kind),
                types.get(txn.point_type, txn.point_type),
                e.delta,
                e.balance_after,
                txn.memo,
                _when(e.created_at),
            ]

    return Table(
        key="points",
        label="积分流水",
        headers=("交易号", "志愿者编号", "姓名", "所属组织", "业务", "积分类型", "变动", "变动后余额", "摘要", "时间"),
        date_field="created_at",
        is_datetime=True,
        path_lookup="account__volunteer__org__path",
        base=base,
        rows=rows,
        category_field="transaction__point_type",
        categories=tuple(PointType.choices),
    )


def _requests() -> Table:
    from redvest.demand.models import DemandCategory, ServiceRequest

    def base() -> QuerySet[Any]:
        return ServiceRequest.objects.select_related("item", "area", "resident")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        channels, categories, statuses, urgencies = (
            _labels(ServiceRequest, "channel"),
            _labels(ServiceRequest, "category"),
            _labels(ServiceRequest, "status"),
            _labels(ServiceRequest, "urgency"),
        )
        for r in qs.iterator(chunk_size=CHUNK):
            resident = r.resident
            phone = ""
            if resident is not None:
                phone = decrypt(resident.phone_encrypted) if sensitive else resident.phone_masked
            yield [
                r.number,
                channels.get(r.channel, r.channel),
                categories.get(r.category, r.category),
                r.item.name,
                r.area.name,
                resident.name if resident else "",
                phone,
                r.address,
                urgencies.get(str(r.urgency), r.urgency),
                statuses.get(r.status, r.status),
                _when(r.created_at),
                _when(r.responded_at),
                _when(r.resolved_at),
                "是" if r.arrival_breached_at or r.resolution_breached_at else "否",
            ]

    return Table(
        key="requests",
        label="群众诉求工单",
        headers=(
            "工单号",
            "来源",
            "类别",
            "服务项目",
            "所属区域",
            "群众姓名",
            "联系电话",
            "服务地址",
            "紧急程度",
            "状态",
            "受理时间",
            "响应时间",
            "办结时间",
            "是否超时",
        ),
        date_field="created_at",
        is_datetime=True,
        path_lookup="area__path",
        base=base,
        rows=rows,
        category_field="category",
        categories=tuple(DemandCategory.choices),
        resource="request",
    )


def _callbacks() -> Table:
    from redvest.demand.models import Callback, DemandCategory, ServiceRequest

    def base() -> QuerySet[Any]:
        return Callback.objects.select_related("request__area")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        categories, statuses, ratings = (
            _labels(ServiceRequest, "category"),
            _labels(Callback, "status"),
            _labels(Callback, "rating"),
        )
        for c in qs.iterator(chunk_size=CHUNK):
            yield [
                c.request.number,
                categories.get(c.request.category, c.request.category),
                c.request.area.name,
                c.round,
                statuses.get(c.status, c.status),
                ratings.get(c.rating, c.rating),
                c.comment,
                _when(c.due_at),
                _when(c.done_at),
            ]

    return Table(
        key="callbacks",
        label="电话回访",
        headers=("工单号", "类别", "所属区域", "办理轮次", "状态", "回访结果", "群众意见", "回访期限", "回访时间"),
        date_field="due_at",
        is_datetime=True,
        path_lookup="request__area__path",
        base=base,
        rows=rows,
        category_field="request__category",
        categories=tuple(DemandCategory.choices),
    )


# ---- tables of apps built alongside (present once their models are) -----------------------------


def _model(label: str, name: str) -> type[Model] | None:
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def _field_names(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _generic(
    *,
    key: str,
    label: str,
    model: type[Model],
    date_field: str,
    path_lookup: str,
    columns: tuple[tuple[str, str], ...],
    category_field: str = "",
    related: tuple[str, ...] = (),
) -> Table:
    """A table read field by field (choice fields shown by their labels, relations by their names)."""
    fields = {f.name: f for f in model._meta.get_fields()}
    present = tuple((name, header) for name, header in columns if name in fields or "__" in name)
    choices = {name: _labels(model, name) for name, _h in present if getattr(fields.get(name), "choices", None)}
    date_column = fields[date_field]
    is_datetime = date_column.get_internal_type() == "DateTimeField"  # type: ignore[union-attr]
    category_choices: tuple[tuple[str, str], ...] = ()
    if category_field and category_field in fields:
        category_choices = tuple(_labels(model, category_field).items())

    def value(obj: Any, name: str) -> Any:
        for part in name.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        if name in choices:
            return choices[name].get(str(obj), obj)
        if isinstance(obj, datetime.datetime):
            return _when(obj)
        if isinstance(obj, datetime.date):
            return obj.isoformat()
        if isinstance(obj, bool):
            return "是" if obj else "否"
        if isinstance(obj, Model):
            return str(obj)
        return "" if obj is None else obj

    def base() -> QuerySet[Any]:
        return model._default_manager.select_related(*related)

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        for obj in qs.iterator(chunk_size=CHUNK):
            yield [value(obj, name) for name, _h in present]

    return Table(
        key=key,
        label=label,
        headers=tuple(h for _n, h in present),
        date_field=date_field,
        is_datetime=is_datetime,
        path_lookup=path_lookup,
        base=base,
        rows=rows,
        category_field=category_field if category_choices else "",
        categories=category_choices,
    )


def _care_visits() -> Table | None:
    model = _model("care", "CareVisit")
    if model is None or "visited_on" not in _field_names(model):
        return None
    return _generic(
        key="care_visits",
        label="结对走访",
        model=model,
        date_field="visited_on",
        path_lookup="recipient__org__path",
        columns=(
            ("id", "编号"),
            ("recipient", "帮扶对象"),
            ("recipient__org", "所属组织"),
            ("pairing", "结对"),
            ("visited_on", "走访日期"),
            ("form", "走访形式"),
            ("needs_found", "发现需求"),
            ("note", "情况记录"),
        ),
        category_field="recipient__category",
        related=("recipient__org",),
    )


def _quarterly_reports() -> Table | None:
    model = _model("reports", "QuarterlyReport")
    if model is None or "due_on" not in _field_names(model):
        return None
    return _generic(
        key="quarterly_reports",
        label="季度报告",
        model=model,
        date_field="due_on",
        path_lookup="org__path",
        columns=(
            ("id", "编号"),
            ("org", "组织"),
            ("year", "年度"),
            ("quarter", "季度"),
            ("status", "状态"),
            ("due_on", "截止日期"),
            ("submitted_at", "提交时间"),
            ("is_late", "逾期"),
        ),
        related=("org",),
    )


def _training_sessions() -> Table | None:
    model = _model("publicity", "TrainingSession")
    if model is None:
        return None
    names = _field_names(model)
    date_field = next((f for f in ("starts_at", "start_at", "held_on", "date", "created_at") if f in names), "")
    if not date_field or "org" not in names:
        return None
    return _generic(
        key="training_sessions",
        label="培训场次",
        model=model,
        date_field=date_field,
        path_lookup="org__path",
        columns=(
            ("id", "编号"),
            ("title", "培训主题"),
            ("org", "组织"),
            (date_field, "时间"),
            ("place", "地点"),
            ("minutes", "时长（分钟）"),
        ),
        related=("org",),
    )


LABELS = {
    "volunteers": "志愿者台账",
    "teams": "服务队",
    "activities": "志愿活动",
    "records": "服务记录",
    "points": "积分流水",
    "requests": "群众诉求工单",
    "callbacks": "电话回访",
    "care_visits": "结对走访",
    "quarterly_reports": "季度报告",
    "training_sessions": "培训场次",
}


def tables() -> dict[str, Table]:
    """Every exportable table, in menu order (looked up each time: models of later apps may appear)."""
    found = [
        _volunteers(),
        _teams(),
        _activities(),
        _records(),
        _points(),
        _requests(),
        _callbacks(),
        _care_visits(),
        _quarterly_reports(),
        _training_sessions(),
    ]
    return {t.key: t for t in found if t is not None}
