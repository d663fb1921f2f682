"""Import: a package from another deployment or the national system. A dry run checks every row and
writes nothing but the batch's report (per-file counts, row errors); confirming writes the good rows.

Volunteers keep their number when it is free here; a person already registered (same ID number, the
keyed hash agreeing) is a duplicate: reported and linked, never registered twice. Service time, honours
and certificates arrive as transferred rows (转入), never as local credit; teams and projects as
received copies. Re-importing a package adds nothing twice (rows are keyed by source code and row id).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index
from redvest.core.errors import ValidationFailed
from redvest.core.text import control_character_error
from redvest.exchange import codes, selectors
from redvest.exchange.errors import ExchangeBatchState
from redvest.exchange.models import (
    BatchStatus,
    Direction,
    ExchangeBatch,
    HonourKind,
    ReceivedProject,
    ReceivedTeam,
    ReceivedVolunteer,
    TransferredHonour,
    TransferredService,
    TransferredTraining,
)
from redvest.exchange.services import files as f
from redvest.orgs.models import OrgNode
from redvest.volunteers.models import ServiceCategory, Volunteer
from redvest.volunteers.services import VolunteerData, volunteer_clean, volunteer_transfer_in

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_REPORTED_ERRORS = 500
FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别代码",
    "birth_date": "出生日期",
    "id_type": "证件类型代码",
    "id_number": "证件号码",
    "phone": "联系电话",
    "political_status": "政治面貌代码",
    "service_categories": "服务类别",
    "skills": "服务技能",
    "guardian_name": "证件号码",
    "guardian_phone": "证件号码",
    "guardian_consent_date": "证件号码",
}


@dataclass
class Package:
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, str]]]


@dataclass
class Plan:
    """What a package would write, row by row, and what is wrong with the rest."""

    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    new_volunteers: list[tuple[dict[str, str], VolunteerData]] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)  # id hash -> local volunteer id
    teams: list[dict[str, str]] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    services: list[dict[str, str]] = field(default_factory=list)
    honours: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    trainings: list[dict[str, str]] = field(default_factory=list)

    def error(self, filename: str, row: int, column: str, message: str) -> None:
        self.errors.append({"file": filename, "element_set": f.LABELS[filename], "row": row, "field": column,
                            "message": message})  # fmt: skip
        self.counts[filename]["errors"] += 1


def _unescape(value: str) -> str:
    """Undo the CSV writer's apostrophe before formula-like text (-60 is written '-60)."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _read_csv(raw: bytes, filename: str) -> list[dict[str, str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": f"{f.LABELS[filename]}文件（{filename}）须为 UTF-8 编码的 CSV"}) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    header = [h.strip() for h in header]
    if missing := [h for h in f.HEADERS[filename] if h not in header]:
        raise ValidationFailed({"file": f"{f.LABELS[filename]}文件（{filename}）缺少列：{'、'.join(missing)}"})
    return [dict(zip(header, (_unescape(v) for v in row), strict=False)) for row in reader if any(row)]


def package_read(upload: IO[bytes]) -> Package:
    """Open a package (zip with manifest.json and the element sets' CSVs); raises ValidationFailed on `file`."""
    try:
        with zipfile.ZipFile(upload) as zf:
            names = set(zf.namelist())
            if f.MANIFEST not in names:
                raise ValidationFailed({"file": "数据包缺少清单文件 manifest.json"})
            manifest = json.loads(zf.read(f.MANIFEST).decode("utf-8-sig"))
            if not isinstance(manifest, dict):
                raise ValidationFailed({"file": "清单文件 manifest.json 格式不正确"})
            rows = {name: _read_csv(zf.read(name), name) if name in names else [] for name in f.ORDER}
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, KeyError) as exc:
        raise ValidationFailed({"file": "无法读取数据包：请上传导出的 zip 文件（含 manifest.json）"}) from exc
    return Package(manifest=manifest, rows=rows)


def _date(value: str) -> datetime.date | None:
    try:
        return parse_date(value[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: str) -> datetime.datetime | None:
    try:
        parsed = parse_datetime(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _checked_text(plan: Plan, filename: str, n: int, row: dict[str, str]) -> bool:
    for column, value in row.items():
        if value and (message := control_character_error(value)) is not None:
            plan.error(filename, n, column, message)
            return False
    return True


def _plan_volunteers(plan: Plan, rows: list[dict[str, str]], today: datetime.date) -> dict[str, str]:
    """Check each volunteer row; return id hash -> 'new' / 'dup' for the rows that pass."""
    known: dict[str, str] = {}
    name = f.VOLUNTEERS
    categories = {label: value for value, label in ServiceCategory.choices}
    for n, row in enumerate(rows, start=2):
        if not _checked_text(plan, name, n, row):
            continue
        id_number = row["证件号码"].strip().upper()
        given_hash = row["证件号码摘要"].strip().lower()
        problems: dict[str, str] = {}
        if not row["志愿者编号"]:
            problems["志愿者编号"] = "缺少志愿者编号"
        if row["性别代码"] not in codes.GENDER:
            problems["性别代码"] = "性别代码无效（GB/T 2261.1：0、1、2、9）"
        if row["政治面貌代码"] not in codes.POLITICAL:
            problems["政治面貌代码"] = "政治面貌代码无效（GB/T 4762：01–13）"
        if row["民族代码"] and row["民族代码"] not in codes.ETHNICITY:
            problems["民族代码"] = "民族代码无效（GB/T 3304：01–56）"
        if row["学历代码"] and row["学历代码"] not in codes.EDUCATION:
            problems["学历代码"] = "学历代码无效（GB/T 4658）"
        if row["证件类型代码"] not in codes.ID_TYPE:
            problems["证件类型代码"] = "证件类型代码无效"
        id_hash = f.exchange_id_hash(id_number)
        if given_hash and id_number and given_hash != id_hash:
            problems["证件号码摘要"] = "证件号码摘要与证件号码不符（交换密钥不一致或数据被改动）"
        if id_hash and id_hash in known:
            problems["证件号码"] = "同一证件号码在文件中出现多次"
        data = VolunteerData(
            name=row["姓名"],
            gender=codes.GENDER_FROM_CODE.get(row["性别代码"], ""),
            birth_date=_date(row["出生日期"]),
            id_type=codes.ID_TYPE_FROM_CODE.get(row["证件类型代码"], "other"),
            id_number=id_number,
            phone=row["联系电话"],
            political_status=codes.POLITICAL_FROM_CODE.get(row["政治面貌代码"], ""),
            skills=[s for s in row["服务技能"].split("、") if s],
            service_categories=[categories.get(c, c) for c in row["服务类别"].split("、") if c],
        )
        _values, errors = volunteer_clean(data, today=today)
        for key, message in errors.items():
            problems.setdefault(FIELD_LABELS.get(key, key), message)
        if problems:
            for column, message in problems.items():
                plan.error(name, n, column, message)
            continue
        local = Volunteer.objects.filter(id_number_hash=blind_index(id_number)).values_list("id", flat=True).first()
        if local is not None:
            plan.duplicates[id_hash] = local
            plan.counts[name]["duplicates"] += 1
            known[id_hash] = "dup"
        else:
            plan.new_volunteers.append((row, data))
            plan.counts[name]["ok"] += 1
            known[id_hash] = "new"
    return known


def _plan_keyed(
    plan: Plan, filename: str, rows: list[dict[str, str]], key: str, title: str, seen: set[str], out: list[Any]
) -> None:
    for n, row in enumerate(rows, start=2):
        if not _checked_text(plan, filename, n, row):
            continue
        if not row[key]:
            plan.error(filename, n, key, f"缺少{key}")
        elif not row[title]:
            plan.error(filename, n, title, f"缺少{title}")
        elif row[key] in seen:
            plan.counts[filename]["duplicates"] += 1
        else:
            seen.add(row[key])
            out.append(row)
            plan.counts[filename]["ok"] += 1


def _person_known(row: dict[str, str], in_file: dict[str, str], received: set[str]) -> bool:
    h = row["证件号码摘要"].strip().lower()
    return bool(h) and (h in in_file or h in received)


def _plan_person_rows(
    plan: Plan,
    filename: str,
    rows: list[dict[str, str]],
    key: str,
    in_file: dict[str, str],
    received: set[str],
    already: set[tuple[str, str]],
    check: Callable[[Plan, int, dict[str, str]], bool],
    out: Callable[[dict[str, str]], None],
) -> None:
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        if not _checked_text(plan, filename, n, row):
            continue
        if not row[key]:
            plan.error(filename, n, key, f"缺少{key}")
        elif not _person_known(row, in_file, received):
            plan.error(filename, n, "证件号码摘要", "找不到对应的志愿者（志愿者文件中没有，也未曾转入）")
        elif (row["来源机构代码"], row[key]) in already or (row["来源机构代码"] + row[key]) in seen:
            plan.counts[filename]["duplicates"] += 1
        elif check(plan, n, row):
            seen.add(row["来源机构代码"] + row[key])
            out(row)
            plan.counts[filename]["ok"] += 1


def _check_service(plan: Plan, n: int, row: dict[str, str]) -> bool:
    ok = True
    if row["时长类型代码"] not in codes.RECORD_KIND_FROM_CODE:
        plan.error(f.SERVICE, n, "时长类型代码", "时长类型代码无效（1 服务信用时数，2 荣誉时数）")
        ok = False
    if _int(row["时长（分钟）"]) is None:
        plan.error(f.SERVICE, n, "时长（分钟）", "时长须为整数分钟")
        ok = False
    if _date(row["服务日期"]) is None:
        plan.error(f.SERVICE, n, "服务日期", "服务日期无效（格式 2026-01-31）")
        ok = False
    if not row["来源机构代码"]:
        plan.error(f.SERVICE, n, "来源机构代码", "缺少来源机构代码")
        ok = False
    return ok


def _check_training(plan: Plan, n: int, row: dict[str, str]) -> bool:
    ok = True
    if not row["培训主题"]:
        plan.error(f.TRAINING, n, "培训主题", "缺少培训主题")
        ok = False
    if _date(row["培训日期"]) is None:
        plan.error(f.TRAINING, n, "培训日期", "培训日期无效（格式 2026-01-31）")
        ok = False
    if (minutes := _int(row["培训时长（分钟）"])) is None or minutes < 0:
        plan.error(f.TRAINING, n, "培训时长（分钟）", "培训时长须为非负整数分钟")
        ok = False
    if not row["来源机构代码"]:
        plan.error(f.TRAINING, n, "来源机构代码", "缺少来源机构代码")
        ok = False
    return ok


def _check_dated(filename: str, column: str) -> Callable[[Plan, int, dict[str, str]], bool]:
    def check(plan: Plan, n: int, row: dict[str, str]) -> bool:
        if row[column] and _date(row[column]) is None:
            plan.error(filename, n, column, "日期无效（格式 2026-01-31）")
            return False
        if not row["来源机构代码"]:
            plan.error(filename, n, "来源机构代码", "缺少来源机构代码")
            return False
        return True

    return check


def package_plan(package: Package) -> Plan:
    """Check every row of a package against the code tables, the ledger's field rules and what is already
    here; the plan holds the rows to write and the row errors (file, row, column, Chinese message)."""
    plan = Plan(counts={n: {"rows": len(package.rows[n]), "ok": 0, "duplicates": 0, "errors": 0} for n in f.ORDER})
    source = str(package.manifest.get("source_code") or "")
    in_file = _plan_volunteers(plan, package.rows[f.VOLUNTEERS], timezone.localdate())
    hashes = {
        r["证件号码摘要"].strip().lower()
        for n in (f.SERVICE, f.HONOURS, f.CERTIFICATES, f.TRAINING)
        for r in package.rows[n]
    }
    received = set(ReceivedVolunteer.objects.filter(id_hash__in=hashes).values_list("id_hash", flat=True))
    teams_here = set(ReceivedTeam.objects.filter(source_code=source).values_list("source_id", flat=True))
    projects_here = set(ReceivedProject.objects.filter(source_code=source).values_list("source_id", flat=True))
    _plan_keyed(plan, f.TEAMS, package.rows[f.TEAMS], "团体编号", "团体名称", teams_here, plan.teams)
    _plan_keyed(plan, f.PROJECTS, package.rows[f.PROJECTS], "项目编号", "项目名称", projects_here, plan.projects)
    services_here = set(
        TransferredService.objects.filter(source_row_id__in=[r["记录编号"] for r in package.rows[f.SERVICE]])
        .values_list("source_code", "source_row_id")
    )  # fmt: skip
    honour_ids = [
        r.get("记录编号") or r.get("证明编号") or "" for n in (f.HONOURS, f.CERTIFICATES) for r in package.rows[n]
    ]
    honours_here = set(
        TransferredHonour.objects.filter(source_row_id__in=honour_ids).values_list("source_code", "source_row_id")
    )
    _plan_person_rows(plan, f.SERVICE, package.rows[f.SERVICE], "记录编号", in_file, received, services_here,
                      _check_service, plan.services.append)  # fmt: skip
    _plan_person_rows(plan, f.HONOURS, package.rows[f.HONOURS], "记录编号", in_file, received, honours_here,
                      _check_dated(f.HONOURS, "授予日期"), lambda r: plan.honours.append((HonourKind.HONOUR, r)))  # fmt: skip
    _plan_person_rows(plan, f.CERTIFICATES, package.rows[f.CERTIFICATES], "证明编号", in_file, received, honours_here,
                      _check_dated(f.CERTIFICATES, "出具日期"),
                      lambda r: plan.honours.append((HonourKind.CERTIFICATE, r)))  # fmt: skip
    trainings_here = set(
        TransferredTraining.objects.filter(source_row_id__in=[r["记录编号"] for r in package.rows[f.TRAINING]])
        .values_list("source_code", "source_row_id")
    )  # fmt: skip
    _plan_person_rows(plan, f.TRAINING, package.rows[f.TRAINING], "记录编号", in_file, received, trainings_here,
                      _check_training, plan.trainings.append)  # fmt: skip
    return plan


def _report(batch: ExchangeBatch, plan: Plan) -> None:
    batch.counts = {f.LABELS[n]: c for n, c in plan.counts.items()}
    batch.row_errors = plan.errors[:MAX_REPORTED_ERRORS]
    batch.error_count = len(plan.errors)


@transaction.atomic
def exchange_import_check(*, actor: User, org: OrgNode, upload: UploadedFile) -> ExchangeBatch:
    """Dry run: store the package and report per-file counts and row errors; nothing else is written.
    Raises PermissionDenied unless the actor administers `org`, ValidationFailed on an unreadable file."""
    selectors.require_exchange(actor, org)
    if upload.size is not None and upload.size > MAX_PACKAGE_BYTES:
        raise ValidationFailed({"file": "数据包不能超过 50 MB，请分批导出"})
    package = package_read(upload)
    plan = package_plan(package)
    manifest = package.manifest
    batch = ExchangeBatch(
        direction=Direction.IMPORT,
        org=org,
        status=BatchStatus.CHECKED,
        original_name=(upload.name or "")[:200],
        source_code=str(manifest.get("source_code") or "")[:40],
        source_name=f"{manifest.get('system') or ''}·{manifest.get('org_name') or ''}"[:100],
        manifest=manifest,
        created_by=actor,
    )
    _report(batch, plan)
    upload.seek(0)
    batch.file.save(f"import_{timezone.localtime():%Y%m%d%H%M%S}.zip", upload, save=False)
    batch.save()
    audit_record(actor=actor, action="create", target=batch, org=org, reason="数据交换导入预检")
    return batch


@transaction.atomic
def exchange_import_confirm(*, actor: User, batch: ExchangeBatch) -> ExchangeBatch:
    """Import a checked package: the rows that passed are written (the report lists the rest). Raises
    ExchangeBatchState unless the batch is a checked import."""
    selectors.require_exchange(actor, batch.org)
    batch = ExchangeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.direction != Direction.IMPORT or batch.status != BatchStatus.CHECKED:
        raise ExchangeBatchState()
    batch.status = BatchStatus.PENDING
    batch.save(update_fields=["status"])
    batch_id, actor_id = batch.pk, actor.pk
    transaction.on_commit(lambda: exchange_import_task.enqueue(batch_id=batch_id, actor_id=actor_id))
    return batch


def _write(batch: ExchangeBatch, actor: User, plan: Plan) -> dict[str, int]:
    """Write a plan's rows (each already checked by `package_plan`: dates and minutes parse)."""
    source, source_name, org = batch.source_code, batch.source_name, batch.org
    people: dict[str, int] = dict(plan.duplicates)
    links: list[ReceivedVolunteer] = []
    created = 0
    for row, data in plan.new_volunteers:
        try:
            volunteer = volunteer_transfer_in(
                actor=actor, org=org, data=data, number=row["志愿者编号"], source=source_name
            )
        except ValidationFailed:  # registered since the dry run: link as a duplicate
            local = Volunteer.objects.filter(id_number_hash=blind_index(data.id_number)).first()
            if local is None:
                raise
            h = f.exchange_id_hash(data.id_number)
            people[h] = local.pk
            links.append(ReceivedVolunteer(batch=batch, volunteer=local, source_code=source,
                                           source_number=row["志愿者编号"], id_hash=h, duplicate=True))  # fmt: skip
            continue
        created += 1
        h = f.exchange_id_hash(data.id_number)
        people[h] = volunteer.pk
        links.append(ReceivedVolunteer(batch=batch, volunteer=volunteer, source_code=source,
                                       source_number=row["志愿者编号"], id_hash=h))  # fmt: skip
    for h, pk in plan.duplicates.items():
        links.append(ReceivedVolunteer(batch=batch, volunteer_id=pk, source_code=source, source_number="",
                                       id_hash=h, duplicate=True))  # fmt: skip
    ReceivedVolunteer.objects.bulk_create(links)
    earlier = dict(
        ReceivedVolunteer.objects.exclude(batch=batch).filter(id_hash__isnull=False).values_list("id_hash", "volunteer_id")
    ) if plan.services or plan.honours else {}  # fmt: skip
    people = {**earlier, **people}

    ReceivedTeam.objects.bulk_create(
        ReceivedTeam(batch=batch, org=org, source_code=source, source_id=r["团体编号"], name=r["团体名称"][:100],
                     kind=r["团体类型"][:30], area_code=r["行政区划代码"][:20], org_name=r["所属组织"][:100],
                     founded_on=_date(r["成立日期"]), member_count=max(_int(r["成员数"]) or 0, 0))
        for r in plan.teams
    )  # fmt: skip
    ReceivedProject.objects.bulk_create(
        ReceivedProject(batch=batch, org=org, source_code=source, source_id=r["项目编号"], title=r["项目名称"][:100],
                        category=r["服务类别"][:30], area_code=r["行政区划代码"][:20], org_name=r["发布组织"][:100],
                        team_ids=[t for t in r["组织团体编号"].split("、") if t], place=r["服务地点"][:200],
                        start_at=_datetime(r["开始时间"]), end_at=_datetime(r["结束时间"]))
        for r in plan.projects
    )  # fmt: skip
    services = [
        TransferredService(volunteer_id=people[r["证件号码摘要"].strip().lower()], batch=batch,
                           source_code=r["来源机构代码"][:40], source_name=r["来源组织"][:100] or source_name,
                           source_row_id=r["记录编号"][:60], project_id=r["项目编号"][:40],
                           project_title=r["项目名称"][:100], kind=codes.RECORD_KIND_FROM_CODE[r["时长类型代码"]],
                           served_on=cast(datetime.date, _date(r["服务日期"])), minutes=cast(int, _int(r["时长（分钟）"])),
                           verified=r["已核实"] in {"是", "1", "true", "True"})
        for r in plan.services
    ]  # fmt: skip
    TransferredService.objects.bulk_create(services)
    honours = []
    for kind, r in plan.honours:
        if kind == HonourKind.HONOUR:
            honours.append(TransferredHonour(
                volunteer_id=people[r["证件号码摘要"].strip().lower()], batch=batch, kind=kind,
                source_code=r["来源机构代码"][:40], source_name=r["来源组织"][:100] or source_name,
                source_row_id=r["记录编号"][:60], title=r["荣誉名称"][:200], level=r["等次"][:60],
                awarded_by=r["授予单位"][:100], awarded_on=_date(r["授予日期"])))  # fmt: skip
        else:
            credit = r["服务信用时长（分钟）"]
            honours.append(TransferredHonour(
                volunteer_id=people[r["证件号码摘要"].strip().lower()], batch=batch, kind=kind,
                source_code=r["来源机构代码"][:40], source_name=r["来源组织"][:100] or source_name,
                source_row_id=r["证明编号"][:60], title=f"志愿服务证明 {r['证明编号']}"[:200],
                level=f"{r['起始日期']}至{r['截止日期']} 信用{credit}分钟" if credit else "",
                awarded_by=r["出具单位"][:100], awarded_on=_date(r["出具日期"])))  # fmt: skip
    TransferredHonour.objects.bulk_create(honours)
    trainings = [
        TransferredTraining(volunteer_id=people[r["证件号码摘要"].strip().lower()], batch=batch,
                            source_code=r["来源机构代码"][:40], source_name=r["来源组织"][:100] or source_name,
                            source_row_id=r["记录编号"][:60], title=r["培训主题"][:100], category=r["培训类别"][:30],
                            organiser=r["主办组织"][:100], held_on=cast(datetime.date, _date(r["培训日期"])),
                            minutes=cast(int, _int(r["培训时长（分钟）"])))
        for r in plan.trainings
    ]  # fmt: skip
    TransferredTraining.objects.bulk_create(trainings)
    return {"volunteers": created, "duplicates": len(plan.duplicates), "teams": len(plan.teams),
            "projects": len(plan.projects), "services": len(services), "honours": len(honours),
            "trainings": len(trainings)}  # fmt: skip


def exchange_import_run(*, batch_id: int, actor: User) -> ExchangeBatch:
    """Re-check the stored package (the ledger may have moved since the dry run) and write, in one
    transaction, the volunteers, received teams and projects, and transferred time, honours and trainings."""
    with transaction.atomic():
        batch = ExchangeBatch.objects.select_for_update().select_related("org").get(pk=batch_id)
        if batch.status != BatchStatus.PENDING:
            return batch
        with batch.file.open("rb") as fh:
            package = package_read(io.BytesIO(fh.read()))
        plan = package_plan(package)
        written = _write(batch, actor, plan)
        _report(batch, plan)
        batch.status = BatchStatus.DONE
        batch.message = (
            f"新登记志愿者 {written['volunteers']} 人，已在本系统登记 {written['duplicates']} 人；"
            f"团体 {written['teams']} 个，项目 {written['projects']} 个；转入时长 {written['services']} 条，"
            f"荣誉与证明 {written['honours']} 条，培训 {written['trainings']} 条"
        )
        batch.finished_at = timezone.now()
        batch.save()
        audit_record(actor=actor, action="create", target=batch, org=batch.org, after=written, reason="数据交换导入")
    return batch


@task(queue_name="imports")
def exchange_import_task(batch_id: int, actor_id: int) -> dict[str, Any]:
    actor = User.objects.get(pk=actor_id)
    try:
        batch = exchange_import_run(batch_id=batch_id, actor=actor)
    except Exception:
        ExchangeBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, message="导入失败，数据未写入，请重新预检后再试", finished_at=timezone.now()
        )
        raise
    return {"id": batch.pk, "status": batch.status, "message": batch.message}
