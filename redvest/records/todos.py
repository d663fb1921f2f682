"""The records app's part of the workbench: hours and star level for a volunteer, the anomaly and
dispute queues for whoever reviews them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.core.errors import DomainError
from redvest.core.workbench import Figure, Todo
from redvest.records.models import AnomalyStatus, DisputeStatus
from redvest.records.selectors import anomaly_queue, dispute_list, service_summary, volunteer_of
from redvest.records.selectors.work import proposal_pending_count


def todos(user: Any) -> list[Todo]:
    return [
        Todo(
            "待审批的时长更正",
            url=reverse("records:proposal-list"),
            count=proposal_pending_count(user=user),
            urgent=True,
            order=9,
        ),
        Todo(
            "待复核的时长异常",
            url=reverse("records:review-queue"),
            count=anomaly_queue(user=user, status=AnomalyStatus.OPEN).count(),
            order=10,
        ),
        Todo(
            "待处理的时长申诉",
            url=reverse("records:dispute-list"),
            count=dispute_list(user=user, status=DisputeStatus.OPEN).count(),
            order=11,
        ),
    ]


def figures(user: Any) -> list[Figure]:
    try:
        volunteer = volunteer_of(user=user)
    except DomainError:
        return []
    summary = service_summary(volunteer=volunteer)
    year = timezone.localdate().year
    this_year = next((y for y in summary.years if y.year == year), None)
    minutes = this_year.credit_minutes if this_year else 0
    url = reverse("records:my-service")
    return [
        Figure(f"{year}年服务时长", f"{minutes // 60}小时{minutes % 60}分", url=url, order=1),
        Figure("累计服务时长", f"{summary.credit_minutes // 60}小时{summary.credit_minutes % 60}分", url=url, order=2),
        Figure("星级", f"{summary.star.stars}星" if summary.star.stars else "未评星", url=url, order=3),
    ]
