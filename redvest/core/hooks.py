"""Hooks between layers: a lower app names a point where higher apps take part; each higher app registers
its function from its AppConfig.ready() (as menus, to-dos and access rules are registered).

The app layers (docs/architecture.md, checked by `lint-imports`) forbid a lower app to import a higher
one. Where the lower app's write must set off the higher app's (a closed attendance posts service time,
a service record posts points), the hook keeps the call explicit and synchronous, inside the caller's
transaction: unlike a signal, each hook is declared in the calling app's `hooks.py` with a docstring
naming who registers on it, and is called like a function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._fns: list[Callable[P, R]] = []

    def register(self, fn: Callable[P, R]) -> None:
        """Called once from the registering app's AppConfig.ready()."""
        if fn not in self._fns:
            self._fns.append(fn)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every registered function in registration order; their results, in that order."""
        return [fn(*args, **kwargs) for fn in self._fns]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._fns)} registered>"
