"""Each app writes only its own tables: another app's rows are written through that app's services
(issue 12, item 3). The check reads the source: in every module outside tests, migrations and the demo,
no model imported from another app's `models` is written through its manager or a queryset of it
(`create`, `bulk_create`, `get_or_create`, `update_or_create`, `update`, `bulk_update`, `delete`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import redvest

# Reads files or settings only (no SQL of its own): run once, in the SQLite pass (Makefile test-postgres).
pytestmark = pytest.mark.db_independent

ROOT = Path(redvest.__file__).parent
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete"}
# Benchmark data written straight into the tables (never run by the product): the records app's
# million-row fixtures for `bench/records_bench.py`.
ALLOWED = {"records/benchdata.py", "records/management/commands/bench_records.py"}


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).parts[0] not in {"demo", "static", "templates"}
        and path.relative_to(ROOT).as_posix() not in ALLOWED
    ]


def _foreign_models(tree: ast.AST, app: str) -> dict[str, str]:
    """Names imported from another app's models module: name → that app."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if len(parts) == 3 and parts[0] == "redvest" and parts[2] == "models" and parts[1] != app:
                found.update({alias.asname or alias.name: parts[1] for alias in node.names})
    return found


def _root_name(node: ast.expr) -> str | None:
    """`Model` for `Model.objects.filter(...).select_for_update()`: the name the attribute chain starts at."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _through_manager(node: ast.expr) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def foreign_writes(source: str, *, app: str, label: str) -> list[str]:
    """`label:line writes app.Model (method)` for each direct write of another app's model in `source`."""
    tree = ast.parse(source, filename=label)
    foreign = _foreign_models(tree, app)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        name = _root_name(node.func.value)
        if name in foreign and _through_manager(node.func.value):
            found.append(f"{label}:{node.lineno} writes {foreign[name]}.{name} ({node.func.attr})")
    return found


def test_no_app_writes_another_apps_tables_directly() -> None:
    found = [
        line
        for path in _modules()
        for line in foreign_writes(
            path.read_text(), app=path.relative_to(ROOT).parts[0], label=str(path.relative_to(ROOT.parent))
        )
    ]
    assert found == [], "write these through the owning app's services:\n" + "\n".join(found)


def test_the_check_sees_a_direct_write() -> None:
    """The check itself: a points module creating a role assignment is caught, its own rows are not."""
    source = (
        "from redvest.accounts.models import RoleAssignment\n"
        "from redvest.points.models import Merchant\n"
        "def f(user, org):\n"
        "    Merchant.objects.filter(pk=1).update(name='x')\n"
        "    RoleAssignment.objects.get_or_create(user=user, role='merchant', org=org)\n"
        "    RoleAssignment.objects.filter(user=user).exists()\n"
    )
    assert foreign_writes(source, app="points", label="probe.py") == [
        "probe.py:5 writes accounts.RoleAssignment (get_or_create)"
    ]
