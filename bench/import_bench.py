"""Volunteer Excel import at 10,000 rows (target < 60 s), through the volunteers app's import service.

    .venv/bin/python -m bench.import_bench

Uses a scratch SQLite file (`var/bench-import.sqlite3`, recreated each run so the identity numbers are
new): builds the xlsx in memory with the template's columns, uploads it with `volunteer_import_start`
(real import, not a dry run) and runs `volunteer_import_process` in-process, timing upload + import.
Baseline, same run: 10,000 bare rows into a one-column table in one transaction (executemany).
The last line of stdout is JSON.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench-import.sqlite3"
ROWS = 10_000
TARGET_S = 60.0
os.environ["BENCH_SQLITE_PATH"] = str(DB)
os.environ.pop("BENCH_DATABASE_URL", None)
for suffix in ("", "-wal", "-shm"):
    Path(f"{DB}{suffix}").unlink(missing_ok=True)

import bench._django  # noqa: E402, F401  (Django on bench.settings and the scratch file above)


def _row(seq: int) -> dict[str, Any]:
    from redvest.volunteers.tests.factories import make_id_number, make_phone

    birth = datetime.date(1970 + seq % 30, 1 + seq % 12, 1 + seq % 28)
    return {
        "姓名": f"导入{seq}",
        "证件号码": make_id_number(birth=birth, seq=seq % 1000, area=f"{330500 + seq // 1000:06d}"),
        "手机号": make_phone(seq + 5000),
        "政治面貌": "中共党员",
        "服务队": "基准先锋队",
        "服务技能": "急救、驾驶",
        "服务类别": "社区服务、卫生健康",
    }


def _xlsx() -> bytes:
    from openpyxl import Workbook

    from redvest.volunteers.excel import IMPORT_COLUMNS

    headers = [c.header for c in IMPORT_COLUMNS]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for seq in range(1, ROWS + 1):
        values = _row(seq)
        sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    from redvest.accounts.models import Role
    from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from redvest.orgs.tests.factories import OrgTree
    from redvest.teams.tests.factories import TeamFactory
    from redvest.volunteers.models import ImportStatus, Volunteer
    from redvest.volunteers.services import volunteer_import_start
    from redvest.volunteers.services.imports import volunteer_import_process

    call_command("migrate", verbosity=0)
    tree = OrgTree()
    admin = UserFactory(username="bench-import-admin")
    RoleAssignmentFactory(user=admin, org=tree.town_a, role=Role.ORG_ADMIN)
    TeamFactory(org=tree.town_a, name="基准先锋队")
    content = _xlsx()

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        cursor.executemany("INSERT INTO bench_rows (name) VALUES (%s)", [(f"行{i}",) for i in range(ROWS)])
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    upload = SimpleUploadedFile("名单.xlsx", content, content_type="application/octet-stream")
    imp = volunteer_import_start(actor=admin, org=tree.town_a, upload=upload, dry_run=False)
    imp = volunteer_import_process(import_id=imp.pk)
    seconds = time.perf_counter() - t0
    created = Volunteer.objects.count()
    ok = imp.status == ImportStatus.DONE and created == ROWS and seconds < TARGET_S
    print(f"基线：{ROWS:,} 行裸插入（一次事务）{baseline:.3f} s")
    print(
        f"Excel 导入 {ROWS:,} 行：{seconds:.1f} s（目标 < {TARGET_S:.0f} s），×{seconds / baseline:.0f} 基线，"
        f"状态 {imp.status}，写入志愿者 {created:,} 名 —— {'达标' if ok else '未达标'}"
    )
    print(
        json.dumps(
            {"rows": ROWS, "seconds": round(seconds, 2), "baseline_s": round(baseline, 4), "created": created, "ok": ok}
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
