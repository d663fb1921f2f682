"""`manage.py backup` / `restore`: round trips on PostgreSQL and SQLite, the key check, the refusals."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from redvest.accounts.tests.factories import UserFactory
from redvest.core.backup import MANIFEST, backup_create, backup_restore, restore_check
from redvest.core.crypto import decrypt, encrypt
from redvest.core.errors import BackupRefused
from redvest.demand.tests.factories import ResidentFactory, ServiceRequestFactory

RESTORE_DB = "redvest_obs_restore"
on_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL round trip")
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite round trip")


def some_data(media_root: Path) -> None:
    UserFactory.create_batch(3)
    ServiceRequestFactory.create_batch(2, resident=ResidentFactory())
    (media_root / "records" / "2026" / "12").mkdir(parents=True)
    (media_root / "records" / "2026" / "12" / "佐证.jpg").write_bytes(b"\xff\xd8 evidence")


def row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def restore_db() -> Iterator[dict[str, Any]]:
    """A fresh, empty PostgreSQL database beside the test database, dropped afterwards."""
    target = {**connection.settings_dict, "NAME": RESTORE_DB}
    admin = {k: v for k, v in {"dbname": "postgres", "user": target["USER"], "password": target["PASSWORD"],
             "host": target["HOST"], "port": target["PORT"]}.items() if v}  # fmt: skip
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
        conn.execute(f"CREATE DATABASE {RESTORE_DB}")
    yield target
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trip_restores_every_row_and_file(tmp_path: Path, settings, restore_db) -> None:  # type: ignore[no-untyped-def]
    some_data(Path(settings.MEDIA_ROOT))
    backup = backup_create(destination=tmp_path / "backups")
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["engine"] == "postgresql"
    assert "0001_initial" in manifest["migrations"]["accounts"]
    assert set(manifest["files"]) == {"database.dump", "media.tar"}

    settings.MEDIA_ROOT = tmp_path / "media-new"
    result = backup_restore(source=backup, settings_dict=restore_db)
    assert result.media_files == 1
    assert (tmp_path / "media-new" / "records" / "2026" / "12" / "佐证.jpg").read_bytes() == b"\xff\xd8 evidence"

    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        original = row_counts(cursor, tables)
    with psycopg.connect(dbname=RESTORE_DB, **{k: v for k, v in {
            "user": restore_db["USER"], "host": restore_db["HOST"], "port": restore_db["PORT"],
            "password": restore_db["PASSWORD"]}.items() if v}) as conn, conn.cursor() as cursor:  # fmt: skip
        restored = row_counts(cursor, tables)
    assert restored == original
    assert original["accounts_user"] == 3 and original["demand_servicerequest"] == 2

    with pytest.raises(BackupRefused, match="不是空的"):
        restore_check(source=backup, settings_dict=restore_db, force=False)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_restores_every_row_and_file(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    some_data(Path(settings.MEDIA_ROOT))
    backup = backup_create(destination=tmp_path / "backups")
    assert json.loads((backup / MANIFEST).read_text())["engine"] == "sqlite"

    settings.MEDIA_ROOT = tmp_path / "media-new"
    (tmp_path / "media-new").mkdir()
    (tmp_path / "media-new" / "stale.txt").write_text("old")
    target = {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
    result = backup_restore(source=backup, settings_dict=target)
    assert sorted(p.name for p in (tmp_path / "media-new").rglob("*") if p.is_file()) == ["佐证.jpg"]
    assert result.media_set_aside is not None and (result.media_set_aside / "stale.txt").read_text() == "old"

    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        original = row_counts(cursor, tables)
    with sqlite3.connect(target["NAME"]) as conn:
        restored = row_counts(conn.cursor(), tables)
    assert restored == original
    assert original["accounts_user"] == 3


@pytest.mark.django_db
def test_restore_refuses_other_encryption_keys(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    backup = backup_create(destination=tmp_path)
    settings.FIELD_ENCRYPTION_KEY = "another-key-than-the-backups"
    empty = {**connection.settings_dict, "NAME": str(tmp_path / "empty.sqlite3")}
    if connection.vendor == "postgresql":
        empty = {**connection.settings_dict, "NAME": "postgres"}  # the keys are checked before the target
    with pytest.raises(BackupRefused, match="FIELD_ENCRYPTION_KEY") as refused:
        restore_check(source=backup, settings_dict=empty, force=False)
    assert "无法解密" in str(refused.value) and "Key mismatch" in str(refused.value)
    assert "another-key" not in (backup / MANIFEST).read_text()


@pytest.mark.django_db
def test_the_manifest_names_the_keys_without_revealing_them(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FIELD_ENCRYPTION_KEY = "field-key-of-the-county"
    settings.BLIND_INDEX_KEY = "index-key-of-the-county"
    manifest = (backup_create(destination=tmp_path) / MANIFEST).read_text()
    assert "field-key-of-the-county" not in manifest and "index-key-of-the-county" not in manifest
    assert settings.SECRET_KEY not in manifest
    assert set(json.loads(manifest)["key_fingerprints"]) == {"field-encryption", "blind-index"}
    assert decrypt(encrypt("13812345678")) == "13812345678"


@pytest.mark.django_db
def test_restore_command_needs_confirmation(tmp_path: Path) -> None:
    backup = backup_create(destination=tmp_path)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup), "--force")


@pytest.mark.django_db
def test_restore_command_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    backup = backup_create(destination=tmp_path)
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(backup), "--yes")


@pytest.mark.django_db
def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    backup = backup_create(destination=tmp_path)
    with (backup / "media.tar").open("ab") as fh:
        fh.write(b"garbage")
    with pytest.raises(CommandError, match="已损坏"):
        call_command("restore", str(backup), "--yes", "--force")


@pytest.mark.django_db
def test_restore_refuses_a_directory_that_is_no_backup(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(tmp_path), "--yes")


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_engine(tmp_path: Path) -> None:
    backup = backup_create(destination=tmp_path)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["engine"] = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="不能恢复"):
        call_command("restore", str(backup), "--yes", "--force")


@pytest.mark.django_db
def test_backup_command_reports_the_directory_and_the_keys_reminder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("backup", str(tmp_path))
    out = capsys.readouterr().out
    [made] = [p for p in tmp_path.iterdir() if p.name.startswith("redvest-backup-")]
    assert str(made) in out
    assert "不含加密密钥" in out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
