"""The registry of exportable tables: for each, its columns, its period column, its category column and
how one row reads. Every table is read for a subtree (a prefix match on the org path), a period and an
optional category, in chunks; phones and ID numbers are masked unless the export may carry them.

The volunteer ledger reuses the volunteers app's own export (columns and masking).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from redvest.activities.models import Activity, ServiceCategory
from redvest.care.models import CareCategory, CareRecipient, CareVisit
from redvest.core.crypto import decrypt
from redvest.demand.models import Callback, DemandCategory, ServiceRequest
from redvest.points.models import AccountKind, PointsEntry, PointsTransaction, PointType
from redvest.publicity.models import TrainingCategory, TrainingSession
from redvest.records.models import ServiceRecord
from redvest.reports.models import QuarterlyReport
from redvest.teams.models import Team
from redvest.volunteers.excel import EXPORT_COLUMNS
from redvest.volunteers.models import Volunteer
from redvest.volunteers.selectors import volunteer_export_rows

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
    return {str(k): str(v) for k, v in model._meta.get_field(field).choices or []}  # type: ignore[union-attr]  # django-stubs: get_field() may be a relation; these are plain fields


# ---- the tables of apps that exist now ----------------------------------------------------------


def _volunteers() -> Table:

    def base() -> QuerySet[Any]:
        return Volunteer.objects.all()

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        return volunteer_export_rows(qs=qs, sensitive=sensitive)

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
        path_lookup="org__path",  # the org the entry is credited to, not the person's current one
        base=base,
        rows=rows,
        category_field="category",
        categories=tuple(ServiceCategory.choices),
        resource="record",
    )


def _points() -> Table:

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


# ---- care, reports and training ---------------------------------------------------------------


def _care_visits() -> Table:

    def base() -> QuerySet[Any]:
        return CareVisit.objects.select_related(
            "recipient__org", "pairing__volunteer", "pairing__team", "request", "visitor"
        )

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        forms, categories = _labels(CareVisit, "form"), _labels(CareRecipient, "category")
        for v in qs.iterator(chunk_size=CHUNK):
            pairing = v.pairing
            paired = ""
            if pairing is not None:
                paired = pairing.volunteer.name if pairing.volunteer else (pairing.team.name if pairing.team else "")
            yield [
                v.pk,
                v.recipient.name,
                categories.get(v.recipient.category, v.recipient.category),
                v.recipient.org.name,
                paired,
                _day(v.visited_on),
                _day(v.due_on),
                forms.get(v.form, v.form),
                v.duration_minutes,
                v.need_found,
                v.request.number if v.request else "",
                v.visitor.name if v.visitor else "",
            ]

    return Table(
        key="care_visits",
        label="结对走访",
        headers=(
            "编号",
            "帮扶对象",
            "类别",
            "所属组织",
            "结对志愿者/服务队",
            "走访日期",
            "应走访日期",
            "走访形式",
            "时长（分钟）",
            "发现的需求",
            "转办工单",
            "记录人",
        ),
        date_field="visited_on",
        is_datetime=False,
        path_lookup="recipient__org__path",
        base=base,
        rows=rows,
        category_field="recipient__category",
        categories=tuple(CareCategory.choices),
        resource="care_visit",
    )


def _quarterly_reports() -> Table:

    def base() -> QuerySet[Any]:
        return QuarterlyReport.objects.select_related("org")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        statuses = _labels(QuarterlyReport, "status")
        for r in qs.iterator(chunk_size=CHUNK):
            yield [
                r.pk,
                r.org.name,
                r.year,
                r.quarter,
                statuses.get(r.status, r.status),
                _day(r.due_on),
                _when(r.submitted_at),
                "是" if r.is_late else "否",
                _when(r.reviewed_at),
            ]

    return Table(
        key="quarterly_reports",
        label="季度报告",
        headers=("编号", "组织", "年度", "季度", "状态", "报送截止", "首次报送", "逾期报送", "审核时间"),
        date_field="due_on",
        is_datetime=False,
        path_lookup="org__path",
        base=base,
        rows=rows,
        resource="quarterly_report",
    )


def _training_sessions() -> Table:

    def base() -> QuerySet[Any]:
        return TrainingSession.objects.select_related("org")

    def rows(qs: QuerySet[Any], sensitive: bool) -> Iterator[Row]:
        categories = _labels(TrainingSession, "category")
        for t in qs.iterator(chunk_size=CHUNK):
            yield [
                t.pk,
                t.title,
                t.org.name,
                categories.get(t.category, t.category),
                t.trainer,
                t.place,
                _when(t.starts_at),
                _when(t.ends_at),
                t.minutes,
                t.capacity,
            ]

    return Table(
        key="training_sessions",
        label="培训场次",
        headers=(
            "编号",
            "培训主题",
            "主办组织",
            "培训类别",
            "授课人",
            "地点",
            "开始时间",
            "结束时间",
            "时长（分钟）",
            "名额",
        ),
        date_field="starts_at",
        is_datetime=True,
        path_lookup="org__path",
        base=base,
        rows=rows,
        category_field="category",
        categories=tuple(TrainingCategory.choices),
        resource="training_session",
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
    """Every exportable table, in menu order."""
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
    return {t.key: t for t in found}
