"""Excel import of volunteers: upload, dry-run preview, then all-or-nothing (or good rows only) in bulk.

Speed matters (10,000 rows well under a minute on SQLite), and so does everyone else writing meanwhile:
rows are validated a chunk at a time, each chunk staged (`VolunteerImportChunk`) with a heartbeat in its
own short transaction; then one final transaction (only the ledger check, numbering and bulk inserts)
finds duplicates (one IN query per 5,000 hashes) and writes volunteers, memberships (the teams app's bulk
service, through `volunteers.hooks.volunteers_imported`), status history and audit rows (`audit_record_many`) in bulk inserts,
marks the import done and drops the chunks. All-or-nothing holds: before that step only chunks exist. A worker that dies
is found by the jobs sweep (`volunteer_import_recover`): the import resumes after its staged chunks.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import User
from redvest.audit.models import AuditAction
from redvest.audit.services import AuditItem, audit_record_many, snapshot
from redvest.core.db import BULK_ROWS, analyze
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.jobs import FAILED, INTERRUPTED_MESSAGE, RESUMED, heartbeat, job_enqueue
from redvest.core.text import control_character_error
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.volunteers import hooks
from redvest.volunteers.errors import TeamUnavailable
from redvest.volunteers.excel import LABELS, ExcelFormatError, ImportRow, parse_date, read_import_sheet
from redvest.volunteers.models import (
    Gender,
    IdType,
    ImportStatus,
    PoliticalStatus,
    RecruitmentSource,
    Volunteer,
    VolunteerImport,
    VolunteerImportChunk,
    VolunteerStatus,
    VolunteerStatusChange,
)
from redvest.volunteers.services.numbers import area_code_from, number_block_issue
from redvest.volunteers.services.registry import duplicate_message
from redvest.volunteers.services.validation import VolunteerData, split_list, volunteer_clean

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CHUNK_ROWS = 500  # rows validated and staged per short transaction (and per heartbeat)
MAX_RESUMES = 2  # automatic resumes after a worker died; then the import fails and can be retried
DATE_KEYS = ("birth_date", "guardian_consent_date")
HASH_CHUNK = 5000
POLITICAL_ALIASES = {label: value for value, label in PoliticalStatus.choices} | {
    "党员": PoliticalStatus.PARTY_MEMBER,
    "预备党员": PoliticalStatus.PROBATIONARY,
    "团员": PoliticalStatus.LEAGUE_MEMBER,
}
SOURCE_ALIASES = {
    label: value for value, label in RecruitmentSource.choices if value != RecruitmentSource.UNRECORDED
} | {value: value for value in RecruitmentSource.values if value != RecruitmentSource.UNRECORDED}
GENDER_ALIASES = {label: value for value, label in Gender.choices} | {"男性": Gender.MALE, "女性": Gender.FEMALE}
ID_TYPE_ALIASES = {label: value for value, label in IdType.choices} | {
    "身份证": IdType.RESIDENT_ID,
    "": IdType.RESIDENT_ID,
}


@transaction.atomic
def volunteer_import_start(
    *,
    actor: User,
    org: OrgNode | None,
    upload: UploadedFile | None,
    dry_run: bool = True,
    skip_bad_rows: bool = False,
) -> VolunteerImport:
    """Store the file and queue it on the "imports" queue: a dry run (预检, writes nothing) by default, or the
    real import (all-or-nothing unless `skip_bad_rows`). Raises PermissionDenied or ValidationFailed."""
    errors: dict[str, str] = {}
    if org is None:
        errors["org"] = "请选择导入到哪个组织"
    elif not policy.can_manage_under(actor, org):
        raise PermissionDenied("您无权向该组织导入志愿者")
    if upload is None:
        errors["file"] = "请选择要上传的Excel文件"
    elif not (upload.name or "").lower().endswith(".xlsx"):
        errors["file"] = "仅支持 .xlsx 格式的Excel文件，请使用下载的模板"
    elif (upload.size or 0) > MAX_UPLOAD_BYTES:
        errors["file"] = "文件不能超过10MB，请分批导入"
    if errors or org is None or upload is None:
        raise ValidationFailed(errors)
    imp = VolunteerImport.objects.create(
        org=org,
        file=upload,
        original_name=(upload.name or "")[:200],
        created_by=actor,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    _enqueue(imp)
    return imp


@transaction.atomic
def volunteer_import_confirm(*, actor: User, imp: VolunteerImport, skip_bad_rows: bool) -> VolunteerImport:
    """Import a previewed file for real. With bad rows this needs `skip_bad_rows` (只导入正确行); the file is
    validated again when it runs. Raises PermissionDenied, Conflict (not previewed) or ValidationFailed."""
    imp = VolunteerImport.objects.select_for_update(of=("self",)).select_related("org").get(pk=imp.pk)
    if not policy.can_manage_under(actor, imp.org):
        raise PermissionDenied("您无权向该组织导入志愿者")
    if imp.status != ImportStatus.PREVIEWED:
        raise Conflict("该导入不在“预检完成”状态，不能确认导入")
    if imp.good_rows == 0:
        raise ValidationFailed({"skip_bad_rows": "文件中没有可导入的正确行"})
    if imp.bad_rows and not skip_bad_rows:
        raise ValidationFailed({"skip_bad_rows": f"有{imp.bad_rows}行错误：请修改后重新上传，或选择“只导入正确行”"})
    imp.dry_run = False
    imp.skip_bad_rows = skip_bad_rows
    imp.status = ImportStatus.PENDING
    imp.processed_rows = 0
    imp.attempts = 0
    imp.message = "已确认，排队导入中"
    imp.save(update_fields=["dry_run", "skip_bad_rows", "status", "processed_rows", "attempts", "message"])
    _enqueue(imp)
    return imp


def _enqueue(imp: VolunteerImport) -> None:
    transaction.on_commit(lambda: job_enqueue(imp))


@dataclass
class _Context:
    """The import org's subtree (and ancestors) in memory, so rows resolve names without queries."""

    root: OrgNode
    nodes: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))  # name -> (id, path)
    codes: dict[str, str] = field(default_factory=dict)  # path -> code
    teams: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))  # name -> (id, org path)

    @classmethod
    def load(cls, root: OrgNode) -> _Context:
        ctx = cls(root=root)
        nodes = OrgNode.objects.filter(in_subtree_q("path", root.path)) | OrgNode.objects.filter(
            path__in=ancestors_paths(root.path)
        )
        for pk, name, path, code in nodes.values_list("id", "name", "path", "code"):
            ctx.nodes[name].append((pk, path))
            ctx.codes[path] = code
        for pk, name, path in hooks.one(hooks.import_teams(root)):
            ctx.teams[name].append((pk, path))
        return ctx

    def org_for(self, name: str) -> tuple[int, str] | str:
        if not name:
            return (self.root.pk, self.root.path)
        found = [n for n in self.nodes.get(name, []) if n[1].startswith(self.root.path)]
        if not found:
            return f"在{self.root.name}下找不到组织“{name}”"
        if len(found) > 1:
            return f"{self.root.name}下有多个名为“{name}”的组织"
        return found[0]

    def team_for(self, name: str, *, org_path: str) -> int | str:
        if not name:
            return "请填写组织关系所在的服务队"
        found = [t for t in self.teams.get(name, []) if t[1].startswith(org_path)]
        if not found:
            return f"所属组织下找不到服务队“{name}”"
        if len(found) > 1:
            return f"服务队“{name}”在所属组织下不唯一，请填写更具体的所属组织"
        return found[0][0]

    def party_org_for(self, name: str) -> int | str | None:
        if not name:
            return None
        found = self.nodes.get(name, [])
        if len(found) != 1:
            return f"找不到唯一的党组织“{name}”"
        return found[0][0]


@dataclass
class _GoodRow:
    number: int
    org_id: int
    org_path: str
    team_id: int
    party_org_id: int | None
    values: dict[str, Any]

    def staged(self) -> dict[str, Any]:
        values = {k: (v.isoformat() if k in DATE_KEYS and v else v) for k, v in self.values.items()}
        return {
            "number": self.number,
            "org_id": self.org_id,
            "org_path": self.org_path,
            "team_id": self.team_id,
            "party_org_id": self.party_org_id,
            "values": values,
        }

    @classmethod
    def from_staged(cls, data: dict[str, Any]) -> _GoodRow:
        values = {k: (datetime.date.fromisoformat(v) if k in DATE_KEYS and v else v) for k, v in data["values"].items()}
        return cls(data["number"], data["org_id"], data["org_path"], data["team_id"], data["party_org_id"], values)


def _row_data(row: ImportRow, errors: dict[str, str]) -> VolunteerData:
    v = row.values
    dates: dict[str, Any] = {}
    for key in ("birth_date", "guardian_consent_date"):
        try:
            dates[key] = parse_date(v.get(key))
        except ValueError:
            dates[key] = None
            errors[key] = "日期格式应为 2000-01-31"
    return VolunteerData(
        name=v.get("name", ""),
        gender=GENDER_ALIASES.get(v.get("gender", ""), v.get("gender", "")),
        birth_date=dates["birth_date"],
        id_type=ID_TYPE_ALIASES.get(v.get("id_type", ""), v.get("id_type", "")),
        id_number=v.get("id_number", ""),
        phone=v.get("phone", ""),
        political_status=POLITICAL_ALIASES.get(v.get("political_status", ""), v.get("political_status", "")),
        residence_area=v.get("residence_area", ""),
        work_unit=v.get("work_unit", ""),
        skills=split_list(v.get("skills", "")),
        service_categories=split_list(v.get("service_categories", "")),
        specialties=v.get("specialties", ""),
        service_post=v.get("service_post", ""),
        availability=v.get("availability", ""),
        guardian_name=v.get("guardian_name", ""),
        guardian_phone=v.get("guardian_phone", ""),
        guardian_consent_date=dates["guardian_consent_date"],
        guardian_note=v.get("guardian_note", ""),
        recruitment_source=_recruitment_source(v.get("recruitment_source", "")),
        recommender=v.get("recommender", ""),
    )


def _recruitment_source(raw: str) -> str:
    """An organisation's import is 组织推荐 unless the row says otherwise; 未记录 is not an input."""
    if not raw:
        return RecruitmentSource.ORGANIZATION
    return SOURCE_ALIASES.get(raw, "invalid")


def _validate(
    rows: list[ImportRow], ctx: _Context, seen: dict[str, int], today: datetime.date
) -> tuple[list[_GoodRow], list[dict[str, Any]]]:
    """Rows checked in memory; `seen` (ID hash -> first row) carries in-file duplicates across chunks: the
    later row is the error."""
    good: list[_GoodRow] = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        row_errors: dict[str, str] = {}
        for key, value in row.values.items():
            # Every ledger column is single-line, as on the registration form.
            if isinstance(value, str) and (message := control_character_error(value, multiline=False)):
                row_errors[key] = message
        data = _row_data(row, row_errors)
        values, field_errors = volunteer_clean(data, today=today)
        row_errors.update({k: v for k, v in field_errors.items() if k not in row_errors})
        org = ctx.org_for(row.values.get("org", ""))
        if isinstance(org, str):
            row_errors["org"] = org
        team = ctx.team_for(row.values.get("team", ""), org_path=org[1] if isinstance(org, tuple) else ctx.root.path)
        if isinstance(team, str):
            row_errors["team"] = team
        party_org = ctx.party_org_for(row.values.get("party_org", ""))
        if isinstance(party_org, str):
            row_errors["party_org"] = party_org
        if values:
            first = seen.setdefault(values["id_number_hash"], row.number)
            if first != row.number:
                row_errors["id_number"] = f"与第{first}行的证件号码重复"
        if row_errors:
            errors.extend(
                {"row": row.number, "field": k, "label": LABELS.get(k, k), "message": m} for k, m in row_errors.items()
            )
        elif isinstance(org, tuple) and isinstance(team, int) and not isinstance(party_org, str):
            good.append(_GoodRow(row.number, org[0], org[1], team, party_org, values))
    return good, errors


def _stage(imp: VolunteerImport, rows: list[ImportRow], ctx: _Context) -> None:
    """Validate the rows not yet staged, a chunk per short transaction (chunk + progress + heartbeat)."""
    seen: dict[str, int] = {}
    done: set[int] = set()
    for index, hashes in VolunteerImportChunk.objects.filter(imp=imp).values_list("index", "hashes"):
        done.add(index)
        seen.update(hashes)
    today = timezone.localdate()
    for index, start in enumerate(range(0, len(rows), CHUNK_ROWS)):
        if index in done:
            continue
        chunk = rows[start : start + CHUNK_ROWS]
        before = set(seen)
        good, errors = _validate(chunk, ctx, seen, today)
        with transaction.atomic():
            VolunteerImportChunk.objects.create(
                imp=imp,
                index=index,
                good=[g.staged() for g in good],
                errors=errors,
                hashes={h: n for h, n in seen.items() if h not in before},
            )
            heartbeat(VolunteerImport, imp.pk, processed_rows=start + len(chunk))


def _staged(imp: VolunteerImport) -> tuple[list[_GoodRow], list[dict[str, Any]]]:
    good: list[_GoodRow] = []
    errors: list[dict[str, Any]] = []
    for chunk_good, chunk_errors in VolunteerImportChunk.objects.filter(imp=imp).values_list("good", "errors"):
        good.extend(_GoodRow.from_staged(g) for g in chunk_good)
        errors.extend(chunk_errors)
    return good, errors


def _drop_registered(good: list[_GoodRow], errors: list[dict[str, Any]]) -> list[_GoodRow]:
    """Rows whose ID is already in the ledger become errors: one IN query per chunk of hashes."""
    hashes = [g.values["id_number_hash"] for g in good]
    existing: dict[str, tuple[str, str]] = {}
    for start in range(0, len(hashes), HASH_CHUNK):
        chunk = hashes[start : start + HASH_CHUNK]
        rows = Volunteer.objects.filter(id_number_hash__in=chunk).values_list(
            "id_number_hash", "org__name", "org__path"
        )
        existing.update((h, (name, path)) for h, name, path in rows)
    kept = []
    for g in good:
        found = existing.get(g.values["id_number_hash"])
        if found is None:
            kept.append(g)
        else:
            org_name, org_path = found
            elsewhere = not org_path.startswith(g.org_path)
            message = duplicate_message(id_type=g.values["id_type"], org_name=org_name, elsewhere=elsewhere)
            errors.append({"row": g.number, "field": "id_number", "label": LABELS["id_number"], "message": message})
    return kept


def _prepare(good: list[_GoodRow]) -> dict[int, Volunteer]:
    """The volunteer rows, built before the final transaction opens (numbers come inside it)."""
    prepared = {}
    for g in good:
        values = {k: v for k, v in g.values.items() if k != "party_org"}
        prepared[g.number] = Volunteer(
            **values, org_id=g.org_id, party_org_id=g.party_org_id, status=VolunteerStatus.REGISTERED
        )
    return prepared


def _write(imp: VolunteerImport, good: list[_GoodRow], prepared: dict[int, Volunteer], ctx: _Context) -> int:
    """Numbers per area code, then volunteers, org memberships (the teams app's bulk service through
    `volunteers.hooks`, with its audit rows), status history and audit rows (the audit app's `audit_record_many`) in bulk."""
    by_area: dict[str, list[_GoodRow]] = defaultdict(list)
    for g in good:
        by_area[area_code_from(ctx.codes, g.org_path)].append(g)
    for area, area_rows in by_area.items():
        for g, number in zip(area_rows, number_block_issue(area_code=area, count=len(area_rows)), strict=True):
            prepared[g.number].number = number
    volunteers = [prepared[g.number] for g in good]
    Volunteer.objects.bulk_create(volunteers, batch_size=1000)
    actor = imp.created_by
    reason = f"Excel导入#{imp.pk}"
    hooks.volunteers_imported(actor, volunteers, [g.team_id for g in good], reason)
    VolunteerStatusChange.objects.bulk_create(
        [
            VolunteerStatusChange(
                volunteer_id=v.pk,
                from_status=VolunteerStatus.PENDING,
                to_status=VolunteerStatus.REGISTERED,
                reason=reason,
                actor=actor,
            )
            for v in volunteers
        ],
        batch_size=1000,
    )
    audit_record_many(
        actor=actor,
        action=AuditAction.CREATE,
        items=(
            AuditItem.of(v, org_id=v.org_id, after=snapshot(v) | {"org_team_id": g.team_id})
            for v, g in zip(volunteers, good, strict=True)
        ),
        reason=reason,
    )
    return len(volunteers)


def _finish(
    imp: VolunteerImport,
    *,
    status: str,
    errors: list[dict[str, Any]],
    created: int = 0,
    message: str = "",
    retryable: bool = False,
) -> None:
    """The result, and the staging chunks gone, in one transaction."""
    errors.sort(key=lambda e: (e["row"], e["field"]))
    imp.status = status
    imp.errors = errors
    imp.bad_rows = len({e["row"] for e in errors})
    imp.created_count = created
    imp.processed_rows = imp.total_rows
    imp.message = message[:300]
    imp.finished_at = timezone.now()
    imp.heartbeat_at = imp.finished_at
    imp.retryable = retryable
    with transaction.atomic():
        imp.save()
        VolunteerImportChunk.objects.filter(imp=imp).delete()


def _still_ours(imp: VolunteerImport) -> bool:
    """Lock the import row; False when it is no longer this run's (re-queued by the jobs sweep)."""
    current = VolunteerImport.objects.select_for_update().filter(pk=imp.pk).values_list("status", "attempts").get()
    return current == (ImportStatus.RUNNING, imp.attempts)


def volunteer_import_process(*, import_id: int) -> VolunteerImport:
    """Run one queued import (dry run or real). Bad rows write nothing unless "只导入正确行" was chosen.
    Rows are staged a chunk per short transaction (resuming after chunks already staged), then the real
    run writes everything in one final transaction (bulk inserts only)."""
    imp = VolunteerImport.objects.select_related("org", "created_by").get(pk=import_id)
    if imp.status != ImportStatus.PENDING:
        return imp  # already handled (a duplicate delivery of the task)
    heartbeat(VolunteerImport, imp.pk, status=ImportStatus.RUNNING)
    try:
        with imp.file.open("rb") as handle:
            sheet = read_import_sheet(handle)
    except ExcelFormatError as exc:
        _finish(imp, status=ImportStatus.FAILED, errors=[], message=str(exc))
        return imp
    imp.total_rows = len(sheet.rows)
    heartbeat(VolunteerImport, imp.pk, total_rows=imp.total_rows)
    try:
        ctx = _Context.load(imp.org)
        _stage(imp, sheet.rows, ctx)
        good, errors = _staged(imp)
        if imp.dry_run:
            good = _drop_registered(good, errors)
            _finish(imp, status=ImportStatus.PREVIEWED, errors=errors, message=f"预检完成：{len(good)}行可导入")
            return imp
        heartbeat(VolunteerImport, imp.pk, processed_rows=imp.total_rows, message="校验完成，正在写入……")
        prepared = _prepare(good)
        with transaction.atomic():
            if not _still_ours(imp):
                return imp  # the sweep judged this run dead and queued it again: that run finishes it
            good = _drop_registered(good, errors)
            if errors and not imp.skip_bad_rows:
                message = "文件中有错误行，按“全部正确才导入”未写入任何数据"
                _finish(imp, status=ImportStatus.FAILED, errors=errors, message=message)
                return imp
            created = _write(imp, good, prepared, ctx) if good else 0
            _finish(imp, status=ImportStatus.DONE, errors=errors, created=created, message=f"已导入{created}人")
        if created >= BULK_ROWS:  # the ledger's lists plan on fresh statistics, not on a table that looked small
            analyze(Volunteer, VolunteerStatusChange)
    except TeamUnavailable:
        # A team was dissolved after the rows were checked: nothing written; a retry checks them again.
        message = "导入期间有服务队被撤销，未写入任何数据，请重试（将重新校验服务队）"
        _finish(imp, status=ImportStatus.FAILED, errors=[], message=message, retryable=True)
    except Exception:
        # Never leave the progress page spinning: record the failure, then let the worker log it.
        logger.exception("volunteer import %s failed", imp.pk)
        message = "导入时发生系统错误，未写入任何数据，请重试或联系管理员"
        _finish(imp, status=ImportStatus.FAILED, errors=[], message=message, retryable=True)
        raise
    return imp


def volunteer_import_recover(imp: VolunteerImport) -> str:
    """Jobs sweep, on a running import whose worker stopped (row locked by the caller): queue it again to
    resume after its staged chunks, at most MAX_RESUMES times; then fail it with the interruption message
    (retryable). Nothing was written but chunks, so both are safe."""
    if imp.attempts < MAX_RESUMES:
        imp.status = ImportStatus.PENDING
        imp.attempts += 1
        imp.message = "后台任务中断，已重新排队，将从已校验的部分继续"
        imp.save(update_fields=["status", "attempts", "message"])
        _enqueue(imp)
        return RESUMED
    _finish(imp, status=ImportStatus.FAILED, errors=[], message=INTERRUPTED_MESSAGE, retryable=True)
    return FAILED


@transaction.atomic
def volunteer_import_retry(*, actor: User, imp: VolunteerImport) -> VolunteerImport:
    """Queue again an import that failed by interruption or a system error (not one with bad rows: that
    needs a corrected file). Raises PermissionDenied or Conflict."""
    imp = VolunteerImport.objects.select_for_update(of=("self",)).select_related("org").get(pk=imp.pk)
    if not policy.can_manage_under(actor, imp.org):
        raise PermissionDenied("您无权向该组织导入志愿者")
    if imp.status != ImportStatus.FAILED or not imp.retryable:
        raise Conflict("只有中断或因系统错误失败的导入可以重试")
    imp.status = ImportStatus.PENDING
    imp.attempts = 0
    imp.retryable = False
    imp.processed_rows = 0
    imp.errors = []
    imp.bad_rows = 0
    imp.finished_at = None
    imp.message = "已重新排队"
    imp.save(
        update_fields=[
            "status",
            "attempts",
            "retryable",
            "processed_rows",
            "errors",
            "bad_rows",
            "finished_at",
            "message",
        ]
    )
    _enqueue(imp)
    return imp
