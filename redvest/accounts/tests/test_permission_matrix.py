"""Every role × (own node, descendant, sibling, ancestor) × (view, change) × registered resource.

The rows come from the apps themselves (`<app>/tests/access_matrix.py`, see `matrix.py`): a new app
that declares a resource in its `access.py` adds its rows there, and this test fails until it does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from redvest.accounts.models import Role
from redvest.accounts.policy import can, scope
from redvest.accounts.tests.matrix import NONE, Expected, World
from redvest.core.policy import resources


def _row_modules() -> list[ModuleType]:
    """Each installed app's matrix rows, in INSTALLED_APPS order (an app builds on the apps before it)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("redvest."):
            continue
        try:
            found.append(importlib.import_module(f"{config.name}.tests.access_matrix"))
        except ModuleNotFoundError as missing:
            if missing.name not in {f"{config.name}.tests", f"{config.name}.tests.access_matrix"}:
                raise
    return found


ROW_MODULES = _row_modules()
EXPECTED: Expected = {resource: rows for module in ROW_MODULES for resource, rows in module.EXPECTED.items()}
ROLES = [role.value for role in Role]


def _world(role: str) -> World:
    world = World(role)
    for module in ROW_MODULES:
        module.build(world)
    return world


def _allowed(resource: str, role: str, action: str) -> frozenset[str]:
    view, change = EXPECTED[resource].get(role, (NONE, NONE))
    return view if action == "view" else change


def _mismatches(world: World, check: Callable[[str, str, Model], bool]) -> list[str]:
    wrong = []
    for resource in resources():
        for action in ("view", "change"):
            allowed = _allowed(resource, world.role, action)
            for position, obj in world.objects[resource].items():
                got = check(action, resource, obj)
                if got != (position in allowed):
                    wrong.append(f"{world.role} {action} {resource}@{position}: got {got}")
    return wrong


def test_every_registered_resource_has_matrix_rows() -> None:
    assert set(EXPECTED) == set(resources())
    for resource, rows in EXPECTED.items():
        assert set(rows) <= set(ROLES), resource


@pytest.mark.django_db
def test_every_resource_has_an_object_at_each_position() -> None:
    world = _world(Role.ORG_ADMIN)
    assert {r: set(by_position) for r, by_position in world.objects.items()} == {
        r: set(world.nodes) for r in resources()
    }
    for resource, by_position in world.objects.items():
        for obj in by_position.values():
            assert obj._meta.label_lower in resources()[resource].models


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_can_follows_the_matrix(role: str) -> None:
    world = _world(role)
    assert _mismatches(world, lambda action, resource, obj: can(world.user, action, obj)) == []  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_scope_follows_the_matrix(role: str) -> None:
    world = _world(role)

    def in_scope(action: str, resource: str, obj: Model) -> bool:
        qs: Any = type(obj)._default_manager.all()
        return scope(world.user, resource, qs, action).filter(pk=obj.pk).exists()  # type: ignore[arg-type]

    assert _mismatches(world, in_scope) == []


@pytest.mark.django_db
def test_volunteer_sees_and_changes_own_record_only() -> None:
    world = _world(Role.VOLUNTEER)
    assert can(world.user, "view", world.me)
    assert can(world.user, "change", world.me)
    assert not can(world.user, "view", world.at("volunteer", "own"))


@pytest.mark.django_db
def test_anonymous_user_gets_nothing() -> None:
    world = _world(Role.RESIDENT)
    for resource, by_position in world.objects.items():
        model = type(by_position["own"])
        assert not scope(AnonymousUser(), resource, model._default_manager.all()).exists()
    assert not can(AnonymousUser(), "view", world.at("station", "own"))
