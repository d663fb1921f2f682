"""Writes on the volunteer ledger: registration, edits, status changes, and audited full views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import User
from redvest.accounts.selectors import admins_over
from redvest.accounts.services import user_create
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.crypto import decrypt, mask_name
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.services import notification_send
from redvest.core.validators import normalize_phone
from redvest.orgs.models import OrgNode
from redvest.volunteers import hooks
from redvest.volunteers.errors import ConsentMissing
from redvest.volunteers.models import IdType, RecruitmentSource, Volunteer, VolunteerStatus, VolunteerStatusChange
from redvest.volunteers.services.consents import ConsentChoices, consent_errors, consents_record
from redvest.volunteers.services.numbers import area_code_for, number_block_issue
from redvest.volunteers.services.validation import VolunteerData, volunteer_clean

# Which status may follow which: 待审核 → 已注册 → 暂停/注销, 暂停 → 已注册; 注销 is final.
STATUS_FLOW: dict[str, frozenset[str]] = {
    VolunteerStatus.PENDING: frozenset({VolunteerStatus.REGISTERED, VolunteerStatus.DEREGISTERED}),
    VolunteerStatus.REGISTERED: frozenset({VolunteerStatus.SUSPENDED, VolunteerStatus.DEREGISTERED}),
    VolunteerStatus.SUSPENDED: frozenset({VolunteerStatus.REGISTERED, VolunteerStatus.DEREGISTERED}),
    VolunteerStatus.DEREGISTERED: frozenset(),
}
REASON_REQUIRED = frozenset({VolunteerStatus.SUSPENDED, VolunteerStatus.DEREGISTERED})


@dataclass(frozen=True)
class SensitiveInfo:
    id_number: str
    phone: str
    guardian_phone: str


TRANSFER_HINT = "；如本人已调动到新组织，请办理“转移接续”（本人在“我的”页面或原组织管理员申请，转入组织管理员在“转移接续”中接收），志愿者编号和服务记录随人转移"


def duplicate_message(*, id_type: str, org_name: str, elsewhere: bool = False) -> str:
    """Names the org of the existing record, masked: 该身份证号已在 雉**道 登记. When that record lies outside
    the org being registered into (found by the keyed ID hash), the message points to 转移接续."""
    noun = "身份证号" if id_type == IdType.RESIDENT_ID else "证件号码"
    return f"该{noun}已在 {mask_name(org_name)} 登记，一人只能登记一次" + (TRANSFER_HINT if elsewhere else "")


def _duplicate_error(
    values: dict[str, Any], *, org: OrgNode | None = None, exclude_pk: int | None = None
) -> str | None:
    existing = Volunteer.objects.filter(id_number_hash=values["id_number_hash"]).select_related("org")
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    found = existing.only("id", "org__name", "org__path").first()
    if found is None:
        return None
    elsewhere = org is not None and not found.org.path.startswith(org.path)
    return duplicate_message(id_type=values["id_type"], org_name=found.org.name, elsewhere=elsewhere)


def _team_error(*, actor: User | None, org: OrgNode | None, team: Any) -> str | None:
    """A volunteer's organisational team lies in the org's subtree, or within what the actor manages."""
    if team is None:
        return "请选择组织关系所在的服务队"
    if not team.is_active:
        return "该服务队已撤销，不能加入"
    if org is None:
        return None
    if team.org.path.startswith(org.path):
        return None
    if actor is not None and policy.can(actor, "change", team):
        return None
    return "服务队须属于所选组织或您管理的范围"


def _account_errors(
    *, values: dict[str, Any], phone: str, password: str, password_confirm: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not password:
        errors["password"] = "请设置登录密码"
    else:
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            errors["password"] = "；".join(str(m) for m in exc.messages)
    if password_confirm is not None and password != password_confirm:
        errors["password_confirm"] = "两次输入的密码不一致"
    if "phone_hash" in values and (
        User.objects.filter(phone_hash=values["phone_hash"]).exists() or User.objects.filter(username=phone).exists()
    ):
        errors["phone"] = "该手机号已注册登录账号，请直接登录"
    return errors


def _create(
    *,
    actor: User | None,
    org: OrgNode | None,
    team: Any,
    data: VolunteerData,
    status: str,
    password: str | None,
    password_confirm: str | None = None,
    consent_problems: dict[str, str] | None = None,
) -> Volunteer:
    values, errors = volunteer_clean(data, today=timezone.localdate())
    phone = normalize_phone(data.phone)
    if org is None:
        errors["org"] = "请选择所属组织"
    if (team_message := _team_error(actor=actor, org=org, team=team)) is not None:
        errors["team"] = team_message
    if data.recruitment_source == RecruitmentSource.UNRECORDED:
        errors["recruitment_source"] = "请选择招募来源：组织推荐、群众推荐或个人自荐"
    if values and "id_number" not in errors and (dup := _duplicate_error(values, org=org)):
        errors["id_number"] = dup
    if password is not None:
        errors.update(_account_errors(values=values, phone=phone, password=password, password_confirm=password_confirm))
    if consent_problems:
        raise ConsentMissing({**errors, **consent_problems})
    if errors or org is None or team is None:
        raise ValidationFailed(errors)
    user = None
    if password is not None:
        user = user_create(username=phone, password=password, name=values["name"], phone=phone)
    volunteer = Volunteer(org=org, user=user, status=status, number=number_block_issue(area_code=area_code_for(org))[0])
    for key, value in values.items():
        setattr(volunteer, key, value)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:  # a concurrent registration of the same ID won the race
        raise ValidationFailed({"id_number": "该证件号码已登记，一人只能登记一次" + TRANSFER_HINT}) from exc
    hooks.volunteer_registered(actor, volunteer, team)  # teams: the organisational team, in this transaction
    if status == VolunteerStatus.REGISTERED:
        VolunteerStatusChange.objects.create(
            volunteer=volunteer, from_status=VolunteerStatus.PENDING, to_status=status, reason="管理员登记", actor=actor
        )
    audit_record(actor=actor, action="create", target=volunteer, org=org, after=snapshot(volunteer))
    return volunteer


@transaction.atomic
def volunteer_register(
    *, actor: User, org: OrgNode | None, team: Any, data: VolunteerData, password: str | None = None
) -> Volunteer:
    """An administrator registers a person (status 已注册); raises PermissionDenied or ValidationFailed
    with every field error. With `password` a login account (username = phone) is created too."""
    if org is not None and not policy.can_manage_under(actor, org):
        raise PermissionDenied("您无权在该组织下登记志愿者")
    return _create(actor=actor, org=org, team=team, data=data, status=VolunteerStatus.REGISTERED, password=password)


@transaction.atomic
def volunteer_transfer_in(*, actor: User, org: OrgNode, data: VolunteerData, number: str, source: str) -> Volunteer:
    """A person moving in from another deployment (转移接续, through the data exchange): registered at `org`
    without a team, keeping their volunteer number when it is free here (else a new one is issued);
    raises PermissionDenied, or ValidationFailed with every field error (an ID number already registered
    is an `id_number` error: the caller treats that person as a duplicate, not a new volunteer)."""
    if not policy.can_manage_under(actor, org):
        raise PermissionDenied("您无权在该组织下登记志愿者")
    values, errors = volunteer_clean(data, today=timezone.localdate())
    if values and (dup := _duplicate_error(values)):
        errors["id_number"] = dup
    if errors:
        raise ValidationFailed(errors)
    number = number.strip()
    if not number or len(number) > 20 or Volunteer.objects.filter(number=number).exists():
        number = number_block_issue(area_code=area_code_for(org))[0]
    volunteer = Volunteer(org=org, status=VolunteerStatus.REGISTERED, number=number, **values)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:  # a concurrent registration of the same ID or number won the race
        raise ValidationFailed({"id_number": "该证件号码已登记，一人只能登记一次"}) from exc
    VolunteerStatusChange.objects.create(
        volunteer=volunteer,
        from_status=VolunteerStatus.PENDING,
        to_status=VolunteerStatus.REGISTERED,
        reason=f"转移接续：{source}"[:200],
        actor=actor,
    )
    audit_record(
        actor=actor, action="create", target=volunteer, org=org, after=snapshot(volunteer), reason="转移接续转入"
    )
    return volunteer


@transaction.atomic
def volunteer_self_register(
    *,
    team: Any,
    data: VolunteerData,
    password: str,
    password_confirm: str,
    consents: ConsentChoices,
) -> Volunteer:
    """Public self-registration: a pending volunteer (待审核) under the team's org, plus a login account and
    the consents given (processing and sensitive data always, the guardian's under 18); the org's
    administrators are notified to approve. Raises ValidationFailed with every field error, ConsentMissing
    (422) when a required consent is not given."""
    org = team.org if team is not None else None
    volunteer = _create(
        actor=None,
        org=org,
        team=team,
        data=data,
        status=VolunteerStatus.PENDING,
        password=password,
        password_confirm=password_confirm,
        consent_problems=consent_errors(choices=consents, data=data, today=timezone.localdate()),
    )
    consents_record(volunteer=volunteer, choices=consents)
    notification_send(
        recipients=admins_over(volunteer.org),
        title="新志愿者注册待审核",
        body=f"{volunteer.name}（{volunteer.number}）申请注册，请审核。",
        url=reverse("volunteers:volunteer-detail", args=[volunteer.pk]),
    )
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, data: VolunteerData, reason: str = "") -> Volunteer:
    """Re-validate and save an edit, auditing before and after; raises PermissionDenied or ValidationFailed."""
    policy.require(actor, "change", volunteer)
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org").get(pk=volunteer.pk)
    values, errors = volunteer_clean(data, today=timezone.localdate())
    if values and (dup := _duplicate_error(values, exclude_pk=volunteer.pk)):
        errors["id_number"] = dup
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(volunteer)
    guardian_changed = decrypt(volunteer.guardian_phone_encrypted) != decrypt(values["guardian_phone_encrypted"])
    for key, value in values.items():
        if key.endswith("_encrypted") and decrypt(getattr(volunteer, key)) == decrypt(value):
            continue  # unchanged secret: keep the stored token so the audit shows no change
        setattr(volunteer, key, value)
    volunteer.save()
    changed_before, changed_after = diff(before, snapshot(volunteer))
    if guardian_changed:  # encrypted columns stay out of snapshots; say that it changed, not what to
        changed_before["guardian_phone"], changed_after["guardian_phone"] = "（已加密）", "（已修改）"
    if changed_after:
        audit_record(
            actor=actor,
            action="update",
            target=volunteer,
            org=volunteer.org,
            before=changed_before,
            after=changed_after,
            reason=reason,
        )
    return volunteer


STATUS_NOTICES: dict[str, str] = {
    VolunteerStatus.REGISTERED: "您的志愿者注册已审核通过",
    VolunteerStatus.SUSPENDED: "您的志愿者身份已暂停",
    VolunteerStatus.DEREGISTERED: "您的志愿者身份已注销",
}


@transaction.atomic
def volunteer_set_status(*, actor: User, volunteer: Volunteer, status: str, reason: str = "") -> Volunteer:
    """Move along 待审核 → 已注册 → 暂停/注销 (暂停 → 已注册), keeping history; suspending and deregistering
    need a reason. Only administrators over the record's org may do it (a volunteer may edit their own record
    but not approve it). Raises PermissionDenied, ValidationFailed or Conflict (a move the flow does not allow)."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "user").get(pk=volunteer.pk)
    if not (policy.can(actor, "change", volunteer) and policy.can_manage_under(actor, volunteer.org)):
        raise PermissionDenied("只有所属组织的管理员可以审核或变更志愿者状态")
    reason = reason.strip()
    if status not in VolunteerStatus.values:
        raise ValidationFailed({"status": "状态无效"})
    if status in REASON_REQUIRED and not reason:
        raise ValidationFailed({"reason": "暂停或注销须填写原因"})
    if len(reason) > 200:
        raise ValidationFailed({"reason": "原因不能超过200个字"})
    current = volunteer.status
    if status not in STATUS_FLOW[current]:
        labels = dict(VolunteerStatus.choices)
        raise Conflict(f"不能从“{labels[current]}”改为“{labels[status]}”", code="invalid_status_change")
    volunteer.status = status
    volunteer.save(update_fields=["status", "updated_at"])
    if status == VolunteerStatus.DEREGISTERED:
        # Leaving the ledger ends every team membership (history kept); led teams get their successor.
        hooks.volunteer_deregistered(actor, volunteer, reason)
    VolunteerStatusChange.objects.create(
        volunteer=volunteer, from_status=current, to_status=status, reason=reason, actor=actor
    )
    audit_record(
        actor=actor,
        action="update",
        target=volunteer,
        org=volunteer.org,
        before={"status": current},
        after={"status": status},
        reason=reason,
    )
    if volunteer.user is not None:
        notification_send(
            recipients=[volunteer.user],
            title=STATUS_NOTICES[status],
            body=reason,
            url=reverse("volunteers:volunteer-detail", args=[volunteer.pk]),
        )
    return volunteer


@transaction.atomic
def volunteer_reveal(*, actor: User, volunteer: Volunteer) -> SensitiveInfo:
    """Full ID number and phones, only for roles the policy allows; every view writes a view_sensitive audit row."""
    if not policy.can_view_sensitive(actor, volunteer):
        raise PermissionDenied("您无权查看完整的证件号码和手机号")
    audit_record(
        actor=actor, action="view_sensitive", target=volunteer, org=volunteer.org, reason="查看完整证件号码和手机号"
    )
    return SensitiveInfo(
        id_number=decrypt(volunteer.id_number_encrypted),
        phone=decrypt(volunteer.phone_encrypted),
        guardian_phone=decrypt(volunteer.guardian_phone_encrypted),
    )
