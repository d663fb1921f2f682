"""Backups of the database and the uploaded files, and their restore (`manage.py backup`, `manage.py restore`;
docs/operations.md, "Backup and restore").

A backup is one directory `redvest-backup-<UTC time>/` holding the database (PostgreSQL: `pg_dump
--format=custom`; SQLite: a copy made with SQLite's online backup API), `media.tar` (MEDIA_ROOT) and
`manifest.json`: time, engine, applied migrations, each file's size and sha256, and fingerprints of the
field-encryption and blind-index keys. The keys themselves are never in a backup. The directory is written
under a temporary name and renamed when complete, so a backup that exists is whole.

Restore checks before it touches anything: files against their checksums, the engine, the keys (a database
whose encrypted columns the configured keys cannot read is refused), migrations newer than this code, and an
empty target; `force` overrides the last three. PostgreSQL restores with `pg_restore --clean --if-exists` in
one transaction, so a failed restore leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from redvest.core.crypto import key_fingerprints
from redvest.core.errors import BackupRefused

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar"
KEY_NAMES = {"field-encryption": "FIELD_ENCRYPTION_KEY", "blind-index": "BLIND_INDEX_KEY"}


@dataclass
class RestoreResult:
    engine: str
    media_files: int
    media_set_aside: Path | None
    notes: list[str] = field(default_factory=list)


def _engine(settings_dict: dict[str, Any]) -> str:
    engine = str(settings_dict["ENGINE"])
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite" in engine:
        return "sqlite"
    raise BackupRefused(f"不支持的数据库引擎 {engine}（只支持 PostgreSQL 和 SQLite）")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_binary(name: str) -> str:
    directory = getattr(settings, "PG_BIN_DIR", "")
    found = str(Path(directory) / name) if directory else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupRefused(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client），或用 PG_BIN_DIR 指明其目录")
    return found


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    for var, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
        ("PGSSLMODE", options.get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _pg_connect(settings_dict: dict[str, Any]) -> psycopg.Connection[Any]:
    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _run(command: list[str], *, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{Path(command[0]).name} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-800:]}")


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = defaultdict(list)
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied[app].append(name)
    return dict(applied)


def table_count(settings_dict: dict[str, Any]) -> int:
    """Tables in the database (0: a fresh, empty database)."""
    if _engine(settings_dict) == "postgresql":
        with _pg_connect(settings_dict) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
        return int(row[0]) if row else 0
    path = Path(str(settings_dict["NAME"]))
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return int(row[0]) if row else 0


def _tar_media(target: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1
    return count


def backup_create(*, destination: Path, alias: str = "default") -> Path:
    """Write one complete backup directory under `destination` and return its path."""
    settings_dict = connections[alias].settings_dict
    engine = _engine(settings_dict)
    now = timezone.now()
    name = f"redvest-backup-{now:%Y%m%dT%H%M%SZ}"
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / name
    if final.exists():
        raise BackupRefused(f"{final} 已存在，请稍后再试")
    partial = destination / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        migrations = _applied_migrations(alias)
        if engine == "postgresql":
            database_file = PG_DUMP
            _run(
                [_pg_binary("pg_dump"), "--format=custom", "--no-password", f"--file={partial / PG_DUMP}"],
                env=_pg_env(settings_dict),
            )
        else:
            database_file = SQLITE_COPY
            source = sqlite3.connect(str(settings_dict["NAME"]))
            copy = sqlite3.connect(partial / SQLITE_COPY)
            try:
                source.backup(copy)  # SQLite's online backup: a consistent copy while the site runs
            finally:
                copy.close()
                source.close()
        media_files = _tar_media(partial / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "engine": engine,
            "database": str(Path(str(settings_dict["NAME"])).name) if engine == "sqlite" else settings_dict["NAME"],
            "migrations": migrations,
            "media_files": media_files,
            "files": {
                file: {"size": (partial / file).stat().st_size, "sha256": _sha256(partial / file)}
                for file in (database_file, MEDIA)
            },
            "key_fingerprints": key_fingerprints(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def manifest_read(source: Path) -> dict[str, Any]:
    """The manifest of a backup directory, its files checked against their sizes and checksums."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupRefused(f"{source} 不是备份目录（缺少 {MANIFEST}）")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupRefused(f"{path} 无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"备份格式 {manifest.get('format')} 不受支持（此版本读取格式 {FORMAT}）")
    for file, expected in manifest["files"].items():
        member = source / file
        if not member.is_file() or member.stat().st_size != expected["size"] or _sha256(member) != expected["sha256"]:
            raise BackupRefused(f"备份文件 {file} 缺失或已损坏（大小或校验和不符），不能恢复")
    return manifest


def _check_keys(manifest: dict[str, Any]) -> list[str]:
    """The keys whose fingerprint differs from the backup's."""
    current = key_fingerprints()
    stored = manifest.get("key_fingerprints") or {}
    return [KEY_NAMES[name] for name in KEY_NAMES if stored.get(name) != current[name]]


def _newer_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup has applied that this code does not know (a backup of a newer version)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names if (app, name) not in known
    ]


def restore_check(*, source: Path, settings_dict: dict[str, Any], force: bool) -> dict[str, Any]:
    """Every refusal, before anything is changed; returns the manifest."""
    manifest = manifest_read(source)
    engine = _engine(settings_dict)
    if manifest["engine"] != engine:
        raise BackupRefused(f"这是 {manifest['engine']} 数据库的备份，当前配置的是 {engine}，不能恢复")
    if not force:
        if keys := _check_keys(manifest):
            raise BackupRefused(
                f"密钥不一致：当前的 {'、'.join(keys)} 与备份时不同。用这些密钥恢复后，加密的身份证号、手机号将无法解密，"
                "按手机号查找也会失效。请配置备份时的密钥后重试（见 docs/operations.md「加密密钥」）；"
                "确知后果仍要恢复，加 --force。"
                f" / Key mismatch: the configured {', '.join(keys)} differ from the backup's; encrypted columns "
                "would be unreadable. Configure the backup's keys, or pass --force."
            )
        if newer := _newer_migrations(manifest):
            raise BackupRefused(
                f"备份来自更新的程序版本（含本版本没有的迁移 {', '.join(newer[:5])}）：请先升级程序再恢复，或加 --force"
            )
        if tables := table_count(settings_dict):
            raise BackupRefused(
                f"目标数据库 {settings_dict['NAME']} 不是空的（已有 {tables} 张表），恢复会覆盖其中的数据。"
                "请恢复到新建的空数据库；确认要覆盖，加 --force。"
            )
    return manifest


def _restore_media(source: Path) -> tuple[int, Path | None]:
    """MEDIA_ROOT becomes the backup's files; what was there is moved aside (returned), not deleted."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = media_root.parent / f".{media_root.name}.restoring"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    with tarfile.open(source / MEDIA) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(incoming, members=members, filter="data")
    set_aside: Path | None = None
    if media_root.exists():
        if any(media_root.iterdir()):
            set_aside = media_root.parent / f"{media_root.name}.before-restore-{timezone.now():%Y%m%dT%H%M%SZ}"
            media_root.rename(set_aside)
        else:
            media_root.rmdir()
    incoming.rename(media_root)
    return len(members), set_aside


def backup_restore(
    *, source: Path, alias: str = "default", settings_dict: dict[str, Any] | None = None, force: bool = False
) -> RestoreResult:
    """Restore a backup into the configured database (or `settings_dict`'s) and MEDIA_ROOT."""
    target = settings_dict or connections[alias].settings_dict
    manifest = restore_check(source=source, settings_dict=target, force=force)
    connections.close_all()
    if manifest["engine"] == "postgresql":
        _run(
            [
                _pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={target['NAME']}",
                str(source / PG_DUMP),
            ],
            env=_pg_env(target),
        )
    else:
        backup = sqlite3.connect(source / SQLITE_COPY)
        database = sqlite3.connect(str(target["NAME"]))
        try:
            backup.backup(database)
        finally:
            database.close()
            backup.close()
    media_files, set_aside = _restore_media(source)
    notes = []
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    restored = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    if known - restored:
        notes.append("备份早于当前程序版本：请运行 manage.py migrate 补齐数据库结构")
    return RestoreResult(engine=manifest["engine"], media_files=media_files, media_set_aside=set_aside, notes=notes)
