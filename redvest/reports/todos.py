"""The 季报's part of the workbench: this quarter's reports to file (urgent once the 28th has passed),
last quarter's still missing, returned ones to fix, and submitted ones waiting for the reviewer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.core.workbench import Todo
from redvest.reports.quarters import previous_quarter, quarter_due_on, quarter_of
from redvest.reports.selectors import awaiting_review_count, returned_count, unfiled_count


def todos(user: Any) -> list[Todo]:
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    due_on = quarter_due_on(year, quarter)
    last_year, last_quarter = previous_quarter(year, quarter)
    home = reverse("reports:home")
    return [
        Todo(
            f"本季度季报待报送（{due_on.month}月{due_on.day}日截止）",
            url=home,
            count=unfiled_count(user=user, year=year, quarter=quarter),
            urgent=today > due_on,
            order=12,
        ),
        Todo(
            "上季度季报逾期未报",
            url=f"{home}?year={last_year}&quarter={last_quarter}",
            count=unfiled_count(user=user, year=last_year, quarter=last_quarter),
            urgent=True,
            order=11,
        ),
        Todo("被退回待修改的季报", url=home, count=returned_count(user=user), urgent=True, order=10),
        Todo("待审核的下级季报", url=reverse("reports:review-list"), count=awaiting_review_count(user=user), order=13),
    ]
