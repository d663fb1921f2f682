"""accounts sits above core, audit and orgs and below every domain app: it imports none of them (the
access rules of those apps come through registrations, see `redvest.core.policy`), and the access
engine itself imports nothing but core. The whole app order is import-linter's contract (pyproject.toml,
`make lint`); like that contract, these checks leave the tests packages out: tests build their fixtures
from whichever apps a scenario needs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import redvest

# Reads files or settings only (no SQL of its own): run once, in the SQLite pass (Makefile test-postgres).
pytestmark = pytest.mark.db_independent

ROOT = Path(redvest.__file__).parent
ACCOUNTS_MAY_IMPORT = {"accounts", "core", "audit", "orgs"}


def _redvest_imports(path: Path) -> set[tuple[str, int]]:
    """(app, line) of every `redvest.<app>` import in a file, at module top or inside a function."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "redvest" else [f"redvest.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "redvest" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def _violations(paths: list[Path], allowed: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT.parent)}:{line} imports redvest.{app}"
        for path in paths
        for app, line in sorted(_redvest_imports(path))
        if app not in allowed
    ]


def test_accounts_imports_no_app_above_it() -> None:
    paths = sorted(p for p in (ROOT / "accounts").rglob("*.py") if "tests" not in p.parts)
    assert paths
    assert _violations(paths, ACCOUNTS_MAY_IMPORT) == []


def test_the_access_engine_imports_only_core() -> None:
    assert _violations([ROOT / "core" / "policy.py", ROOT / "core" / "roles.py"], {"core"}) == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("import redvest.core\n\ndef f():\n    from redvest.volunteers.models import Volunteer\n")
    assert _redvest_imports(module) == {("core", 1), ("volunteers", 4)}


def test_the_app_layers_contract_is_kept() -> None:
    """`lint-imports` over the whole package (the contracts in pyproject.toml) finds no broken contract."""
    project = ROOT.parent
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--no-logo"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
