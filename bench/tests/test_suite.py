"""`make bench` does not rot: the runner isolates parts and reports each, and a real part runs in the
smoke mode (BENCH_SMALL=1) on SQLite. The full smoke run of every part is `python -m bench.suite --quick`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


def _suite(tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for name in ("BENCH_DATABASE_URL", "BENCH_PART_DATABASE_URL", "BENCH_SQLITE_PATH", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        BENCH_VAR_DIR=str(tmp_path / "var"),
        BENCH_RESULTS_DIR=str(tmp_path / "results"),
        REDVEST_VAR_DIR=str(tmp_path / "redvest-var"),
        PYTHONPATH=os.pathsep.join([str(tmp_path / "parts"), str(ROOT)]),
        **(extra_env or {}),
    )
    return subprocess.run(
        [sys.executable, "-m", "bench.suite", "--quick", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_failing_part_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "part_crashes.py").write_text("raise RuntimeError('boom')\n")
    (parts / "part_misses.py").write_text("print('slow table'); raise SystemExit(3)\n")
    (parts / "part_ok.py").write_text(
        textwrap.dedent("""
            import os
            print('fine table', os.environ['BENCH_SMALL'])
            print('{"json": "dropped from the report"}')
        """)
    )
    done = _suite(tmp_path, "--part", "part_crashes", "--part", "part_misses", "--part", "part_ok")
    assert done.returncode == 1
    report = (tmp_path / "results" / "latest-quick.txt").read_text()
    assert "3 parts, 2 failed" in report
    assert "== part_crashes: FAILED (exit 1: an error, see stderr)" in report
    assert "== part_misses: TARGET MISSED" in report
    assert "slow table" in report
    assert "== part_ok: ok" in report
    assert "fine table 1" in report
    assert "dropped from the report" not in report
    assert report.count("before: load ") == 3 and report.count("after: load ") == 3
    assert "RuntimeError: boom" in done.stderr


def test_a_part_past_its_time_limit_is_stopped_and_reported(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "part_hangs.py").write_text("import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    (parts / "part_ok.py").write_text("print('fine')\n")
    done = _suite(tmp_path, "--part", "part_hangs", "--part", "part_ok", extra_env={"BENCH_PART_TIMEOUT_S": "2"})
    assert done.returncode == 1
    report = (tmp_path / "results" / "latest-quick.txt").read_text()
    assert "== part_hangs: TIMED OUT after 2 s" in report
    assert "== part_ok: ok" in report


def test_the_import_part_runs_in_the_smoke_mode_on_sqlite(
    tmp_path: Path, django_db_setup: None, django_db_blocker: Any
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the smoke run is on SQLite; PostgreSQL is `BENCH_DATABASE_URL=… make bench`")
    # The test database is already migrated: the part starts from a copy instead of migrating for a minute
    # (read through a connection of our own, outside any test transaction).
    template = tmp_path / "template.sqlite3"
    with django_db_blocker.unblock():
        source = sqlite3.connect(connection.creation._get_test_db_name())
    target = sqlite3.connect(template)
    source.backup(target)
    source.close()
    migrated = target.execute("SELECT COUNT(*) FROM django_migrations").fetchone()[0]
    target.close()
    assert migrated > 0, "the test database should be migrated"
    (tmp_path / "parts").mkdir()
    done = _suite(tmp_path, "--part", "bench.import_bench", extra_env={"BENCH_SQLITE_TEMPLATE": str(template)})
    report = (tmp_path / "results" / "latest-quick.txt").read_text()
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 parts, 0 failed" in report
    assert "Excel 导入 50 行" in report
    assert "写入志愿者 50 名" in report
    assert (tmp_path / "var" / "bench-import-quick.sqlite3").exists()
