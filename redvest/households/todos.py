"""联户 on the workbench: households the user looks after that are past the contact interval, and for
admins those in their subtree."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import ADMIN_ROLES
from redvest.accounts.policy import roles_of
from redvest.core.workbench import Todo
from redvest.households.selectors import HouseholdFilters, household_list, my_overdue_households


def todos(user: Any) -> list[Todo]:
    items = [
        Todo(
            "联系户久未联系",
            url=reverse("households:my-households"),
            count=my_overdue_households(user=user, today=timezone.localdate()).count(),
            urgent=True,
            order=7,
        )
    ]
    if roles_of(user) & ADMIN_ROLES:
        overdue = household_list(user=user, filters=HouseholdFilters(overdue=True)).count()
        items.append(
            Todo(
                "辖区内久未联系的联系户",
                url=reverse("households:household-list") + "?overdue=1",
                count=overdue,
                order=13,
            )
        )
    return items
