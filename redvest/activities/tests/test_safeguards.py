"""志愿服务安全保障: insurance before check-in at risky activities (every check-in path), service agreements
before approval, a minor's guardian consent per activity."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redvest.accounts.tests import sms
from redvest.activities.errors import (
    AgreementNotAccepted,
    ConsentLinkInvalid,
    GuardianConsentMissing,
    NotInsured,
    NotMinor,
)
from redvest.activities.models import (
    AgreementAcceptance,
    AgreementKind,
    Attendance,
    GuardianConsent,
    GuardianConsentMethod,
    InsurancePolicy,
    SignUp,
    SignUpStatus,
)
from redvest.activities.selectors.safeguards import agreement_kinds_required
from redvest.activities.services import (
    CHECK_IN,
    SyncItem,
    attendance_check_in,
    attendance_proxy_check_in,
    attendance_sync,
    signup_create,
    signup_decide,
)
from redvest.activities.services.safeguards import (
    InsuranceData,
    agreement_accept,
    guardian_consent_confirm,
    guardian_consent_record,
    guardian_consent_request,
    guardian_link_token,
    insurance_policy_create,
)
from redvest.activities.tests.conftest import SITE, World, make_user_volunteer
from redvest.activities.tests.factories import (
    AgreementTemplateFactory,
    GuardianConsentFactory,
    InsurancePolicyFactory,
    SignUpFactory,
)
from redvest.audit.models import AuditEntry
from redvest.core.crypto import encrypt
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.volunteers.models import Volunteer

MIN = datetime.timedelta(minutes=1)
GUARDIAN_PHONE = "13905720001"


@pytest.fixture
def risky(world: World) -> World:
    """The activity is risky; volunteer 0 is approved for it."""
    world.activity.has_risk = True
    world.activity.risk_description = "河道清理，临水作业"
    world.activity.save()
    SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    return world


def minor_user(world: World, *, guardian_phone: str = GUARDIAN_PHONE) -> Any:
    """A 16-year-old volunteer with a guardian phone on file."""
    start = world.activity.start_at.date()
    return make_user_volunteer(
        world.tree.community_a,
        birth_date=start.replace(year=start.year - 16),
        guardian_name="张建国",
        guardian_phone_encrypted=encrypt(guardian_phone) if guardian_phone else "",
    )


def check_in(world: World, at: datetime.datetime) -> Attendance:
    return attendance_check_in(
        actor=world.volunteer_users[0], activity=world.activity, code=world.code(at), position=SITE, at=at
    )


def insurance(world: World, **kw: Any) -> InsuranceData:
    a = world.activity
    values: dict[str, Any] = {
        "insurer": "中国人民财产保险股份有限公司长兴支公司",
        "policy_number": "PICC20260001",
        "cover_start": a.start_at - 60 * MIN,
        "cover_end": a.end_at + 60 * MIN,
        "volunteer_ids": [world.volunteer(0).pk],
    }
    values.update(kw)
    return InsuranceData(**values)


# ---- insurance and check-in -------------------------------------------------------------------------


def test_code_check_in_at_a_risky_activity_without_insurance_is_refused(risky: World) -> None:
    with pytest.raises(NotInsured) as exc:
        check_in(risky, risky.activity.start_at)
    assert "意外保险" in exc.value.message
    assert not Attendance.objects.exists()


def test_code_check_in_is_allowed_once_a_policy_covers_the_volunteer_and_the_time(risky: World) -> None:
    InsurancePolicyFactory(activity=risky.activity, insured=[risky.volunteer(0)])
    assert check_in(risky, risky.activity.start_at).volunteer == risky.volunteer(0)


def test_check_in_outside_the_cover_period_is_refused(risky: World) -> None:
    a = risky.activity
    InsurancePolicyFactory(activity=a, insured=[risky.volunteer(0)], cover_start=a.start_at + 30 * MIN)
    with pytest.raises(NotInsured):
        check_in(risky, a.start_at)


def test_a_correction_supersedes_the_earlier_policy(risky: World) -> None:
    InsurancePolicyFactory(activity=risky.activity, insured=[risky.volunteer(0)])
    InsurancePolicyFactory(activity=risky.activity, insured=[risky.volunteer(1)])
    with pytest.raises(NotInsured):
        check_in(risky, risky.activity.start_at)


def test_activity_without_risk_needs_no_insurance(world: World) -> None:
    SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.APPROVED)
    assert check_in(world, world.activity.start_at).pk


def test_offline_check_in_is_refused_then_allowed_with_insurance(risky: World) -> None:
    at = risky.activity.start_at

    def item(cid: str) -> SyncItem:
        return SyncItem(
            client_id=cid, activity_id=risky.activity.pk, kind=CHECK_IN, at=at, code=risky.code(at), position=SITE
        )

    [refused] = attendance_sync(actor=risky.volunteer_users[0], items=[item("a")], received_at=at + MIN)
    assert not refused.ok and refused.code == "not_insured"
    InsurancePolicyFactory(activity=risky.activity, insured=[risky.volunteer(0)])
    [ok] = attendance_sync(actor=risky.volunteer_users[0], items=[item("b")], received_at=at + MIN)
    assert ok.ok


def test_proxy_check_in_is_refused_then_allowed_with_insurance(risky: World) -> None:
    a, v = risky.activity, risky.volunteer(0)
    with pytest.raises(NotInsured) as exc:
        attendance_proxy_check_in(actor=risky.leader_user, activity=a, volunteer=v, reason="手机没电", at=a.start_at)
    assert v.name in exc.value.message
    InsurancePolicyFactory(activity=a, insured=[v])
    attendance = attendance_proxy_check_in(
        actor=risky.leader_user, activity=a, volunteer=v, reason="手机没电", at=a.start_at
    )
    assert attendance.proxy_by == risky.leader_user


def test_leader_records_a_policy_and_a_correction_with_a_reason(risky: World) -> None:
    first = insurance_policy_create(actor=risky.leader_user, activity=risky.activity, data=insurance(risky))
    assert list(first.insured_volunteers.all()) == [risky.volunteer(0)]
    with pytest.raises(ValidationFailed) as exc:
        insurance_policy_create(actor=risky.leader_user, activity=risky.activity, data=insurance(risky))
    assert "reason" in exc.value.errors
    second = insurance_policy_create(
        actor=risky.admin_user,
        activity=risky.activity,
        data=insurance(risky, policy_number="PICC2", reason="保单号录错"),
    )
    assert second.supersedes == first and InsurancePolicy.objects.count() == 2
    assert AuditEntry.objects.filter(target_type="activities.insurancepolicy").count() == 2


def test_policy_fields_are_checked_at_once(risky: World) -> None:
    a = risky.activity
    stranger = make_user_volunteer(risky.tree.community_a)
    with pytest.raises(ValidationFailed) as exc:
        insurance_policy_create(
            actor=risky.leader_user,
            activity=a,
            data=insurance(
                risky,
                insurer=" ",
                cover_end=a.start_at - 120 * MIN,
                volunteer_ids=[Volunteer.objects.get(user=stranger).pk],
            ),
        )
    assert set(exc.value.errors) >= {"insurer", "cover_end", "volunteer_ids"}
    assert not InsurancePolicy.objects.exists()


def test_other_team_leader_cannot_record_a_policy(risky: World) -> None:
    with pytest.raises(PermissionDenied):
        insurance_policy_create(actor=risky.other_leader_user, activity=risky.activity, data=insurance(risky))


# ---- service agreements -----------------------------------------------------------------------------


def test_agreement_rules(world: World, settings: Any) -> None:
    a, v = world.activity, world.volunteer(0)
    assert agreement_kinds_required(a, v) == []
    settings.ACTIVITY_LARGE_EVENT_PARTICIPANTS = 2
    a.has_risk = True
    a.end_at = a.start_at + datetime.timedelta(days=31)
    assert agreement_kinds_required(a, v) == [AgreementKind.LONG_TERM, AgreementKind.RISKY, AgreementKind.LARGE_EVENT]


def test_approval_refuses_a_sign_up_without_the_required_agreement(risky: World) -> None:
    AgreementTemplateFactory(kind=AgreementKind.RISKY)
    signup = SignUpFactory(activity=risky.activity, volunteer=risky.volunteer(1), status=SignUpStatus.PENDING)
    with pytest.raises(AgreementNotAccepted) as exc:
        signup_decide(actor=risky.leader_user, signup=signup, approve=True, at=risky.activity.recruit_start)
    assert "有风险志愿服务协议" in exc.value.message
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING
    with pytest.raises(PermissionDenied):
        agreement_accept(actor=risky.leader_user, signup=signup, at=risky.activity.recruit_start)
    [row] = agreement_accept(
        actor=risky.volunteer_users[1],
        signup=signup,
        at=risky.activity.recruit_start,
        ip_address="10.0.0.8",
        user_agent="Mobile Safari",
    )
    assert row.template.version == "2026-1" and row.ip_address == "10.0.0.8"
    decided = signup_decide(actor=risky.leader_user, signup=signup, approve=True, at=risky.activity.recruit_start)
    assert decided.status == SignUpStatus.APPROVED


def test_sign_up_records_the_agreement_accepted_on_the_sign_up_page(risky: World) -> None:
    AgreementTemplateFactory(kind=AgreementKind.RISKY)
    risky.activity.requires_approval = False
    risky.activity.save()
    at = risky.activity.recruit_start + MIN
    signup = signup_create(
        actor=risky.volunteer_users[1], activity=risky.activity, at=at, accept_agreements=True, ip_address="10.0.0.9"
    )
    assert signup.status == SignUpStatus.APPROVED
    assert AgreementAcceptance.objects.get(signup=signup).accepted_at == at


def test_auto_approval_waits_for_the_agreement(risky: World) -> None:
    AgreementTemplateFactory(kind=AgreementKind.RISKY)
    risky.activity.requires_approval = False
    risky.activity.save()
    signup = signup_create(actor=risky.volunteer_users[1], activity=risky.activity, at=risky.activity.recruit_start)
    assert signup.status == SignUpStatus.PENDING and signup.decided_at is None


def test_waitlist_promotion_skips_sign_ups_missing_an_agreement(risky: World) -> None:
    AgreementTemplateFactory(kind=AgreementKind.RISKY)
    a = risky.activity
    a.quota = 1
    a.save()
    first = SignUp.objects.get(activity=a)
    unready = SignUpFactory(activity=a, volunteer=risky.volunteer(1), status=SignUpStatus.WAITLISTED)
    ready = SignUpFactory(activity=a, volunteer=risky.volunteer(2), status=SignUpStatus.WAITLISTED)
    agreement_accept(actor=risky.volunteer_users[2], signup=ready, at=a.recruit_start)
    signup_decide(actor=risky.leader_user, signup=first, approve=False, at=a.recruit_start)
    unready.refresh_from_db()
    ready.refresh_from_db()
    assert (unready.status, ready.status) == (SignUpStatus.WAITLISTED, SignUpStatus.APPROVED)


# ---- minors and guardian consent --------------------------------------------------------------------


def test_minor_needs_guardian_consent_before_approval(world: World) -> None:
    AgreementTemplateFactory(kind=AgreementKind.MINOR)
    user = minor_user(world)
    volunteer = Volunteer.objects.get(user=user)
    signup = SignUpFactory(activity=world.activity, volunteer=volunteer, status=SignUpStatus.PENDING)
    agreement_accept(actor=user, signup=signup, at=world.activity.recruit_start)
    with pytest.raises(GuardianConsentMissing):
        signup_decide(actor=world.leader_user, signup=signup, approve=True, at=world.activity.recruit_start)
    with pytest.raises(ValidationFailed) as exc:
        guardian_consent_record(
            actor=world.leader_user,
            signup=signup,
            guardian_name="张建国",
            relation="",
            evidence=None,
            at=world.activity.recruit_start,
        )
    assert set(exc.value.errors) == {"relation", "evidence"}
    scan = SimpleUploadedFile("同意书.jpg", b"\xff\xd8\xff\xe0scan", content_type="image/jpeg")
    consent = guardian_consent_record(
        actor=world.leader_user,
        signup=signup,
        guardian_name="张建国",
        relation="父亲",
        evidence=scan,
        at=world.activity.recruit_start,
    )
    assert consent.method == GuardianConsentMethod.PAPER and consent.evidence
    decided = signup_decide(actor=world.leader_user, signup=signup, approve=True, at=world.activity.recruit_start)
    assert decided.status == SignUpStatus.APPROVED


def test_guardian_consent_is_per_activity(world: World) -> None:
    user = minor_user(world)
    volunteer = Volunteer.objects.get(user=user)
    GuardianConsentFactory(activity=SignUpFactory(volunteer=volunteer).activity, volunteer=volunteer)
    signup = SignUpFactory(activity=world.activity, volunteer=volunteer, status=SignUpStatus.PENDING)
    agreement_accept(actor=user, signup=signup, at=world.activity.recruit_start)
    with pytest.raises(GuardianConsentMissing):
        signup_decide(actor=world.leader_user, signup=signup, approve=True, at=world.activity.recruit_start)


def test_adult_needs_no_guardian_consent(world: World) -> None:
    signup = SignUpFactory(activity=world.activity, volunteer=world.volunteer(0), status=SignUpStatus.PENDING)
    with pytest.raises(NotMinor):
        guardian_consent_record(
            actor=world.leader_user,
            signup=signup,
            guardian_name="张建国",
            relation="父亲",
            evidence=None,
            at=world.activity.recruit_start,
        )


def test_guardian_confirms_from_the_texted_link(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.capture"
    sms.OUTBOX.clear()
    user = minor_user(world)
    signup = SignUpFactory(
        activity=world.activity, volunteer=Volunteer.objects.get(user=user), status=SignUpStatus.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        masked = guardian_consent_request(actor=user, signup=signup, site_url="https://hmj.example.cn")
    assert masked.startswith("139") and "0001" in masked
    [(phone, text)] = sms.OUTBOX
    assert phone == GUARDIAN_PHONE and "https://hmj.example.cn/activities/guardian/" in text
    token = guardian_link_token(signup)
    with pytest.raises(ConsentLinkInvalid):
        guardian_consent_confirm(
            token=token + "x", guardian_name="张建国", relation="父亲", at=world.activity.recruit_start
        )
    consent = guardian_consent_confirm(
        token=token, guardian_name="张建国", relation="父亲", at=world.activity.recruit_start, ip_address="10.1.1.1"
    )
    assert consent.method == GuardianConsentMethod.PHONE_LINK and consent.recorded_by is None
    assert GuardianConsent.objects.filter(activity=world.activity).count() == 1
    sms.OUTBOX.clear()


def test_a_changed_guardian_phone_voids_earlier_links(world: World) -> None:
    user = minor_user(world)
    volunteer = Volunteer.objects.get(user=user)
    signup = SignUpFactory(activity=world.activity, volunteer=volunteer, status=SignUpStatus.PENDING)
    token = guardian_link_token(signup)
    volunteer.guardian_phone_encrypted = encrypt("13905720002")
    volunteer.save()
    with pytest.raises(ConsentLinkInvalid):
        guardian_consent_confirm(token=token, guardian_name="张建国", relation="父亲", at=world.activity.recruit_start)


def test_only_the_volunteer_or_an_organiser_may_text_the_guardian(world: World) -> None:
    user = minor_user(world)
    signup = SignUpFactory(
        activity=world.activity, volunteer=Volunteer.objects.get(user=user), status=SignUpStatus.PENDING
    )
    with pytest.raises(PermissionDenied):
        guardian_consent_request(actor=world.volunteer_users[0], signup=signup)
