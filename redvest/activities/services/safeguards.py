"""志愿服务安全保障 (志愿服务条例): accident insurance for activities marked risky, service agreements where the
rules require them, and a guardian's consent for each activity a minor joins.

The rules (`signup_safeguard_gaps`, `insured_for`) are read by the sign-up and attendance services: approval
refuses a sign-up with a gap, and check-in at a risky activity refuses a volunteer no policy covers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.policy import require
from redvest.activities.conf import GUARDIAN_LINK_MAX_AGE
from redvest.activities.errors import (
    ConsentLinkInvalid,
    GuardianPhoneMissing,
    NotInsured,
    NotMinor,
    SafeguardInvalid,
    SignUpStateInvalid,
)
from redvest.activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Activity,
    AgreementAcceptance,
    GuardianConsent,
    GuardianConsentMethod,
    InsurancePolicy,
    SignUp,
)
from redvest.activities.selectors.safeguards import (
    agreements_missing,
    insured_for,
    is_minor,
    policy_in_force,
)
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index, mask_phone
from redvest.core.errors import PermissionDenied
from redvest.core.sms import sms_send
from redvest.core.sms.kinds import GUARDIAN_CONSENT
from redvest.core.validation import model_errors
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

MAX_INSURED = 2000
GUARDIAN_SALT = "activities.guardian-consent"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF")


def evidence_error(upload: UploadedFile) -> str | None:
    """A scan or photo of a paper document: JPG, PNG or PDF of at most 10 MB, checked by its first bytes."""
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        return "凭证文件不能超过 10MB"
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_SIGNATURES):
        return "凭证只支持 JPG、PNG 图片或 PDF 文件"
    return None


def require_insured(activity: Activity, volunteer: Volunteer, at: datetime.datetime, *, proxy: bool = False) -> None:
    """A risky activity admits only volunteers the policy in force names, within its cover period.
    Raises NotInsured."""
    if not activity.has_risk or insured_for(activity, volunteer, at):
        return
    if proxy:
        raise NotInsured(f"本活动有风险，{volunteer.name}不在有效意外保险的被保险人名单中或不在保障期内，不能代为签到")
    raise NotInsured(
        "本活动有风险，您尚未被意外保险覆盖（不在被保险人名单中或不在保障期内），暂不能签到，请联系活动负责人"
    )


# ---- insurance ---------------------------------------------------------------------------------------


@dataclass
class InsuranceData:
    insurer: str
    policy_number: str
    cover_start: datetime.datetime
    cover_end: datetime.datetime
    volunteer_ids: list[int]
    reason: str = ""
    evidence: UploadedFile | None = None


@transaction.atomic
def insurance_policy_create(*, actor: User, activity: Activity, data: InsuranceData) -> InsurancePolicy:
    """Record the activity's accident insurance; organisers only. A second record supersedes the newest one and
    needs a reason. The insured must be volunteers who signed up. Raises PermissionDenied, ValidationFailed."""
    require(actor, "change", activity)
    activity = Activity.objects.select_for_update(of=("self",)).select_related("org").get(pk=activity.pk)
    earlier = policy_in_force(activity)
    policy = InsurancePolicy(
        activity=activity,
        insurer=data.insurer.strip(),
        policy_number=data.policy_number.strip(),
        cover_start=data.cover_start,
        cover_end=data.cover_end,
        supersedes=earlier,
        reason=data.reason.strip(),
        created_by=actor,
    )
    errors = model_errors(policy)
    ids = sorted(set(data.volunteer_ids))
    if not ids:
        errors["volunteer_ids"] = "请选择被保险的志愿者"
    elif len(ids) > MAX_INSURED:
        errors["volunteer_ids"] = f"一份保单最多录入 {MAX_INSURED} 名志愿者"
    else:
        known = set(
            SignUp.objects.filter(activity=activity, volunteer_id__in=ids).values_list("volunteer_id", flat=True)
        )
        if unknown := [i for i in ids if i not in known]:
            errors["volunteer_ids"] = f"有 {len(unknown)} 名志愿者未报名本活动，不能列为被保险人"
    if earlier is not None and not policy.reason:
        errors["reason"] = "已有保险记录，更正时请填写原因"
    if data.evidence is not None and (message := evidence_error(data.evidence)):
        errors["evidence"] = message
    if errors:
        raise SafeguardInvalid(errors)
    if data.evidence is not None:
        policy.evidence = data.evidence
    policy.save()
    policy.insured_volunteers.set(ids)
    audit_record(
        actor=actor,
        action="create",
        target=policy,
        org=activity.org,
        after={
            "insurer": policy.insurer,
            "policy_number": policy.policy_number,
            "cover_start": policy.cover_start.isoformat(),
            "cover_end": policy.cover_end.isoformat(),
            "insured": len(ids),
            "supersedes": earlier.pk if earlier else None,
        },
        reason=policy.reason or "录入意外保险",
    )
    return policy


# ---- service agreements ------------------------------------------------------------------------------


@transaction.atomic
def agreement_accept(
    *, actor: User, signup: SignUp, at: datetime.datetime, ip_address: str | None = None, user_agent: str = ""
) -> list[AgreementAcceptance]:
    """The volunteer accepts, on their own phone, every agreement their sign-up requires (the newest versions),
    recording version, time, address and device. Raises PermissionDenied, SignUpStateInvalid."""
    signup = SignUp.objects.select_related("activity", "volunteer").get(pk=signup.pk)
    if signup.volunteer.user_id != actor.pk:
        raise PermissionDenied("服务协议须由志愿者本人在手机上签署")
    if signup.status not in ACTIVE_SIGNUP_STATUSES:
        raise SignUpStateInvalid("该报名已取消或未被录用，无需签署协议")
    missing = agreements_missing(signup)
    rows = [
        AgreementAcceptance(
            signup=signup, template=t, accepted_at=at, ip_address=ip_address or None, user_agent=user_agent[:300]
        )
        for t in missing
    ]
    AgreementAcceptance.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


# ---- guardian consent --------------------------------------------------------------------------------


def _minor_signup(signup: SignUp) -> SignUp:
    signup = SignUp.objects.select_related("activity__org", "volunteer").get(pk=signup.pk)
    if signup.status not in ACTIVE_SIGNUP_STATUSES:
        raise SignUpStateInvalid("该报名已取消或未被录用，无需监护人同意")
    if not is_minor(signup.volunteer, signup.activity):
        raise NotMinor()
    return signup


def guardian_link_token(signup: SignUp) -> str:
    """A signed token naming the activity, the volunteer and the guardian phone on file (changing the phone
    voids earlier links)."""
    volunteer = signup.volunteer
    return signing.dumps(
        [signup.activity_id, signup.volunteer_id, blind_index(volunteer.guardian_phone)[:16]], salt=GUARDIAN_SALT
    )


@transaction.atomic
def guardian_consent_request(*, actor: User, signup: SignUp, site_url: str = "") -> str:
    """Text the guardian phone stored on the volunteer a link (on `site_url`, the address the asker used) to
    confirm consent; the volunteer or an organiser asks. Returns the masked phone. Raises PermissionDenied, NotMinor, GuardianPhoneMissing, SmsUnavailable."""
    signup = _minor_signup(signup)
    if signup.volunteer.user_id != actor.pk:
        require(actor, "change", signup.activity)
    phone = signup.volunteer.guardian_phone
    if not phone:
        raise GuardianPhoneMissing()
    url = site_url.rstrip("/") + reverse("activities:guardian-consent", args=[guardian_link_token(signup)])
    activity = signup.activity
    params: dict[str, object] = {
        "name": signup.volunteer.name,
        "activity": activity.title,
        "time": f"{timezone.localtime(activity.start_at):%m月%d日 %H:%M}，{activity.place}",
        "url": url,
    }
    sms_send(phone=phone, kind=GUARDIAN_CONSENT, params=params, target=signup)
    audit_record(actor=actor, action="update", target=signup, org=activity.org, reason="发送监护人同意确认短信")
    return mask_phone(phone)


def guardian_link_signup(token: str) -> SignUp:
    """The active sign-up a guardian's link names. Raises ConsentLinkInvalid."""
    try:
        activity_id, volunteer_id, phone_key = signing.loads(token, salt=GUARDIAN_SALT, max_age=GUARDIAN_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise ConsentLinkInvalid() from None
    signup = (
        SignUp.objects.select_related("activity__org", "volunteer")
        .filter(activity_id=activity_id, volunteer_id=volunteer_id, status__in=ACTIVE_SIGNUP_STATUSES)
        .first()
    )
    if signup is None or blind_index(signup.volunteer.guardian_phone)[:16] != phone_key:
        raise ConsentLinkInvalid()
    return signup


def _consent_create(
    *,
    signup: SignUp,
    guardian_name: str,
    relation: str,
    method: str,
    at: datetime.datetime,
    actor: User | None = None,
    evidence: UploadedFile | None = None,
    ip_address: str | None = None,
) -> GuardianConsent:
    consent = GuardianConsent(
        activity=signup.activity,
        volunteer=signup.volunteer,
        guardian_name=guardian_name.strip(),
        relation=relation.strip(),
        method=method,
        recorded_by=actor,
        ip_address=ip_address or None,
        given_at=at,
    )
    errors = model_errors(consent)
    if method == GuardianConsentMethod.PAPER and evidence is None:
        errors["evidence"] = "请上传监护人签字的同意书照片或扫描件"
    elif evidence is not None and (message := evidence_error(evidence)):
        errors["evidence"] = message
    if errors:
        raise SafeguardInvalid(errors)
    if evidence is not None:
        consent.evidence = evidence
    consent.save()
    audit_record(
        actor=actor,
        action="create",
        target=consent,
        org=signup.activity.org,
        after={"volunteer": signup.volunteer_id, "relation": consent.relation, "method": method},
        reason=f"监护人同意（{consent.get_method_display()}）",
    )
    return consent


@transaction.atomic
def guardian_consent_confirm(
    *, token: str, guardian_name: str, relation: str, at: datetime.datetime, ip_address: str | None = None
) -> GuardianConsent:
    """The guardian confirms from the texted link (no login: the link went to the phone on file).
    Raises ConsentLinkInvalid, ValidationFailed."""
    signup = _minor_signup(guardian_link_signup(token))
    return _consent_create(
        signup=signup,
        guardian_name=guardian_name,
        relation=relation,
        method=GuardianConsentMethod.PHONE_LINK,
        at=at,
        ip_address=ip_address,
    )


@transaction.atomic
def guardian_consent_record(
    *,
    actor: User,
    signup: SignUp,
    guardian_name: str,
    relation: str,
    evidence: UploadedFile | None,
    at: datetime.datetime,
) -> GuardianConsent:
    """An organiser records the guardian's signed paper form with its scan or photo.
    Raises PermissionDenied, NotMinor, ValidationFailed."""
    require(actor, "change", signup.activity)
    signup = _minor_signup(signup)
    return _consent_create(
        signup=signup,
        guardian_name=guardian_name,
        relation=relation,
        method=GuardianConsentMethod.PAPER,
        at=at,
        actor=actor,
        evidence=evidence,
    )
