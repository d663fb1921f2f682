"""The workbench's registry: each app contributes its to-dos (待办) and its own figures for a user from
its own `todos.py`, registered in its AppConfig.ready(). The home page asks every source; none of
them is written here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    """Something waiting for the user, with how many and where to deal with it. An action with no count
    (`count=None`) is a shortcut always shown to whoever the source offers it to."""

    label: str
    url: str
    count: int | None = None
    urgent: bool = False
    order: int = 50


@dataclass(frozen=True)
class Figure:
    """One of the user's own figures (hours this year, points balance, star level…)."""

    label: str
    value: str
    url: str = ""
    order: int = 50


TodoSource = Callable[[Any], list[Todo]]
FigureSource = Callable[[Any], list[Figure]]

_todo_sources: list[TodoSource] = []
_figure_sources: list[FigureSource] = []


def register(*, todos: TodoSource | None = None, figures: FigureSource | None = None) -> None:
    """Called once per app from its AppConfig.ready()."""
    if todos is not None and todos not in _todo_sources:
        _todo_sources.append(todos)
    if figures is not None and figures not in _figure_sources:
        _figure_sources.append(figures)


def todos_for(user: Any) -> list[Todo]:
    """Every source's items that need the user (a count above zero, or an action), in order."""
    items = [t for source in _todo_sources for t in source(user) if t.count is None or t.count > 0]
    return sorted(items, key=lambda t: (not t.urgent, t.order))


def figures_for(user: Any) -> list[Figure]:
    return sorted((f for source in _figure_sources for f in source(user)), key=lambda f: f.order)
