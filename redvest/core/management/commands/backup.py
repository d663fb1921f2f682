"""`manage.py backup DIR`: the database and the uploaded files into one timestamped directory under DIR, with
a manifest (docs/operations.md, "Backup and restore"). The encryption keys are not in it: keep them apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redvest.core.backup import MANIFEST, backup_create
from redvest.core.errors import BackupRefused


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）和上传的文件，写入 DIR 下带时间的目录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="备份写入的目录（其下新建 redvest-backup-<时间> 子目录）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(destination=options["destination"], alias=options["database"])
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        sizes = "，".join(f"{name} {meta['size'] / 1_048_576:.1f} MB" for name, meta in manifest["files"].items())
        self.stdout.write(f"备份完成：{path}")
        self.stdout.write(f"{sizes}；上传文件 {manifest['media_files']} 个")
        self.stdout.write("提醒：备份不含加密密钥（SECRET_KEY、FIELD_ENCRYPTION_KEY、BLIND_INDEX_KEY），请另行妥善保管")
