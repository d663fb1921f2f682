"""安全保障: an activity's accident insurance (list, record), the sign-ups' safeguard status, agreements to read
and accept on the phone, a minor's guardian consent (text the guardian, record a signed paper form)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from redvest.activities.api._common import responses
from redvest.activities.schemas import (
    AgreementOut,
    AgreementsOut,
    ErrorOut,
    GuardianConsentIn,
    GuardianConsentOut,
    GuardianRequestOut,
    InsuranceIn,
    InsuranceOut,
    SafeguardRowOut,
    agreement_out,
    guardian_consent_out,
    insurance_out,
    safeguard_row_out,
)
from redvest.activities.selectors import (
    activity_get,
    activity_safeguards,
    insurance_policy_list,
    my_safeguards,
    signup_get,
)
from redvest.activities.services import (
    InsuranceData,
    agreement_accept,
    guardian_consent_record,
    guardian_consent_request,
    insurance_policy_create,
)
from redvest.core.api_pagination import Rows, each, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import PermissionDenied
from redvest.core.ratelimit import client_ip

router = Router(tags=["安全保障"])
ERRORS_422 = {422: ErrorOut}


@router.get(
    "/{int:activity_id}/insurance",
    response=responses(list[InsuranceOut]),
    url_name="insurance-list",
    summary="活动的意外保险记录（最新一条有效，组织者）",
)
@paginate
def list_insurance(request: HttpRequest, activity_id: int) -> Rows[Any, dict[str, Any]]:
    user = api_user(request)
    activity = activity_get(user=user, activity_id=activity_id, action="change")
    policies = insurance_policy_list(user=user, activity=activity)
    newest = policies.values_list("pk", flat=True).first()
    return each(policies, lambda p: insurance_out(p, in_force_id=newest))


@router.post(
    "/{int:activity_id}/insurance",
    response={**responses(InsuranceOut, 201), **ERRORS_422},
    url_name="insurance-create",
    summary="录入意外保险（再次录入即更正，须填原因；组织者）",
)
def create_insurance(request: HttpRequest, activity_id: int, payload: InsuranceIn) -> Status[dict[str, Any]]:
    user = api_user(request)
    activity = activity_get(user=user, activity_id=activity_id, action="change")
    policy = insurance_policy_create(
        actor=user,
        activity=activity,
        data=InsuranceData(
            insurer=payload.insurer,
            policy_number=payload.policy_number,
            cover_start=payload.cover_start,
            cover_end=payload.cover_end,
            volunteer_ids=list(payload.volunteer_ids),
            reason=payload.reason,
        ),
    )
    loaded = insurance_policy_list(user=user, activity=activity).get(pk=policy.pk)
    return Status(201, insurance_out(loaded, in_force_id=policy.pk))


@router.get(
    "/{int:activity_id}/safeguards",
    response=responses(list[SafeguardRowOut]),
    url_name="safeguard-list",
    summary="报名的安全保障情况：是否投保、缺哪些协议、监护人同意（组织者）",
)
@paginate
def list_safeguards(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    user = api_user(request)
    activity = activity_get(user=user, activity_id=activity_id, action="change")
    return [safeguard_row_out(r) for r in activity_safeguards(user=user, activity=activity).rows]


@router.get(
    "/signups/{int:signup_id}/agreements",
    response=responses(AgreementsOut),
    url_name="agreement-list",
    summary="本人报名须签署的服务协议（全文与版本）",
)
def agreements(request: HttpRequest, signup_id: int) -> dict[str, Any]:
    user = api_user(request)
    signup = signup_get(user=user, signup_id=signup_id)
    if signup.volunteer.user_id != user.pk:
        raise PermissionDenied("只能查看本人报名的协议")
    mine = my_safeguards(user=user, activity=signup.activity, signup=signup)
    return {
        "signup_id": signup.pk,
        "required": [agreement_out(t) for t in mine.agreements],
        "missing": [agreement_out(t) for t in mine.missing],
        "guardian_consent_needed": mine.guardian_missing,
    }


@router.post(
    "/signups/{int:signup_id}/agreements/accept",
    response=responses(list[AgreementOut]),
    url_name="agreement-accept",
    summary="在手机上签署本人报名须签署的服务协议（记录版本、时间、IP与设备）",
)
def accept_agreements(request: HttpRequest, signup_id: int) -> list[dict[str, Any]]:
    user = api_user(request)
    signup = signup_get(user=user, signup_id=signup_id)
    rows = agreement_accept(
        actor=user,
        signup=signup,
        at=timezone.now(),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return [agreement_out(r.template) for r in rows]


@router.post(
    "/signups/{int:signup_id}/guardian-consent/request",
    response=responses(GuardianRequestOut),
    url_name="guardian-request",
    summary="短信请监护人确认同意（发往志愿者档案中的监护人手机）",
)
def request_guardian_consent(request: HttpRequest, signup_id: int) -> dict[str, str]:
    user = api_user(request)
    signup = signup_get(user=user, signup_id=signup_id)
    return {"sent_to": guardian_consent_request(actor=user, signup=signup, site_url=request.build_absolute_uri("/"))}


@router.post(
    "/signups/{int:signup_id}/guardian-consent",
    response={**responses(GuardianConsentOut, 201), **ERRORS_422},
    url_name="guardian-consent-record",
    summary="录入监护人签字的纸质同意书（multipart：guardian_name、relation、evidence 文件；组织者）",
)
def record_guardian_consent(
    request: HttpRequest,
    signup_id: int,
    payload: Form[GuardianConsentIn],
    evidence: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    user = api_user(request)
    signup = signup_get(user=user, signup_id=signup_id)
    consent = guardian_consent_record(
        actor=user,
        signup=signup,
        guardian_name=payload.guardian_name,
        relation=payload.relation,
        evidence=evidence,
        at=timezone.now(),
    )
    return Status(201, guardian_consent_out(consent))
