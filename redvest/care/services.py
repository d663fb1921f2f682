"""Writes for care pairing: the registry, consent and health data, pairings, visits, cadence, reminders."""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment
from redvest.accounts.policy import can_administer, grants_for
from redvest.audit.services import audit_record
from redvest.care.access import can_log_care_visit, can_view_care_health, may_set_cadence
from redvest.care.models import (
    CareCategory,
    CareConsent,
    CareHealthRecord,
    CarePairing,
    CareRecipient,
    CareReminder,
    CareVisit,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
    Gender,
    LivingSituation,
    PairingStatus,
    RecipientStatus,
    ReminderKind,
    VisitCadence,
    VisitForm,
)
from redvest.care.selectors import cadence_days_for, cadence_table
from redvest.core.crypto import blind_index, decrypt, encrypt, mask_phone
from redvest.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from redvest.core.services import notification_send
from redvest.core.validators import normalize_phone, phone_error
from redvest.demand.access import may_take_requests
from redvest.orgs.models import OrgKind, OrgNode

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer

DEFAULT_REMIND_LEAD_DAYS = 2
RECIPIENT_ORG_KINDS = frozenset({OrgKind.COMMUNITY, OrgKind.GRID})


class ConsentRequired(DomainError):
    code = "consent_required"
    status = 422
    default_message = "未取得本人或监护人对健康信息的单独同意，不能记录健康或残疾信息。请先登记单独同意。"


# ---------------------------------------------------------------------------------------------- registry


@dataclass
class RecipientData:
    """What the form or the API sent for a person in need. Parsed, not yet validated."""

    org_id: int | None
    name: str
    gender: str
    category: str
    birth_year: int | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    address: str = ""
    other_categories: list[str] = field(default_factory=list)
    living_situation: str = LivingSituation.OTHER
    living_note: str = ""
    cadence_days: int | None = None


def _clean_recipient(data: RecipientData, *, actor: Any) -> tuple[OrgNode, dict[str, Any], str]:
    """Every field checked at once; returns the org, the plain values and the normalised phone."""
    errors: dict[str, str] = {}
    org = OrgNode.objects.filter(pk=data.org_id).first() if data.org_id else None
    if org is None:
        errors["org"] = "请选择所在村社区"
    elif org.kind not in RECIPIENT_ORG_KINDS:
        errors["org"] = "帮扶对象应登记在村社区（或网格）"
    elif not can_administer(actor, org):
        errors["org"] = "所选村社区不在您的管理范围内"
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50字"
    if data.gender not in Gender.values:
        errors["gender"] = "请选择性别"
    if data.category not in CareCategory.values:
        errors["category"] = "请选择帮扶类别"
    others = [c for c in dict.fromkeys(data.other_categories or []) if c != data.category]
    if any(c not in CareCategory.values for c in others):
        errors["other_categories"] = "其他类别无效"
    today = timezone.localdate()
    birth_year = data.birth_year
    if data.birth_date is not None:
        if data.birth_date > today or data.birth_date.year < 1900:
            errors["birth_date"] = "出生日期无效"
        elif birth_year is not None and birth_year != data.birth_date.year:
            errors["birth_year"] = "出生年份与出生日期不一致"
        birth_year = data.birth_date.year
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        errors["birth_year"] = "出生年份无效"
    phone = normalize_phone(data.phone)
    if phone and (message := phone_error(phone)) is not None:
        errors["phone"] = message
    if len(data.address or "") > 200:
        errors["address"] = "住址不能超过200字"
    if data.living_situation not in LivingSituation.values:
        errors["living_situation"] = "请选择居住状况"
    if len(data.living_note or "") > 500:
        errors["living_note"] = "生活情况说明不能超过500字"
    if data.cadence_days is not None and not 1 <= data.cadence_days <= 366:
        errors["cadence_days"] = "走访周期应在1到366天之间"
    if errors:
        raise ValidationFailed(errors)
    assert org is not None  # for the type checker: a missing org raised above
    values = {
        "org": org,
        "name": name,
        "gender": data.gender,
        "birth_year": birth_year,
        "birth_date": data.birth_date,
        "address": (data.address or "").strip(),
        "category": data.category,
        "other_categories": others,
        "living_situation": data.living_situation,
        "living_note": (data.living_note or "").strip(),
        "cadence_days": data.cadence_days,
    }
    return org, values, phone


def _resident_for_phone(phone: str) -> Any:
    from redvest.demand.models import Resident

    return Resident.objects.filter(phone_hash=blind_index(phone)).first() if phone else None


def _set_phone(recipient: CareRecipient, phone: str) -> None:
    recipient.phone_encrypted = encrypt(phone)
    recipient.phone_hash = blind_index(phone)
    recipient.phone_masked = mask_phone(phone) if phone else ""
    recipient.resident = _resident_for_phone(phone)


def _audit_values(recipient: CareRecipient) -> dict[str, Any]:
    return {
        "org": recipient.org_id,
        "name": recipient.name,
        "category": recipient.category,
        "other_categories": recipient.other_categories,
        "phone": recipient.phone_masked,
        "living_situation": recipient.living_situation,
        "cadence_days": recipient.cadence_days,
        "status": recipient.status,
    }


@transaction.atomic
def recipient_create(*, actor: User, data: RecipientData) -> CareRecipient:
    """Register a person in need at a village/community the actor administers; the phone is stored
    encrypted with a masked copy and linked to a known demand resident with the same phone."""
    org, values, phone = _clean_recipient(data, actor=actor)
    recipient = CareRecipient(created_by=actor, **values)
    _set_phone(recipient, phone)
    recipient.save()
    audit_record(actor=actor, action="create", target=recipient, org=org, after=_audit_values(recipient))
    return recipient


@transaction.atomic
def recipient_update(*, actor: User, recipient: CareRecipient, data: RecipientData) -> CareRecipient:
    """Change a person's details (administrators over both the old and the new node). A changed
    cadence override moves the next due date of their active pairings."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权修改该帮扶对象")
    _org, values, phone = _clean_recipient(data, actor=actor)
    before = _audit_values(recipient)
    old_cadence = (recipient.cadence_days, recipient.category)
    for name, value in values.items():
        setattr(recipient, name, value)
    if phone != recipient.phone:
        _set_phone(recipient, phone)
    recipient.save()
    after = _audit_values(recipient)
    if after != before:
        audit_record(actor=actor, action="update", target=recipient, org=recipient.org, before=before, after=after)
    if old_cadence != (recipient.cadence_days, recipient.category):
        _reschedule(CarePairing.objects.filter(recipient=recipient))
    return recipient


@transaction.atomic
def recipient_end(*, actor: User, recipient: CareRecipient, reason: str) -> CareRecipient:
    """End care for a person (moved away, passed away, no longer in need): their active pairings end too."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权修改该帮扶对象")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写结束帮扶的原因"})
    if recipient.status == RecipientStatus.ENDED:
        raise Conflict("该帮扶对象已结束帮扶")
    today = timezone.localdate()
    for pairing in CarePairing.objects.select_for_update(of=("self",)).filter(
        recipient=recipient, status=PairingStatus.ACTIVE
    ):
        _end_pairing(actor=actor, pairing=pairing, reason=f"帮扶结束：{reason}"[:200], on=today, org=recipient.org)
    recipient.status, recipient.ended_reason, recipient.ended_at = RecipientStatus.ENDED, reason[:200], timezone.now()
    recipient.save(update_fields=["status", "ended_reason", "ended_at", "updated_at"])
    audit_record(
        actor=actor, action="update", target=recipient, org=recipient.org, after={"status": "ended"}, reason=reason
    )
    return recipient


@transaction.atomic
def recipient_phone_reveal(*, actor: User, recipient: CareRecipient) -> str:
    """The full phone for administrators over the person and their active partners; audited."""
    if not can_log_care_visit(actor, recipient):
        raise PermissionDenied("您无权查看该联系电话")
    audit_record(actor=actor, action="view_sensitive", target=recipient, org=recipient.org, reason="联系电话")
    return recipient.phone


# ------------------------------------------------------------------------------------ consent and health


@transaction.atomic
def consent_record(
    *,
    actor: User,
    recipient: CareRecipient,
    given_by: str,
    giver_name: str,
    method: str,
    given_on: datetime.date | None,
    evidence: Any = None,
) -> CareConsent:
    """Record the separate consent to keep health data (administrators over the person). One consent is
    in force at a time; a scanned form is optional and checked by type and content."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权为该帮扶对象登记同意")
    errors: dict[str, str] = {}
    if given_by not in ConsentGiver.values:
        errors["given_by"] = "请选择同意人（本人或监护人）"
    giver_name = (giver_name or "").strip()
    if not giver_name:
        errors["giver_name"] = "请填写同意人姓名"
    elif len(giver_name) > 50:
        errors["giver_name"] = "同意人姓名不能超过50字"
    if method not in ConsentMethod.values:
        errors["method"] = "请选择同意方式（书面、口头或电子）"
    if given_on is None:
        errors["given_on"] = "请填写同意日期"
    elif given_on > timezone.localdate():
        errors["given_on"] = "同意日期不能晚于今天"
    if _has_file(evidence):
        errors.update(_file_errors(evidence, field="evidence"))
    if errors or given_on is None:
        raise ValidationFailed(errors)
    if CareConsent.objects.filter(recipient=recipient, withdrawn_at__isnull=True).exists():
        raise Conflict("该帮扶对象已有有效的单独同意，如需重新登记请先撤回")
    consent = CareConsent.objects.create(
        recipient=recipient,
        given_by=given_by,
        giver_name=giver_name,
        method=method,
        given_on=given_on,
        evidence=evidence if _has_file(evidence) else "",
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        target=consent,
        org=recipient.org,
        after={"recipient": recipient.pk, "given_by": given_by, "method": method, "given_on": str(given_on)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: CareConsent, reason: str = "") -> CareConsent:
    """Withdraw a consent: the health data kept under it is wiped in the same transaction (it cannot be
    read again; a new consent starts from an empty record)."""
    consent = CareConsent.objects.select_for_update(of=("self",)).select_related("recipient__org").get(pk=consent.pk)
    recipient = consent.recipient
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权撤回该同意")
    if consent.withdrawn_at is not None:
        raise Conflict("该同意已撤回")
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
    consent.withdraw_reason = (reason or "").strip()[:200]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    wiped = CareHealthRecord.objects.filter(recipient=recipient).delete()[0]
    audit_record(
        actor=actor,
        action="update",
        target=consent,
        org=recipient.org,
        after={"withdrawn": True, "health_record_wiped": bool(wiped)},
        reason=consent.withdraw_reason,
    )
    return consent


@dataclass
class HealthData:
    conditions: str = ""
    disability_type: str = ""
    disability_grade: int | None = None
    medication: str = ""
    care_notes: str = ""

    @property
    def disability_type_display(self) -> str:
        return str(dict(DisabilityType.choices).get(self.disability_type, ""))


def _clean_health(data: HealthData) -> HealthData:
    errors: dict[str, str] = {}
    for name, limit in (("conditions", 2000), ("medication", 1000), ("care_notes", 2000)):
        if len(getattr(data, name) or "") > limit:
            errors[name] = f"不能超过{limit}字"
    if data.disability_type not in DisabilityType.values:
        errors["disability_type"] = "残疾类别无效"
    if data.disability_grade is not None and not 1 <= data.disability_grade <= 4:
        errors["disability_grade"] = "残疾等级应为一至四级"
    if data.disability_grade is not None and not data.disability_type:
        errors["disability_grade"] = "填写残疾等级时请同时选择残疾类别"
    if errors:
        raise ValidationFailed(errors)
    return HealthData(
        conditions=(data.conditions or "").strip(),
        disability_type=data.disability_type,
        disability_grade=data.disability_grade,
        medication=(data.medication or "").strip(),
        care_notes=(data.care_notes or "").strip(),
    )


def active_consent(recipient: CareRecipient) -> CareConsent | None:
    return CareConsent.objects.filter(recipient=recipient, withdrawn_at__isnull=True).first()


@transaction.atomic
def health_save(*, actor: User, recipient: CareRecipient, data: HealthData) -> CareHealthRecord:
    """Write health and disability details (administrators over the person), encrypted at rest. Refused
    with ConsentRequired, writing nothing, unless a separate consent is in force. The audit row names
    the change, never the content."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权记录该帮扶对象的健康信息")
    consent = active_consent(recipient)
    if consent is None:
        raise ConsentRequired()
    cleaned = _clean_health(data)
    payload = encrypt(json.dumps(asdict(cleaned), ensure_ascii=False))
    record, created = CareHealthRecord.objects.update_or_create(
        recipient=recipient, defaults={"consent": consent, "data_encrypted": payload, "updated_by": actor}
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        target=record,
        org=recipient.org,
        after={"recipient": recipient.pk, "consent": consent.pk},
    )
    return record


@transaction.atomic
def health_reveal(*, actor: User, recipient: CareRecipient) -> HealthData | None:
    """Health data for the roles that need it (`care.access.can_view_care_health`), read under a consent in
    force only; each read writes a `view_sensitive` audit row. None when nothing is kept."""
    if not can_view_care_health(actor, recipient):
        raise PermissionDenied("您无权查看该帮扶对象的健康信息")
    record = (
        CareHealthRecord.objects.filter(recipient=recipient, consent__withdrawn_at__isnull=True)
        .only("data_encrypted")
        .first()
    )
    if record is None or not record.data_encrypted:
        return None
    audit_record(actor=actor, action="view_sensitive", target=recipient, org=recipient.org, reason="健康信息")
    raw = decrypt(record.data_encrypted)
    return HealthData(**json.loads(raw)) if raw else None


# ---------------------------------------------------------------------------------------------- pairings


def _first_due(*, recipient: CareRecipient, start: datetime.date, table: dict[str, int] | None = None) -> datetime.date:
    return start + datetime.timedelta(days=cadence_days_for(recipient, table=table))


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    recipient: CareRecipient,
    volunteer: Volunteer | None = None,
    team: Team | None = None,
    started_on: datetime.date | None = None,
) -> CarePairing:
    """Pair a person with one volunteer or one team (call again for one-to-N). Administrators over the
    person pair people and teams of their own subtree; the first visit falls due one cadence after the
    start."""
    from redvest.volunteers.models import VolunteerStatus

    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权为该帮扶对象安排结对")
    if recipient.status != RecipientStatus.ACTIVE:
        raise Conflict("该帮扶对象已结束帮扶，不能再结对")
    if (volunteer is None) == (team is None):
        raise ValidationFailed({"volunteer": "请选择一名志愿者或一支服务队（二选一）"})
    partner_field = "volunteer" if volunteer is not None else "team"
    partner: Any = volunteer if volunteer is not None else team
    if not can_administer(actor, partner.org):
        raise PermissionDenied("所选志愿者或服务队不在您的管理范围内", field=partner_field)
    if volunteer is not None and volunteer.status != VolunteerStatus.REGISTERED:
        raise ValidationFailed({"volunteer": "只能与已注册的志愿者结对"})
    if team is not None and not team.is_active:
        raise ValidationFailed({"team": "该服务队已停用"})
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today + datetime.timedelta(days=30):
        raise ValidationFailed({"started_on": "结对日期不能晚于30天后"})
    if CarePairing.objects.filter(
        recipient=recipient, status=PairingStatus.ACTIVE, **{partner_field: partner}
    ).exists():
        raise Conflict("已与该志愿者或服务队结对", field=partner_field)
    pairing = CarePairing(
        recipient=recipient,
        volunteer=volunteer,
        team=team,
        started_on=started_on,
        next_visit_due=_first_due(recipient=recipient, start=started_on),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise Conflict("已与该志愿者或服务队结对", field=partner_field) from None
    audit_record(
        actor=actor,
        action="create",
        target=pairing,
        org=recipient.org,
        after={"recipient": recipient.pk, partner_field: partner.pk, "started_on": str(started_on)},
    )
    return pairing


def _end_pairing(*, actor: User, pairing: CarePairing, reason: str, on: datetime.date, org: OrgNode) -> None:
    pairing.status, pairing.ended_on, pairing.ended_reason = PairingStatus.ENDED, max(on, pairing.started_on), reason
    pairing.save(update_fields=["status", "ended_on", "ended_reason"])
    audit_record(actor=actor, action="update", target=pairing, org=org, after={"status": "ended"}, reason=reason)


@transaction.atomic
def pairing_end(*, actor: User, pairing: CarePairing, reason: str) -> CarePairing:
    """End a pairing with a reason (administrators over the person); its visits stay."""
    pairing = CarePairing.objects.select_for_update(of=("self",)).select_related("recipient__org").get(pk=pairing.pk)
    org = pairing.recipient.org
    if not can_administer(actor, org):
        raise PermissionDenied("您无权解除该结对")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写解除结对的原因"})
    if len(reason) > 200:
        raise ValidationFailed({"reason": "原因不能超过200字"})
    if pairing.status != PairingStatus.ACTIVE:
        raise Conflict("该结对已解除")
    _end_pairing(actor=actor, pairing=pairing, reason=reason, on=timezone.localdate(), org=org)
    return pairing


def _reschedule(pairings: Any) -> int:
    """Recompute the next due date of active pairings from their last visit (or start) and the cadence
    now in force."""
    table = cadence_table()
    rows = list(
        pairings.filter(status=PairingStatus.ACTIVE)
        .select_related("recipient")
        .only("id", "started_on", "last_visited_on", "next_visit_due", "recipient__category", "recipient__cadence_days")
    )
    for pairing in rows:
        base = pairing.last_visited_on or pairing.started_on
        pairing.next_visit_due = base + datetime.timedelta(days=cadence_days_for(pairing.recipient, table=table))
    CarePairing.objects.bulk_update(rows, ["next_visit_due"], batch_size=500)
    return len(rows)


@transaction.atomic
def cadence_set(*, actor: User, category: str, days: int) -> VisitCadence:
    """Change how often a category is visited; active pairings without a personal override move their
    next due date accordingly."""
    if not may_set_cadence(actor):
        raise PermissionDenied("只有县级管理员可以修改走访周期")
    if category not in CareCategory.values:
        raise ValidationFailed({"category": "帮扶类别无效"})
    if not isinstance(days, int) or not 1 <= days <= 366:
        raise ValidationFailed({"days": "走访周期应在1到366天之间"})
    cadence = VisitCadence.objects.select_for_update(of=("self",)).filter(category=category).first()
    before = cadence.days if cadence is not None else None
    if cadence is None:
        cadence = VisitCadence.objects.create(category=category, days=days, updated_by=actor)
    elif cadence.days != days:
        cadence.days, cadence.updated_by = days, actor
        cadence.save(update_fields=["days", "updated_by", "updated_at"])
    else:
        return cadence
    _reschedule(CarePairing.objects.filter(recipient__category=category, recipient__cadence_days__isnull=True))
    audit_record(actor=actor, action="update", target=cadence, before={"days": before}, after={"days": days})
    return cadence


# ------------------------------------------------------------------------------------------------ visits


@dataclass
class VisitData:
    visited_on: datetime.date | None
    form: str = VisitForm.HOME
    duration_minutes: int = 0
    notes: str = ""
    need_found: str = ""
    need_item_code: str = ""
    create_request: bool = False
    pairing_id: int | None = None
    photo: Any = None


def _has_file(upload: Any) -> bool:
    return upload is not None and bool(getattr(upload, "name", ""))


def _file_errors(upload: Any, *, field: str) -> dict[str, str]:
    from redvest.records.services.grants import evidence_check

    try:
        evidence_check(upload)
    except DomainError as exc:
        return {field: exc.message.replace("佐证材料", "文件")}
    return {}


def _clean_visit(data: VisitData) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.visited_on is None:
        errors["visited_on"] = "请填写走访日期"
    elif data.visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    elif data.visited_on < today - datetime.timedelta(days=60):
        errors["visited_on"] = "只能补记60天内的走访"
    if data.form not in VisitForm.values:
        errors["form"] = "请选择走访形式"
    if not isinstance(data.duration_minutes, int) or not 0 <= data.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "时长应在0到1440分钟之间"
    if len(data.notes or "") > 4000:
        errors["notes"] = "走访情况不能超过4000字"
    if len(data.need_found or "") > 2000:
        errors["need_found"] = "发现的需求不能超过2000字"
    if data.create_request:
        if not (data.need_found or "").strip():
            errors["need_found"] = "转为需求工单时请填写发现的需求"
        if not (data.need_item_code or "").strip():
            errors["need_item_code"] = "转为需求工单时请选择服务项目"
    if _has_file(data.photo):
        errors.update(_file_errors(data.photo, field="photo"))
    return errors


def _pairing_for_visit(*, actor: User, recipient: CareRecipient, pairing_id: int | None) -> CarePairing | None:
    """The pairing a visit counts for: the one chosen, else the actor's own active pairing with the person.
    Administrators may log a visit outside any pairing."""
    active = CarePairing.objects.select_for_update(of=("self",)).filter(
        recipient=recipient, status=PairingStatus.ACTIVE
    )
    if pairing_id is not None:
        pairing = active.filter(pk=pairing_id).first()
        if pairing is None:
            raise ValidationFailed({"pairing": "所选结对不存在或已解除"})
        if not can_administer(actor, recipient.org) and pairing.pk not in _my_pairing_ids(actor, recipient):
            raise PermissionDenied("只能为自己的结对记录走访", field="pairing")
        return pairing
    mine = _my_pairing_ids(actor, recipient)
    return active.filter(pk__in=mine).order_by("next_visit_due", "id").first() if mine else None


def _my_pairing_ids(actor: User, recipient: CareRecipient) -> list[int]:
    volunteers = [g.volunteer_id for g in grants_for(actor) if g.role == Role.VOLUNTEER and g.volunteer_id]
    teams = [g.team_id for g in grants_for(actor) if g.role in {Role.TEAM_LEADER, Role.TEAM_LIAISON} and g.team_id]
    if not volunteers and not teams:
        return []
    return list(
        CarePairing.objects.filter(
            Q(volunteer_id__in=volunteers) | Q(team_id__in=teams), recipient=recipient, status=PairingStatus.ACTIVE
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def visit_log(*, actor: User, recipient: CareRecipient, data: VisitData, now: datetime.datetime) -> CareVisit:
    """Log a visit (the person's active partners, or administrators over them). The visit meets its
    pairing's due date and sets the next one from the cadence; a need found can become a demand request
    in the same transaction (refused as a whole, writing nothing, when the request is invalid)."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_log_care_visit(actor, recipient):
        raise PermissionDenied("您不是该帮扶对象的结对志愿者，不能记录走访")
    if recipient.status != RecipientStatus.ACTIVE:
        raise Conflict("该帮扶对象已结束帮扶")
    errors = _clean_visit(data)
    if errors:
        raise ValidationFailed(errors)
    assert data.visited_on is not None  # checked above
    pairing = _pairing_for_visit(actor=actor, recipient=recipient, pairing_id=data.pairing_id)
    visit = CareVisit(
        recipient=recipient,
        pairing=pairing,
        visited_on=data.visited_on,
        form=data.form,
        duration_minutes=data.duration_minutes,
        notes=(data.notes or "").strip(),
        need_found=(data.need_found or "").strip(),
        need_item_code=(data.need_item_code or "").strip(),
        due_on=pairing.next_visit_due if pairing is not None else None,
        visitor=actor,
    )
    if _has_file(data.photo):
        visit.photo = data.photo
    if data.create_request:
        visit.request = _request_for_need(actor=actor, recipient=recipient, visit=visit, now=now)
    visit.save()
    if pairing is not None:
        last = max(pairing.last_visited_on or data.visited_on, data.visited_on)
        pairing.last_visited_on = last
        pairing.next_visit_due = last + datetime.timedelta(days=cadence_days_for(recipient))
        pairing.save(update_fields=["last_visited_on", "next_visit_due"])
    audit_record(
        actor=actor,
        action="create",
        target=visit,
        org=recipient.org,
        after={
            "recipient": recipient.pk,
            "pairing": getattr(pairing, "pk", None),
            "visited_on": str(data.visited_on),
            "request": getattr(visit.request, "number", None),
        },
    )
    return visit


# Demand's field names on the visit form.
_NEED_FIELDS = {"item": "need_item_code", "description": "need_found", "address": "need_found"}


def _request_for_need(*, actor: User, recipient: CareRecipient, visit: CareVisit, now: datetime.datetime) -> Any:
    """A need found becomes a demand request through demand's own intake, in the visit's transaction.
    Administrators register it as a walk-in with the person as the caller; a volunteer files it through
    the web channel (demand's web intake makes the submitter the contact), naming the person and address
    in the description."""
    from redvest.demand.models import RequestChannel
    from redvest.demand.services import RequestData, request_create

    walk_in = may_take_requests(actor, RequestChannel.WALK_IN) and bool(recipient.phone)
    description = visit.need_found
    if not walk_in:
        description = f"{description}\n（结对帮扶走访发现，帮扶对象：{recipient.name}，{recipient.address or recipient.org.name}）"
    data = RequestData(
        item_code=visit.need_item_code,
        description=description,
        address=recipient.address or recipient.org.name,
        area_id=recipient.org_id,
        caller_name=recipient.name if walk_in else "",
        caller_phone=recipient.phone if walk_in else "",
    )
    channel = RequestChannel.WALK_IN if walk_in else RequestChannel.WEB
    try:
        return request_create(actor=actor, channel=channel, data=data, now=now).request
    except ValidationFailed as exc:
        raise ValidationFailed({_NEED_FIELDS.get(k, k): v for k, v in exc.errors.items()}) from None
    except DomainError as exc:
        raise ValidationFailed({_NEED_FIELDS.get(exc.field or "", "need_item_code"): exc.message}) from None


# --------------------------------------------------------------------------------------------- reminders


@dataclass(frozen=True)
class RemindResult:
    upcoming: int
    overdue: int
    notified: int


def _partner_users(pairing: CarePairing) -> list[User]:
    if pairing.volunteer is not None:
        return [pairing.volunteer.user] if pairing.volunteer.user is not None else []
    team = pairing.team
    if team is None:
        return []
    people = [p for p in (team.leader, team.liaison) if p is not None]
    return [p.user for p in people if p.user is not None]


def _org_admins_over(path: str, cache: dict[str, list[User]]) -> list[User]:
    from redvest.orgs.selectors import ancestors_paths

    if path not in cache:
        cache[path] = [
            a.user
            for a in RoleAssignment.objects.filter(
                role=Role.ORG_ADMIN, org__path__in=ancestors_paths(path), user__is_active=True
            ).select_related("user")
        ]
    return cache[path]


MAX_LINES = 10


def _summary(lines: list[str]) -> str:
    shown = "；".join(lines[:MAX_LINES])
    return shown if len(lines) <= MAX_LINES else f"{shown}；等{len(lines)}人"


@transaction.atomic
def care_remind(*, today: datetime.date, lead_days: int = DEFAULT_REMIND_LEAD_DAYS) -> RemindResult:
    """Daily: tell the partners of each active pairing `lead_days` ahead of a due date, and the partners
    plus the org admins over the person once it has passed. One reminder per pairing, due date and kind,
    recorded in CareReminder, so running twice (or catching up after a missed day) sends nothing twice.
    Each person gets one notification per run (their pairings listed; an admin gets the overdue count).
    The due pairings are locked first, so a concurrent run waits and then finds them already sent."""
    now = timezone.now()
    horizon = today + datetime.timedelta(days=max(0, lead_days))
    candidates = list(
        CarePairing.objects.select_for_update(of=("self",))
        .filter(status=PairingStatus.ACTIVE, recipient__status=RecipientStatus.ACTIVE, next_visit_due__lte=horizon)
        .select_related("recipient__org", "volunteer__user", "team__leader__user", "team__liaison__user")
        .order_by("id")
    )
    sent = set(
        CareReminder.objects.filter(
            pairing__status=PairingStatus.ACTIVE,
            pairing__next_visit_due__lte=horizon,
            due_on=F("pairing__next_visit_due"),
        ).values_list("pairing_id", "due_on", "kind")
    )
    admins: dict[str, list[User]] = {}
    partners: dict[int, tuple[User, list[str], list[str]]] = {}  # user -> (upcoming lines, overdue lines)
    admin_overdue: dict[int, tuple[User, int]] = {}
    reminders: list[CareReminder] = []
    for pairing in candidates:
        due = pairing.next_visit_due
        assert due is not None  # filtered on next_visit_due
        kind = ReminderKind.OVERDUE if due < today else ReminderKind.UPCOMING
        if (pairing.pk, due, kind) in sent:
            continue
        recipient = pairing.recipient
        users = [u for u in _partner_users(pairing) if u.is_active]
        for user in users:
            upcoming_lines, overdue_lines = partners.setdefault(user.pk, (user, [], []))[1:]
            if kind == ReminderKind.OVERDUE:
                overdue_lines.append(f"{recipient.name}（应于{due:%m-%d}前，已逾期{(today - due).days}天）")
            else:
                upcoming_lines.append(f"{recipient.name}（{due:%m-%d}前）")
        notified = len(users)
        if kind == ReminderKind.OVERDUE:
            for admin in _org_admins_over(recipient.org.path, admins):
                admin_overdue[admin.pk] = (admin, admin_overdue.get(admin.pk, (admin, 0))[1] + 1)
                notified += 1
        reminders.append(CareReminder(pairing=pairing, due_on=due, kind=kind, sent_at=now, notified=notified))
    CareReminder.objects.bulk_create(reminders, batch_size=1000)
    mine = reverse("care:my-pairings")
    for user, upcoming_lines, overdue_lines in partners.values():
        parts = []
        if overdue_lines:
            parts.append(f"走访已逾期：{_summary(overdue_lines)}。")
        if upcoming_lines:
            parts.append(f"走访即将到期：{_summary(upcoming_lines)}。")
        count = len(upcoming_lines) + len(overdue_lines)
        title = (
            ("走访已逾期：" if overdue_lines else "走访即将到期：")
            + (overdue_lines or upcoming_lines)[0].split("（")[0]
            if count == 1
            else f"{count}位结对对象需要走访"
        )
        notification_send(recipients=[user], title=title, body="".join(parts), url=mine)
    overdue_url = reverse("care:overdue")
    for admin, count in admin_overdue.values():
        notification_send(
            recipients=[admin],
            title=f"结对走访逾期：新增{count}位",
            body=f"您管理范围内有{count}位帮扶对象的走访新近逾期，请督促结对志愿者或服务队尽快走访。",
            url=overdue_url,
        )
    overdue = sum(r.kind == ReminderKind.OVERDUE for r in reminders)
    return RemindResult(upcoming=len(reminders) - overdue, overdue=overdue, notified=len(partners) + len(admin_overdue))
