"""The signed-in home (工作台): the user's roles, what needs them today (每个应用登记的待办), their own
figures. Nothing here knows an app's rules: each app answers for itself through core.workbench."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redvest.accounts.models import Role
from redvest.accounts.policy import grants_for
from redvest.core.workbench import Figure, Todo, figures_for, todos_for


@dataclass(frozen=True)
class Bench:
    roles: list[str]
    todos: list[Todo]
    figures: list[Figure]

    @property
    def actions(self) -> list[Todo]:
        return [t for t in self.todos if t.count is None]

    @property
    def waiting(self) -> list[Todo]:
        return [t for t in self.todos if t.count is not None]


def workbench(*, user: Any) -> Bench:
    labels = dict(Role.choices)
    roles = sorted({labels[g.role] for g in grants_for(user)})
    return Bench(roles=roles, todos=todos_for(user), figures=figures_for(user))
