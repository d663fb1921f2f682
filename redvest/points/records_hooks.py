"""What points adds to the records app's work: registered on `redvest.records.hooks` from
PointsConfig.ready() (records sits below points and does not import it)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from redvest.points.selectors import volunteer_statement
from redvest.points.services import points_post_for_service_record
from redvest.records import hooks
from redvest.records.models import ServiceRecord
from redvest.volunteers.models import Volunteer


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def post_service_record(record: ServiceRecord) -> None:
    """A new ledger entry earns points (or a reversal takes them back), in the same transaction."""
    points_post_for_service_record(record=record)


def my_data_points(volunteer: Volunteer) -> dict[str, list[dict[str, Any]]]:
    """The volunteer's points ledger for their "my data" download."""
    return {
        "积分流水": [
            {
                "时间": _local(e.created_at),
                "业务": e.transaction.get_kind_display(),
                "积分类型": e.transaction.get_point_type_display(),
                "摘要": e.transaction.memo,
                "变动": e.delta,
                "变动后余额": e.balance_after,
            }
            for e in volunteer_statement(volunteer=volunteer)
        ]
    }


def register() -> None:
    """Called from PointsConfig.ready()."""
    hooks.record_appended.register(post_service_record)
    hooks.my_data_sections.register(my_data_points)
