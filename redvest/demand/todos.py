"""The demand app's part of the workbench: the hotline desk's queue, a volunteer's dispatched tasks, a
resident's open requests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.core.workbench import Todo
from redvest.demand.access import may_take_requests
from redvest.demand.models import RequestChannel
from redvest.demand.selectors.requests import desk_counts, my_open_counts


def todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    if may_take_requests(user, RequestChannel.HOTLINE):
        desk = desk_counts(user=user, now=timezone.now())
        board = reverse("demand:board")
        items += [
            Todo("热线受理", url=reverse("demand:console"), order=1),
            Todo("已超时工单", url=f"{board}?overdue=1", count=desk.overdue, urgent=True, order=2),
            Todo("10分钟内将超时", url=board, count=desk.due_soon, urgent=True, order=3),
            Todo("待派单", url=board, count=desk.to_dispatch, order=4),
            Todo("待回访", url=reverse("demand:callback-list"), count=desk.callbacks, order=6),
        ]
    elif may_take_requests(user, RequestChannel.WALK_IN):
        items.append(Todo("服务点登记", url=reverse("demand:walkin"), order=1))
    mine = my_open_counts(user=user)
    if not may_take_requests(user, RequestChannel.HOTLINE):  # the desk sees every part on its board instead
        items.append(Todo("派给我的服务任务", url=reverse("demand:my-tasks"), count=mine.tasks, urgent=True, order=5))
    my_requests = reverse("demand:my-requests")
    items.append(Todo("我的求助（办理中）", url=f"{my_requests}?status=open", count=mine.open, order=40))
    items.append(Todo("我的求助（待评价）", url=f"{my_requests}?status=to_rate", count=mine.to_rate, order=41))
    return items
