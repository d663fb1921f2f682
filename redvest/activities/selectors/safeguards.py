"""Reads for 安全保障: the organiser's view of an activity's insurance, agreements and guardian consents, a
volunteer's own requirements on the activity page, and the to-do count of approved volunteers not insured."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from redvest.accounts.policy import require, scope
from redvest.activities.conf import large_event_participants, long_term_days
from redvest.activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    LIVE_STATUSES,
    Activity,
    AgreementAcceptance,
    AgreementKind,
    AgreementTemplate,
    GuardianConsent,
    InsurancePolicy,
    SignUp,
    SignUpStatus,
)
from redvest.core.crypto import mask_phone
from redvest.volunteers.models import Volunteer
from redvest.volunteers.services.validation import GUARDIAN_AGE, age_on

if TYPE_CHECKING:
    from redvest.accounts.models import User

MAX_SAFEGUARD_ROWS = 500


# ---- rules (read by the sign-up and attendance services) -------------------------------------------------------------------------------------------


def is_minor(volunteer: Volunteer, activity: Activity) -> bool:
    """Under 18 on the (Shanghai) day the activity starts."""
    return age_on(volunteer.birth_date, timezone.localdate(activity.start_at)) < GUARDIAN_AGE


def agreement_kinds_required(activity: Activity, volunteer: Volunteer) -> list[str]:
    """Why an agreement is needed: minor, long-term (spans more than the setting's days), risky, large event
    (recruits at least the setting's number)."""
    kinds: list[str] = []
    if is_minor(volunteer, activity):
        kinds.append(AgreementKind.MINOR)
    if activity.end_at - activity.start_at > datetime.timedelta(days=long_term_days()):
        kinds.append(AgreementKind.LONG_TERM)
    if activity.has_risk:
        kinds.append(AgreementKind.RISKY)
    if activity.quota >= large_event_participants():
        kinds.append(AgreementKind.LARGE_EVENT)
    return kinds


def agreement_templates_current(kinds: list[str]) -> list[AgreementTemplate]:
    """The newest version of each kind (a kind nobody wrote a text for requires nothing)."""
    if not kinds:
        return []
    newest: dict[str, AgreementTemplate] = {}
    for template in AgreementTemplate.objects.filter(kind__in=kinds).order_by("kind", "-id"):
        newest.setdefault(template.kind, template)
    return [newest[k] for k in kinds if k in newest]


def agreements_missing(signup: SignUp) -> list[AgreementTemplate]:
    """The current agreement versions this sign-up still has to accept."""
    required = agreement_templates_current(agreement_kinds_required(signup.activity, signup.volunteer))
    if not required:
        return []
    accepted = set(
        AgreementAcceptance.objects.filter(signup=signup, template__in=required).values_list("template_id", flat=True)
    )
    return [t for t in required if t.pk not in accepted]


def guardian_consent_missing(signup: SignUp) -> bool:
    """A minor without a guardian's consent for this activity."""
    return (
        is_minor(signup.volunteer, signup.activity)
        and not GuardianConsent.objects.filter(
            activity_id=signup.activity_id, volunteer_id=signup.volunteer_id
        ).exists()
    )


@dataclass(frozen=True)
class SafeguardGaps:
    agreements: list[AgreementTemplate] = field(default_factory=list)
    guardian_consent: bool = False

    def __bool__(self) -> bool:
        return bool(self.agreements) or self.guardian_consent


def signup_safeguard_gaps(signup: SignUp) -> SafeguardGaps:
    """What keeps a sign-up from approval: agreements not accepted, a minor's missing guardian consent."""
    return SafeguardGaps(agreements=agreements_missing(signup), guardian_consent=guardian_consent_missing(signup))


def policy_in_force(activity: Activity) -> InsurancePolicy | None:
    """The newest insurance record of the activity (a correction supersedes the earlier ones)."""
    return InsurancePolicy.objects.filter(activity=activity).order_by("-id").first()


def insured_for(activity: Activity, volunteer: Volunteer, at: datetime.datetime) -> bool:
    policy = policy_in_force(activity)
    return (
        policy is not None
        and policy.cover_start <= at <= policy.cover_end
        and policy.insured_volunteers.filter(pk=volunteer.pk).exists()
    )


def insurance_policy_list(*, user: User, activity: Activity) -> QuerySet[InsurancePolicy]:
    """The activity's insurance records, newest (in force) first; organisers only."""
    require(user, "change", activity)
    return (
        InsurancePolicy.objects.filter(activity=activity)
        .select_related("created_by")
        .prefetch_related(Prefetch("insured_volunteers", queryset=Volunteer.objects.order_by("name", "id")))
        .order_by("-id")
    )


@dataclass
class SignUpSafeguards:
    signup: SignUp
    minor: bool
    insured: bool
    agreements_missing: list[AgreementTemplate]
    guardian_consent: GuardianConsent | None

    @property
    def guardian_missing(self) -> bool:
        return self.minor and self.guardian_consent is None

    @property
    def ready(self) -> bool:
        return not self.agreements_missing and not self.guardian_missing


@dataclass
class ActivitySafeguards:
    activity: Activity
    policy: InsurancePolicy | None
    rows: list[SignUpSafeguards]
    truncated: bool

    @property
    def uninsured(self) -> list[SignUpSafeguards]:
        return [r for r in self.rows if r.signup.status == SignUpStatus.APPROVED and not r.insured]

    @property
    def approved(self) -> list[SignUpSafeguards]:
        return [r for r in self.rows if r.signup.status == SignUpStatus.APPROVED]

    @property
    def waiting(self) -> list[SignUpSafeguards]:
        """Pending or waitlisted sign-ups still missing an agreement or a guardian's consent."""
        return [r for r in self.rows if r.signup.status != SignUpStatus.APPROVED and not r.ready]

    @property
    def minors(self) -> list[SignUpSafeguards]:
        return [r for r in self.rows if r.minor]


def activity_safeguards(*, user: User, activity: Activity) -> ActivitySafeguards:
    """Each active sign-up (up to MAX_SAFEGUARD_ROWS, in sign-up order) with what it is missing, in a fixed
    number of queries however many there are; organisers only."""
    require(user, "change", activity)
    policy = InsurancePolicy.objects.filter(activity=activity).select_related("created_by").order_by("-id").first()
    signups = list(
        SignUp.objects.filter(activity=activity, status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("volunteer")
        .order_by("created_at", "id")[: MAX_SAFEGUARD_ROWS + 1]
    )
    truncated = len(signups) > MAX_SAFEGUARD_ROWS
    signups = signups[:MAX_SAFEGUARD_ROWS]
    for s in signups:
        s.activity = activity
    kinds = {s.pk: agreement_kinds_required(activity, s.volunteer) for s in signups}
    templates = {t.kind: t for t in agreement_templates_current(sorted({k for ks in kinds.values() for k in ks}))}
    accepted = set(
        AgreementAcceptance.objects.filter(
            signup__in=[s.pk for s in signups], template__in=list(templates.values())
        ).values_list("signup_id", "template_id")
    )
    consents: dict[int, GuardianConsent] = {}
    for consent in GuardianConsent.objects.filter(activity=activity).order_by("given_at", "id"):
        consents[consent.volunteer_id] = consent
    insured = set(policy.insured_volunteers.values_list("pk", flat=True)) if policy is not None else set()
    rows = [
        SignUpSafeguards(
            signup=s,
            minor=is_minor(s.volunteer, activity),
            insured=s.volunteer_id in insured,
            agreements_missing=[
                templates[k] for k in kinds[s.pk] if k in templates and (s.pk, templates[k].pk) not in accepted
            ],
            guardian_consent=consents.get(s.volunteer_id),
        )
        for s in signups
    ]
    return ActivitySafeguards(activity=activity, policy=policy, rows=rows, truncated=truncated)


@dataclass
class MySafeguards:
    """What the activity page shows a volunteer: the agreements to read and accept, a guardian's consent."""

    agreements: list[AgreementTemplate] = field(default_factory=list)
    missing: list[AgreementTemplate] = field(default_factory=list)
    minor: bool = False
    guardian_missing: bool = False
    guardian_phone_masked: str = ""


def my_safeguards(*, user: User, activity: Activity, signup: SignUp | None) -> MySafeguards:
    user_id = getattr(user, "pk", None)
    volunteer = Volunteer.objects.filter(user_id=user_id).first() if user_id is not None else None
    if volunteer is None:
        return MySafeguards()
    agreements = agreement_templates_current(agreement_kinds_required(activity, volunteer))
    minor = is_minor(volunteer, activity)
    active = signup is not None and signup.status in ACTIVE_SIGNUP_STATUSES
    if signup is not None and active:
        signup.activity, signup.volunteer = activity, volunteer
        missing = agreements_missing(signup)
        guardian_missing = guardian_consent_missing(signup)
    else:
        missing, guardian_missing = agreements, minor
    phone = volunteer.guardian_phone if minor and volunteer.guardian_phone_encrypted else ""
    return MySafeguards(
        agreements=agreements,
        missing=missing if active else agreements,
        minor=minor,
        guardian_missing=guardian_missing,
        guardian_phone_masked=mask_phone(phone) if phone else "",
    )


def agreements_to_accept(*, user: User, at: datetime.datetime) -> list[SignUp]:
    """The volunteer's active sign-ups (the next 20, by start) on activities not yet ended that still need an
    agreement accepted; three queries however many."""
    signups = list(
        SignUp.objects.filter(volunteer__user=user, status__in=ACTIVE_SIGNUP_STATUSES, activity__end_at__gt=at)
        .select_related("activity", "volunteer")
        .order_by("activity__start_at", "id")[:20]
    )
    kinds = {s.pk: agreement_kinds_required(s.activity, s.volunteer) for s in signups}
    wanted = sorted({k for ks in kinds.values() for k in ks})
    if not wanted:
        return []
    templates = {t.kind: t for t in agreement_templates_current(wanted)}
    accepted = set(
        AgreementAcceptance.objects.filter(
            signup__in=[s.pk for s in signups], template__in=list(templates.values())
        ).values_list("signup_id", "template_id")
    )
    return [s for s in signups if any(k in templates and (s.pk, templates[k].pk) not in accepted for k in kinds[s.pk])]


def uninsured_signups(at: datetime.datetime) -> QuerySet[SignUp]:
    """Approved sign-ups on risky activities not yet ended whom the policy in force does not name (none
    recorded: every approved volunteer)."""
    newest = InsurancePolicy.objects.filter(activity=OuterRef(OuterRef("activity_id"))).order_by("-id").values("pk")[:1]
    named = InsurancePolicy.insured_volunteers.through.objects.filter(
        insurancepolicy_id=Subquery(newest), volunteer_id=OuterRef("volunteer_id")
    )
    return SignUp.objects.filter(
        status=SignUpStatus.APPROVED,
        activity__has_risk=True,
        activity__status__in=LIVE_STATUSES,
        activity__end_at__gt=at,
    ).filter(~Exists(named))


def uninsured_q(at: datetime.datetime) -> Q:
    """Activities with an approved volunteer not insured (`uninsured_signups`)."""
    return Q(pk__in=uninsured_signups(at).values("activity_id"))


def uninsured_count(*, user: User, at: datetime.datetime) -> int:
    """The organiser's to-do: approved volunteers of their risky activities not insured yet."""
    organised = scope(user, "activity", Activity.objects.all(), "change").values("pk")
    return uninsured_signups(at).filter(activity__in=organised).count()
