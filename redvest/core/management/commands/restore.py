"""`manage.py restore PATH --yes`: a backup made by `manage.py backup` back into the configured database and
MEDIA_ROOT (docs/operations.md, "Backup and restore"). Refuses without --yes, and, unless --force, when the
encryption keys differ from the backup's, the backup is of a newer version, or the target database is not
empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from redvest.core.backup import backup_restore, restore_check
from redvest.core.errors import BackupRefused


class Command(BaseCommand):
    help = "从 manage.py backup 生成的备份目录恢复数据库和上传的文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="备份目录（redvest-backup-<时间>）")
        parser.add_argument(
            "--yes", "--noinput", action="store_true", dest="yes", help="确认恢复（会替换数据库和上传的文件）"
        )
        parser.add_argument(
            "--force", action="store_true", help="目标数据库非空、密钥与备份时不同或备份来自更新版本时，仍然恢复"
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        target = connections[options["database"]].settings_dict
        try:
            manifest = restore_check(source=source, settings_dict=target, force=options["force"])
            if not options["yes"]:
                raise BackupRefused(
                    f"将用 {manifest['created_at']} 的备份替换数据库 {target['NAME']} 和上传的文件。"
                    "确认无误请加 --yes（或 --noinput）重新运行。"
                )
            result = backup_restore(source=source, alias=options["database"], force=options["force"])
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：数据库（{result.engine}）和上传文件 {result.media_files} 个")
        if result.media_set_aside:
            self.stdout.write(f"原有的上传文件已移到 {result.media_set_aside}，核对后可删除")
        for note in result.notes:
            self.stdout.write(note)
