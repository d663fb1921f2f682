"""Personal data (个人信息保护法): consents at registration, the 注销申请 and the erasure that confirms it.

Retention rule (docs/architecture.md, "Personal data"): on a confirmed deregistration the name is masked,
the birth date kept to its year, and ID number, phones, residence, work unit, skills, availability and
guardian details are erased; the volunteer number, org, gender, political status and every history row
(memberships, service records, points entries, status changes, consents, audit) stay.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import User
from redvest.accounts.selectors import admins_over
from redvest.accounts.services import user_erase_personal
from redvest.audit.services import audit_record
from redvest.core.crypto import mask_name
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.services import notification_send
from redvest.volunteers.models import (
    DeregistrationRequest,
    DeregistrationStatus,
    PersonalDataConsent,
    Volunteer,
    VolunteerStatus,
)
from redvest.volunteers.services.registry import volunteer_set_status

ERASED_FIELDS = "姓名（遮盖）、出生日期（仅留年份）、证件号码、手机号、居住地区、工作单位、服务技能、特长、服务岗位、可服务时间、监护人信息、登录账号"


def _org_admins(volunteer: Volunteer) -> list[User]:
    return admins_over(volunteer.org)


@transaction.atomic
def deregistration_request(*, actor: User, volunteer: Volunteer, reason: str = "") -> DeregistrationRequest:
    """A volunteer asks to deregister their own record; the org's administrators are notified to confirm.
    Raises PermissionDenied (not their own), Conflict (already deregistered or a request pending)."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org").get(pk=volunteer.pk)
    if volunteer.user_id is None or volunteer.user_id != actor.pk:
        raise PermissionDenied("只能申请注销本人的志愿者身份")
    if volunteer.status == VolunteerStatus.DEREGISTERED:
        raise Conflict("您的志愿者身份已注销", code="already_deregistered")
    reason = reason.strip()
    if len(reason) > 200:
        raise ValidationFailed({"reason": "原因不能超过200个字"})
    try:
        with transaction.atomic():
            request = DeregistrationRequest.objects.create(volunteer=volunteer, reason=reason)
    except IntegrityError as exc:
        raise Conflict("已有待确认的注销申请，请等待组织审核", code="deregistration_pending") from exc
    audit_record(
        actor=actor, action="create", target=request, org=volunteer.org, after={"status": request.status}, reason=reason
    )
    notification_send(
        recipients=_org_admins(volunteer),
        title="志愿者注销申请待确认",
        body=f"{volunteer.name}（{volunteer.number}）申请注销志愿者身份。",
        url=reverse("volunteers:volunteer-detail", args=[volunteer.pk]),
    )
    return request


@transaction.atomic
def deregistration_decide(
    *, actor: User, request: DeregistrationRequest, approve: bool, note: str = ""
) -> DeregistrationRequest:
    """An administrator over the volunteer's org confirms (status 注销, personal fields erased, login closed)
    or declines with a note. Raises PermissionDenied, ValidationFailed or Conflict (already decided)."""
    request = DeregistrationRequest.objects.select_for_update().get(pk=request.pk)
    volunteer = Volunteer.objects.select_related("org").get(pk=request.volunteer_id)
    if not (policy.can(actor, "change", volunteer) and policy.can_manage_under(actor, volunteer.org)):
        raise PermissionDenied("只有所属组织的管理员可以处理注销申请")
    if request.status != DeregistrationStatus.PENDING:
        raise Conflict("该注销申请已处理", code="deregistration_decided")
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed({"note": "不同意注销须填写处理意见"})
    if len(note) > 200:
        raise ValidationFailed({"note": "处理意见不能超过200个字"})
    before = {"status": request.status}
    request.status = DeregistrationStatus.CONFIRMED if approve else DeregistrationStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor, action="update", target=request, org=volunteer.org, before=before, after={"status": request.status}
    )
    if approve:
        if volunteer.status != VolunteerStatus.DEREGISTERED:
            volunteer_set_status(
                actor=actor, volunteer=volunteer, status=VolunteerStatus.DEREGISTERED, reason="本人申请注销"
            )
        volunteer_erase_personal(actor=actor, volunteer=volunteer)
    elif volunteer.user is not None:
        notification_send(
            recipients=[volunteer.user],
            title="您的注销申请未获同意",
            body=note,
            url=reverse("volunteers:volunteer-detail", args=[volunteer.pk]),
        )
    return request


def volunteer_erase_personal(*, actor: User, volunteer: Volunteer) -> Volunteer:
    """The retention rule (module docstring): erase the personal fields of a deregistered volunteer, withdraw
    their consents and close their login. Call inside the deregistration's transaction."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "user").get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.DEREGISTERED:
        raise Conflict("只有已注销的志愿者才能删除个人信息", code="not_deregistered")
    masked = mask_name(volunteer.name)
    volunteer.name = masked
    volunteer.birth_date = datetime.date(volunteer.birth_date.year, 1, 1)
    volunteer.id_number_encrypted = ""
    volunteer.id_number_hash = f"erased:{volunteer.pk}"  # unique, and matches no real number's hash
    volunteer.id_number_masked = "已删除"
    volunteer.phone_encrypted = volunteer.phone_hash = volunteer.phone_masked = ""
    for name in ("residence_area", "work_unit", "specialties", "service_post", "availability"):
        setattr(volunteer, name, "")
    volunteer.skills = []
    volunteer.guardian_name = volunteer.guardian_phone_encrypted = volunteer.guardian_note = ""
    volunteer.guardian_consent_date = None
    volunteer.save()
    PersonalDataConsent.objects.filter(volunteer=volunteer, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if volunteer.user is not None:
        user_erase_personal(user=volunteer.user, masked_name=masked)
    audit_record(
        actor=actor,
        action="update",
        target=volunteer,
        org=volunteer.org,
        after={"personal_data": f"已删除：{ERASED_FIELDS}"},
        reason="注销后按保留规则删除个人信息",
    )
    return volunteer
