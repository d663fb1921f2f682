"""Which database a benchmark part runs on, and the quick smoke mode. Imported before Django is set up.

Every part has a database of its own, never the product's:

- SQLite (the default): a file under `var/` (`BENCH_VAR_DIR` picks another directory; some parts also
  take their own `*_BENCH_SQLITE_PATH`);
- PostgreSQL when `BENCH_DATABASE_URL` names a postgres database (`make bench` also takes it from
  `DATABASE_URL`): the part uses `<that name>_<part>` (with `bench` in it) on the same server, created
  when missing (as a copy of `BENCH_PG_TEMPLATE` when that names a migrated, idle database). The named
  database itself is never written.

`BENCH_SMALL=1` (what `python -m bench.suite --quick` sets) is the smoke mode: tiny sizes, a few runs,
and separate files and databases (`-quick` / `_quick`), so a smoke run never clobbers the full data.
`BENCH_SQLITE_TEMPLATE` names an already migrated SQLite file copied into a part's missing file (the
test of the suite uses it so that each part does not spend a minute migrating).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def small() -> bool:
    """The smoke mode: tiny sizes, same code paths."""
    return os.environ.get("BENCH_SMALL", "") not in ("", "0")


def scaled(full: int, tiny: int) -> int:
    return tiny if small() else full


def var_dir() -> Path:
    return Path(os.environ.get("BENCH_VAR_DIR") or ROOT / "var")


def results_dir() -> Path:
    return Path(os.environ.get("BENCH_RESULTS_DIR") or ROOT / "bench" / "results")


def server_url() -> str:
    """The PostgreSQL URL the bench derives its databases from, or "" for SQLite."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def replica_server_url() -> str:
    """`BENCH_REPLICA_URL`: a streaming replica of BENCH_DATABASE_URL's server (e.g. the cluster's), or ""."""
    url = os.environ.get("BENCH_REPLICA_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) and server_url() else ""


def part_url(base: str, part: str) -> str:
    """`postgres://…/<name>` → `postgres://…/<name>_<part>` (always with "bench" in the name)."""
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "redvest"
    derived = f"{name}_{part}" if "bench" in name else f"{name}_bench_{part}"
    if small():
        derived += "_quick"
    return urlunsplit(parts._replace(path="/" + derived))


def ensure_database(url: str) -> None:
    """CREATE DATABASE for `url` on its server when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            template = os.environ.get("BENCH_PG_TEMPLATE")
            if template:  # an already migrated, idle database: copied instead of migrating anew
                statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            else:
                statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            conn.execute(statement)


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


def sqlite_path(filename: str, override: str | None = None) -> Path:
    """The part's SQLite file: `override` (an env var's value) or var/<filename>, `-quick` in smoke mode."""
    path = Path(override) if override else var_dir() / filename
    if small():
        path = path.with_name(f"{path.stem}-quick{path.suffix}")
    return path


def part_env(part: str, filename: str, *, override: str | None = None, fresh: bool = False) -> dict[str, str]:
    """The environment variables that put bench.settings on this part's database (created if missing;
    emptied first when `fresh`)."""
    base = server_url()
    if base:
        url = part_url(base, part)
        if fresh:
            drop_database(url)
        ensure_database(url)
        env = {"BENCH_PART_DATABASE_URL": url}
        replica = replica_server_url()
        if replica:  # the same database as streamed to the replica: nothing to create there
            env["BENCH_PART_REPLICA_URL"] = part_url(replica, part)
        return env
    path = sqlite_path(filename, override)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    template = os.environ.get("BENCH_SQLITE_TEMPLATE")
    if template and not path.exists():
        shutil.copyfile(template, path)
    return {"BENCH_SQLITE_PATH": str(path)}


def select(part: str, filename: str, *, override: str | None = None, fresh: bool = False) -> str:
    """Point bench.settings at this part's database, in this process, before Django is set up; returns
    a label for the printed results (a file path, or the PostgreSQL database name)."""
    env = part_env(part, filename, override=override, fresh=fresh)
    os.environ.pop("BENCH_PART_DATABASE_URL", None)
    os.environ.pop("BENCH_PART_REPLICA_URL", None)
    os.environ.update(env)
    return label()


def label() -> str:
    url = os.environ.get("BENCH_PART_DATABASE_URL")
    if url:
        return f"PostgreSQL {urlsplit(url).path.lstrip('/')}"
    return f"SQLite {os.environ.get('BENCH_SQLITE_PATH', '')}"


def migrate() -> None:
    """Apply missing migrations only: a no-op `migrate` still costs 10–20 s on a loaded machine."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


TARGETS_MISSED = 3  # a part's exit status when it ran but a timing target was missed


def exit_status(*, targets_met: bool, errors: bool = False) -> int:
    """A part's exit status: 1 on wrong results, 3 when a timing target was missed (not in the smoke
    mode, whose timings on tiny data mean nothing), else 0."""
    if errors:
        return 1
    return 0 if targets_met or small() else TARGETS_MISSED
