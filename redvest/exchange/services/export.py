"""Export: an org subtree's volunteers, teams, projects, service time, honours and certificates as the
standard's element sets (one CSV each, plus manifest.json) in a zip, incremental since the last export."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.excel import CsvWriter
from redvest.exchange import codes, selectors
from redvest.exchange.errors import ExchangeNotReady
from redvest.exchange.models import BatchStatus, Direction, ExchangeBatch, HonourKind
from redvest.exchange.services import files as f
from redvest.orgs.models import OrgNode

if TYPE_CHECKING:
    import datetime

    from redvest.accounts.models import User

Window = tuple[OrgNode, "datetime.datetime | None", "datetime.datetime"]


@transaction.atomic
def exchange_export_request(*, actor: User, org: OrgNode, full: bool = False) -> ExchangeBatch:
    """Queue an export of the node's subtree from the last export's watermark (or everything with `full`);
    raises PermissionDenied unless the actor administers the node. Audited: the package holds ID numbers."""
    selectors.require_exchange(actor, org)
    since = None if full else selectors.last_export_until(org=org)
    batch = ExchangeBatch.objects.create(direction=Direction.EXPORT, org=org, since=since, created_by=actor)
    audit_record(
        actor=actor,
        action="export",
        target=batch,
        org=org,
        after={"起始": since.isoformat() if since else "全部"},
        reason="数据交换导出（含证件号码）",
    )
    transaction.on_commit(lambda: exchange_export_task.enqueue(batch_id=batch.pk))
    return batch


def exchange_export_download(*, actor: User, batch: ExchangeBatch) -> ExchangeBatch:
    """Each download of a package is audited (it holds full ID numbers); raises ExchangeNotReady before
    the file exists."""
    selectors.require_exchange(actor, batch.org)
    if batch.status != BatchStatus.DONE or not batch.file:
        raise ExchangeNotReady()
    audit_record(
        actor=actor, action="view_sensitive", target=batch, org=batch.org, reason="下载数据交换包（含证件号码）"
    )
    return batch


def source_code_of(org: OrgNode) -> str:
    """This deployment's code in a package: its root node's 行政区划/机构代码 (row ids are unique under it)."""
    root = selectors.deployment_root(org)
    return root.code or f"N{root.pk}"


def _area(org: OrgNode) -> str:
    return org.code if codes.is_area_code(org.code) else ""


def _volunteer_rows(w: Window, team_of: dict[int, int]) -> Iterator[Sequence[Any]]:
    for v in selectors.chunked(selectors.export_volunteers(*w)):
        id_number = v.id_number
        yield (
            v.number,
            v.name,
            codes.GENDER_TO_CODE.get(v.gender, "9"),
            v.birth_date,
            codes.ID_TYPE_TO_CODE.get(v.id_type, "9"),
            id_number,
            f.exchange_id_hash(id_number),
            v.phone,
            "",  # 民族: not held by the ledger
            "",  # 学历: not held by the ledger
            codes.POLITICAL_TO_CODE.get(v.political_status, "13"),
            _area(v.org),
            v.org.name,
            team_of.get(v.pk, ""),
            "、".join(v.service_category_labels),
            "、".join(v.skills),
            timezone.localtime(v.created_at).date(),
        )


def _team_rows(w: Window) -> Iterator[Sequence[Any]]:
    qs = selectors.export_teams(*w).annotate(members=Count("memberships", filter=Q(memberships__left_at__isnull=True)))
    for t in selectors.chunked(qs):
        yield (
            t.pk,
            t.name,
            t.get_kind_display(),
            _area(t.org),
            t.org.name,
            t.leader.number if t.leader else "",
            timezone.localtime(t.created_at).date(),
            t.members,
        )


def _project_rows(w: Window) -> Iterator[Sequence[Any]]:
    for a in selectors.chunked(selectors.export_activities(*w).prefetch_related("teams")):
        yield (
            a.pk,
            a.title,
            a.get_category_display(),
            _area(a.org),
            a.org.name,
            "、".join(str(t.pk) for t in a.teams.all()),
            a.place,
            timezone.localtime(a.start_at),
            timezone.localtime(a.end_at),
        )


def _service_rows(w: Window, code: str, name: str) -> Iterator[Sequence[Any]]:
    for r in selectors.chunked(selectors.export_records(*w)):
        yield (
            f"R{r.pk}",
            r.volunteer.number,
            f.exchange_id_hash(r.volunteer.id_number),
            r.activity_id or "",
            r.activity.title if r.activity else "",
            codes.RECORD_KIND_TO_CODE[r.kind],
            r.served_on,
            r.minutes,
            True,  # the ledger holds posted (verified) entries only; corrections are their own signed rows
            code,
            name,
        )
    for t in selectors.chunked(selectors.export_transferred(*w)):
        yield (
            t.source_row_id,
            t.volunteer.number,
            f.exchange_id_hash(t.volunteer.id_number),
            t.project_id,
            t.project_title,
            codes.RECORD_KIND_TO_CODE.get(t.kind, "1"),
            t.served_on,
            t.minutes,
            t.verified,
            t.source_code,
            t.source_name,
        )


def _honour_rows(w: Window, code: str, name: str) -> Iterator[Sequence[Any]]:
    for row in selectors.chunked(selectors.export_honours(*w)):
        campaign = row.decision.campaign
        volunteer = row.nomination.volunteer
        yield (
            f"H{row.pk}",
            volunteer.number,
            f.exchange_id_hash(volunteer.id_number),
            campaign.name,
            row.tier,
            campaign.org.name,
            timezone.localtime(row.decision.decided_at).date(),
            code,
            name,
        )
    for h in selectors.chunked(selectors.export_transferred_honours(*w, HonourKind.HONOUR)):
        yield (
            h.source_row_id,
            h.volunteer.number,
            f.exchange_id_hash(h.volunteer.id_number),
            h.title,
            h.level,
            h.awarded_by,
            h.awarded_on or "",
            h.source_code,
            h.source_name,
        )


def _certificate_rows(w: Window, code: str, name: str) -> Iterator[Sequence[Any]]:
    for c in selectors.chunked(selectors.export_certificates(*w)):
        yield (
            c.number,
            c.volunteer.number,
            f.exchange_id_hash(c.volunteer.id_number),
            c.period_start,
            c.period_end,
            c.credit_minutes,
            c.honour_minutes,
            c.issuing_org.name,
            timezone.localtime(c.issued_at).date(),
            code,
            name,
        )
    for h in selectors.chunked(selectors.export_transferred_honours(*w, HonourKind.CERTIFICATE)):
        yield (h.source_row_id, h.volunteer.number, f.exchange_id_hash(h.volunteer.id_number), "", "", "", "",
               h.awarded_by, h.awarded_on or "", h.source_code, h.source_name)  # fmt: skip


def _training_rows(w: Window, code: str, name: str) -> Iterator[Sequence[Any]]:
    for m in selectors.chunked(selectors.export_training(*w)):
        yield (
            f"T{m.pk}",
            m.volunteer.number,
            f.exchange_id_hash(m.volunteer.id_number),
            m.session.title,
            m.session.get_category_display(),
            m.session.org.name,
            timezone.localtime(m.session.starts_at).date(),
            m.session.minutes,
            code,
            name,
        )
    for t in selectors.chunked(selectors.export_transferred_training(*w)):
        yield (t.source_row_id, t.volunteer.number, f.exchange_id_hash(t.volunteer.id_number), t.title, t.category,
               t.organiser, t.held_on, t.minutes, t.source_code, t.source_name)  # fmt: skip


def _write_csv(path: Path, headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    count = 0
    with path.open("wb") as out:
        writer = CsvWriter(out)
        writer.append(headers)
        for row in rows:
            writer.append(row)
            count += 1
        writer.close()
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def exchange_export_run(*, batch_id: int) -> ExchangeBatch:
    """Write the package of a queued export: each element set streamed to its CSV, then the manifest with
    counts and each file's sha256; the batch's `until` becomes the next export's watermark."""
    batch = ExchangeBatch.objects.select_related("org").get(pk=batch_id)
    if batch.status not in {BatchStatus.PENDING, BatchStatus.FAILED}:
        return batch
    ExchangeBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    org = batch.org
    until = timezone.now()
    window: Window = (org, batch.since, until)
    code, name = source_code_of(org), f"{settings.EXCHANGE_SYSTEM_NAME}·{org.name}"
    sources: dict[str, Iterator[Sequence[Any]]] = {
        f.VOLUNTEERS: _volunteer_rows(window, selectors.org_teams_of(org)),
        f.TEAMS: _team_rows(window),
        f.PROJECTS: _project_rows(window),
        f.SERVICE: _service_rows(window, code, name),
        f.HONOURS: _honour_rows(window, code, name),
        f.CERTIFICATES: _certificate_rows(window, code, name),
        f.TRAINING: _training_rows(window, code, name),
    }
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for filename in f.ORDER:
            counts[filename] = _write_csv(folder / filename, f.HEADERS[filename], sources[filename])
            digests[filename] = _sha256(folder / filename)
        manifest = {
            "standard": f.STANDARD,
            "format_version": f.FORMAT_VERSION,
            "system": settings.EXCHANGE_SYSTEM_NAME,
            "source_code": code,
            "org_code": org.code,
            "org_name": org.name,
            "since": batch.since.isoformat() if batch.since else None,
            "until": until.isoformat(),
            "files": [
                {"name": n, "element_set": f.LABELS[n], "rows": counts[n], "sha256": digests[n]} for n in f.ORDER
            ],
        }
        zip_path = folder / "package.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            for filename in f.ORDER:
                zf.write(folder / filename, filename)
        stamp = timezone.localtime(until).strftime("%Y%m%d%H%M%S")
        with zip_path.open("rb") as fh:
            batch.file.save(f"志愿服务数据交换_{code}_{stamp}.zip", File(fh), save=False)
    batch.until = until
    batch.manifest = manifest
    batch.counts = {f.LABELS[n]: counts[n] for n in f.ORDER}
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["until", "manifest", "counts", "status", "finished_at", "file"])
    return batch


@task(queue_name="exports")
def exchange_export_task(batch_id: int) -> dict[str, Any]:
    try:
        batch = exchange_export_run(batch_id=batch_id)
    except Exception:
        ExchangeBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, message="导出失败，请重新提交", finished_at=timezone.now()
        )
        raise
    return {"id": batch.pk, "status": batch.status, "counts": batch.counts}
