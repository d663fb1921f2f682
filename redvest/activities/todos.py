"""The activities app's part of the workbench: a volunteer's next activity with its check-in, the
organiser's sign-ups to approve and ended activities whose outcome is still to be filled in."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.activities.selectors.activities import outcome_due_count
from redvest.activities.selectors.safeguards import agreements_to_accept, uninsured_count
from redvest.activities.selectors.signups import next_approved_signup, pending_signup_count
from redvest.core.workbench import Todo


def todos(user: Any) -> list[Todo]:
    now = timezone.now()
    items = [
        Todo(
            "待审核的活动报名",
            url=reverse("activities:activity-manage"),
            count=pending_signup_count(user=user),
            order=8,
        ),
        Todo(
            "待填写成效的已结束活动",
            url=f"{reverse('activities:activity-manage')}?outcome=due",
            count=outcome_due_count(user=user, at=now),
            order=9,
        ),
    ]
    uninsured = uninsured_count(user=user, at=now)
    if uninsured:
        items.append(
            Todo(
                "有风险活动中尚未投保的已录用志愿者",
                url=f"{reverse('activities:activity-manage')}?risk=uninsured",
                count=uninsured,
                urgent=True,
                order=7,
            )
        )
    to_accept = agreements_to_accept(user=user, at=now)
    if to_accept:
        first = reverse("activities:activity-detail", args=[to_accept[0].activity_id])
        items.append(Todo("待签署的志愿服务协议", url=f"{first}#my-status", count=len(to_accept), order=1))
    upcoming = next_approved_signup(user=user, at=now)
    if upcoming is not None:
        activity = upcoming.activity
        started = activity.start_at <= now
        when = timezone.localtime(activity.start_at).strftime("%m月%d日 %H:%M")
        label = f"进行中：{activity.title}，去签到" if started else f"下一场活动：{activity.title}（{when}）"
        url = (
            reverse("activities:checkin", args=[activity.pk])
            if started
            else reverse("activities:activity-detail", args=[activity.pk])
        )
        items.append(Todo(label, url=url, urgent=started, order=0))
    return items
