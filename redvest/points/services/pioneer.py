"""Pioneer index settings and the manual bonus / deduction entries an org admin records."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_administer
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import DomainError, PermissionDenied, ValidationFailed
from redvest.points.errors import NoteRequired
from redvest.points.models import DEDUCTION_CATEGORIES, EntryCategory, GradeMode, PioneerConfig, PioneerEntry
from redvest.points.selectors.config import pioneer_config_for
from redvest.points.services._common import check_evidence, clean_text
from redvest.points.services.ledger import member_year_add
from redvest.volunteers.models import PoliticalStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode
    from redvest.volunteers.models import Volunteer

PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)
MAX_ENTRY_SCORE = 100
MAX_WEIGHT_CENTI = 100_000


@dataclass(frozen=True)
class ConfigData:
    base_score: int = 60
    hour_weight_centi: int = 50
    points_weight_centi: int = 100
    award_score: int = 5
    exemplar_score: int = 5
    complaint_score: int = 5
    violation_score: int = 10
    grade_mode: str = GradeMode.THRESHOLD
    excellent_min: int = 90
    good_min: int = 75
    fair_min: int = 60
    excellent_pct: int = 10
    good_pct: int = 40
    fair_pct: int = 90


def _config_errors(data: ConfigData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 0 <= data.base_score <= 1000:
        errors["base_score"] = "基础分应在 0 至 1000 之间"
    for name in ("hour_weight_centi", "points_weight_centi"):
        if not 0 <= getattr(data, name) <= MAX_WEIGHT_CENTI:
            errors[name] = "权重应在 0 至 1000 之间"
    for name in ("award_score", "exemplar_score", "complaint_score", "violation_score"):
        if not 1 <= getattr(data, name) <= MAX_ENTRY_SCORE:
            errors[name] = f"默认分值应在 1 至 {MAX_ENTRY_SCORE} 之间"
    if data.grade_mode not in GradeMode.values:
        errors["grade_mode"] = "请选择评定方式"
    if not data.excellent_min >= data.good_min >= data.fair_min >= 0:
        errors["excellent_min"] = "分数线应满足：优秀 ≥ 良好 ≥ 一般"
    if not 0 <= data.excellent_pct <= data.good_pct <= data.fair_pct <= 100:
        errors["excellent_pct"] = "比例应满足：0 ≤ 优秀 ≤ 良好 ≤ 一般 ≤ 100"
    return errors


@transaction.atomic
def pioneer_config_set(*, actor: User, org: OrgNode, data: ConfigData) -> PioneerConfig:
    """Set the weights and grading for an org node and its subtree. Raises PermissionDenied, ValidationFailed."""
    if not can_administer(actor, org):
        raise PermissionDenied(f"只有{org.name}及上级组织的管理员可以设置先锋指数权重")
    errors = _config_errors(data)
    if errors:
        raise ValidationFailed(errors)
    config, created = PioneerConfig.objects.select_for_update(of=("self",)).get_or_create(org=org)
    before = snapshot(config)
    for f in fields(ConfigData):
        setattr(config, f.name, getattr(data, f.name))
    config.updated_by = actor
    config.save()
    old, new = diff(before, snapshot(config))
    audit_record(actor=actor, action="create" if created else "update", target=config, org=org, before=old, after=new)
    return config


def default_score(*, config: PioneerConfig, category: str) -> int:
    return {
        EntryCategory.AWARD: config.award_score,
        EntryCategory.EXEMPLAR: config.exemplar_score,
        EntryCategory.COMPLAINT: config.complaint_score,
        EntryCategory.VIOLATION: config.violation_score,
    }.get(category, 0)  # type: ignore[call-overload]  # TextChoices members are str keys


@transaction.atomic
def pioneer_entry_add(
    *,
    actor: User,
    volunteer: Volunteer,
    year: int,
    category: str,
    reason: str,
    score: int | None = None,
    evidence: UploadedFile | None = None,
) -> PioneerEntry:
    """Record an award, exemplar, verified complaint or violation for a party member (score defaults to
    the org's weight; deductions are stored negative). Raises PermissionDenied, ValidationFailed, DomainError."""
    probe = PioneerEntry(volunteer=volunteer)
    if not can_administer(actor, volunteer.org):
        raise PermissionDenied("只有党员所在组织的管理员可以记录先锋指数加减分")
    if volunteer.political_status not in PARTY_STATUSES:
        raise DomainError("先锋指数只适用于中共党员和预备党员", field="volunteer", code="not_party_member")
    if category not in EntryCategory.values:
        raise ValidationFailed({"category": "请选择类别"})
    this_year = timezone.localdate().year
    if not this_year - 5 <= year <= this_year:
        raise ValidationFailed({"year": f"年度应在 {this_year - 5} 至 {this_year} 之间"})
    text = clean_text(reason, field="reason", label="事由", max_length=200)
    magnitude = (
        score if score is not None else default_score(config=pioneer_config_for(org=volunteer.org), category=category)
    )
    if not 1 <= magnitude <= MAX_ENTRY_SCORE:
        raise ValidationFailed({"score": f"分值应在 1 至 {MAX_ENTRY_SCORE} 之间"})
    check_evidence(evidence, required=False)
    probe.year = year
    probe.category = category
    probe.score = -magnitude if category in DEDUCTION_CATEGORIES else magnitude
    probe.reason = text
    probe.evidence = evidence or ""
    probe.created_by = actor
    probe.save()
    _move_totals(probe, sign=1)
    audit_record(actor=actor, action="create", target=probe, org=volunteer.org, after=snapshot(probe))
    return probe


def _move_totals(entry: PioneerEntry, *, sign: int) -> None:
    part = "bonus" if entry.score > 0 else "deduction"
    member_year_add(volunteer_id=entry.volunteer_id, year=entry.year, **{part: sign * entry.score})


@transaction.atomic
def pioneer_entry_revoke(*, actor: User, entry: PioneerEntry, reason: str) -> PioneerEntry:
    """Withdraw an entry recorded in error; it stays on file, marked revoked. Raises PermissionDenied,
    NoteRequired, DomainError."""
    if not can(actor, "change", entry):
        raise PermissionDenied("只有党员所在组织的管理员可以撤销加减分")
    text = (reason or "").strip()
    if not text:
        raise NoteRequired("请填写撤销原因", field="reason")
    entry = PioneerEntry.objects.select_for_update(of=("self",)).select_related("volunteer__org").get(pk=entry.pk)
    if entry.revoked_at is not None:
        raise DomainError("该记录已撤销", code="already_revoked")
    entry.revoked_at = timezone.now()
    entry.revoked_by = actor
    entry.revoke_reason = text[:200]
    entry.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _move_totals(entry, sign=-1)
    audit_record(
        actor=actor, action="update", target=entry, org=entry.volunteer.org, after={"revoked": True}, reason=text
    )
    return entry
