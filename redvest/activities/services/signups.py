"""Writes for sign-ups: sign up, cancel, approve/reject; the quota, the waitlist and its promotion."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from redvest.accounts.policy import require
from redvest.activities.errors import (
    ActivityCancelled,
    ActivityEnded,
    ActivityNotPublished,
    AgreementNotAccepted,
    AlreadySignedUp,
    GuardianConsentMissing,
    OverlappingSignUp,
    QuotaFull,
    RecruitmentClosed,
    SignUpStateInvalid,
)
from redvest.activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    HELD_STATUSES,
    LIVE_STATUSES,
    Activity,
    ActivityStatus,
    SignUp,
    SignUpStatus,
)
from redvest.activities.selectors.safeguards import signup_safeguard_gaps
from redvest.activities.services._common import activity_url, locked, volunteer_of
from redvest.activities.services.safeguards import agreement_accept
from redvest.audit.services import audit_record
from redvest.core.errors import DomainError, PermissionDenied
from redvest.core.services import notification_send

if TYPE_CHECKING:
    from redvest.accounts.models import User


def _fmt(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%m月%d日 %H:%M}"


def _require_recruiting(activity: Activity, at: datetime.datetime) -> None:
    """Published, not over, inside the recruitment window the organiser set (it closes before the end,
    so a multi-day activity may keep recruiting while 进行中)."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("活动已取消，不能报名")
    if activity.status not in HELD_STATUSES:
        raise ActivityNotPublished("活动尚未发布，不能报名")
    if activity.status_at(at) == ActivityStatus.ENDED:
        raise ActivityEnded("活动已结束，不能报名")
    if at < activity.recruit_start:
        raise RecruitmentClosed(f"报名尚未开始，将于 {_fmt(activity.recruit_start)} 开始")
    if at > activity.recruit_end:
        raise RecruitmentClosed(f"报名已于 {_fmt(activity.recruit_end)} 截止")


def _approved_count(activity: Activity) -> int:
    return SignUp.objects.filter(activity=activity, status=SignUpStatus.APPROVED).count()


@transaction.atomic
def signup_create(
    *,
    actor: User,
    activity: Activity,
    at: datetime.datetime,
    note: str = "",
    accept_agreements: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
) -> SignUp:
    """Sign the acting volunteer up: pending (approval needed) or approved, waitlisted once approved
    sign-ups reach the quota. `accept_agreements`: the volunteer accepted the service agreements shown on the
    sign-up page (recorded with time, address, device). Without approval needed, a sign-up still missing an
    agreement or a minor's guardian consent waits as pending. Raises NotRegisteredVolunteer, ActivityCancelled,
    RecruitmentClosed, AlreadySignedUp, OverlappingSignUp."""
    volunteer = volunteer_of(actor)
    activity = locked(activity)  # the quota is counted under this lock
    _require_recruiting(activity, at)
    if SignUp.objects.filter(activity=activity, volunteer=volunteer, status__in=ACTIVE_SIGNUP_STATUSES).exists():
        raise AlreadySignedUp()
    clash = (
        SignUp.objects.filter(
            volunteer=volunteer,
            status__in=ACTIVE_SIGNUP_STATUSES,
            activity__start_at__lt=activity.end_at,
            activity__end_at__gt=activity.start_at,
        )
        .exclude(activity=activity)
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .order_by("activity__start_at")
        .first()
    )
    if clash is not None:
        other = clash.activity
        raise OverlappingSignUp(
            f"您已报名活动「{other.title}」（{_fmt(other.start_at)}–{timezone.localtime(other.end_at):%H:%M}），"
            "与本活动时间重叠，不能同时报名"
        )
    if _approved_count(activity) >= activity.quota:
        status = SignUpStatus.WAITLISTED
    elif activity.requires_approval:
        status = SignUpStatus.PENDING
    else:
        status = SignUpStatus.APPROVED
    signup = SignUp.objects.create(
        activity=activity, volunteer=volunteer, status=status, note=note.strip()[:200], decided_at=None
    )
    if accept_agreements:
        agreement_accept(actor=actor, signup=signup, at=at, ip_address=ip_address, user_agent=user_agent)
    if status == SignUpStatus.APPROVED:
        if signup_safeguard_gaps(signup):
            signup.status = SignUpStatus.PENDING
            signup.save(update_fields=["status"])
        else:
            signup.decided_at = at
            signup.save(update_fields=["decided_at"])
    return signup


def _require_safeguards(signup: SignUp) -> None:
    """Approval needs every required agreement accepted and, for a minor, the guardian's consent."""
    gaps = signup_safeguard_gaps(signup)
    name = signup.volunteer.name
    if gaps.agreements:
        titles = "、".join(f"「{t.title}」" for t in gaps.agreements)
        raise AgreementNotAccepted(f"{name}尚未在手机上签署{titles}，不能录用")
    if gaps.guardian_consent:
        raise GuardianConsentMissing(
            f"{name}未满18周岁，须先取得监护人对本活动的同意（监护人短信确认或录入纸质同意书），不能录用"
        )


def promote_waitlisted(*, activity: Activity, at: datetime.datetime) -> list[SignUp]:
    """Fill free seats from the waitlist in sign-up order and tell the promoted; caller holds the activity lock."""
    free = activity.quota - _approved_count(activity)
    if free <= 0:
        return []
    promoted: list[SignUp] = []
    # Waitlisted sign-ups still missing an agreement or a guardian's consent keep their place in the queue.
    for signup in (
        SignUp.objects.filter(activity=activity, status=SignUpStatus.WAITLISTED)
        .select_related("volunteer__user")
        .order_by("created_at", "id")
    ):
        signup.activity = activity
        if not signup_safeguard_gaps(signup):
            promoted.append(signup)
            if len(promoted) >= free:
                break
    for signup in promoted:
        signup.status = SignUpStatus.APPROVED
        signup.decided_at = at
        signup.decided_by = None
        signup.note = "候补自动递补"
        signup.save(update_fields=["status", "decided_at", "decided_by", "note"])
    recipients = [s.volunteer.user for s in promoted if s.volunteer.user is not None]
    if recipients:
        notification_send(
            recipients=recipients,
            title=f"您已从候补转为录用：{activity.title}",
            body=f"活动将于 {_fmt(activity.start_at)} 在{activity.place}开始，请准时签到。",
            url=activity_url(activity),
        )
    return promoted


@transaction.atomic
def signup_cancel(*, actor: User, signup: SignUp, at: datetime.datetime) -> SignUp:
    """The volunteer withdraws; a freed seat goes to the first waitlisted. Raises PermissionDenied,
    SignUpStateInvalid (not active, or already checked in)."""
    if signup.volunteer.user_id != actor.pk:
        raise PermissionDenied("只能取消自己的报名")
    activity = locked(signup.activity)
    signup = SignUp.objects.select_for_update(of=("self",)).get(pk=signup.pk)
    if signup.status not in ACTIVE_SIGNUP_STATUSES:
        raise SignUpStateInvalid("该报名已取消或未被录用，无需取消")
    if activity.attendances.filter(volunteer_id=signup.volunteer_id).exists():
        raise SignUpStateInvalid("您已签到，不能取消报名")
    was_approved = signup.status == SignUpStatus.APPROVED
    signup.status = SignUpStatus.CANCELLED
    signup.decided_at = at
    signup.save(update_fields=["status", "decided_at"])
    if was_approved and activity.status_at(at) in LIVE_STATUSES:
        promote_waitlisted(activity=activity, at=at)
    return signup


@transaction.atomic
def signup_decide(*, actor: User, signup: SignUp, approve: bool, at: datetime.datetime, note: str = "") -> SignUp:
    """An organiser approves (within the quota) or rejects; rejecting an approved one promotes the waitlist.
    Raises PermissionDenied, ActivityCancelled, SignUpStateInvalid, QuotaFull."""
    require(actor, "change", signup.activity)
    activity = locked(signup.activity)
    signup = SignUp.objects.select_for_update(of=("self",)).select_related("volunteer__user").get(pk=signup.pk)
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled("活动已取消")
    before = signup.status
    if approve:
        if before not in (SignUpStatus.PENDING, SignUpStatus.WAITLISTED):
            raise SignUpStateInvalid(f"该报名状态为「{signup.get_status_display()}」，不能录用")
        signup.activity = activity
        _require_safeguards(signup)
        approved = _approved_count(activity)
        if approved >= activity.quota:
            raise QuotaFull(f"招募名额已满（{approved}/{activity.quota}），不能再录用；可先调整招募人数")
        signup.status = SignUpStatus.APPROVED
    else:
        if before not in ACTIVE_SIGNUP_STATUSES:
            raise SignUpStateInvalid(f"该报名状态为「{signup.get_status_display()}」，不能拒绝")
        if activity.attendances.filter(volunteer_id=signup.volunteer_id).exists():
            raise SignUpStateInvalid("该志愿者已签到，不能拒绝")
        signup.status = SignUpStatus.REJECTED
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("审核意见不能超过200字", field="note")
    signup.decided_by = actor
    signup.decided_at = at
    signup.note = note
    signup.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor,
        action="update",
        target=signup,
        org=activity.org,
        before={"status": before},
        after={"status": signup.status},
        reason=note,
    )
    if before == SignUpStatus.APPROVED and activity.status_at(at) in LIVE_STATUSES:
        promote_waitlisted(activity=activity, at=at)
    user = signup.volunteer.user
    if user is not None:
        verdict = "已录用" if approve else "未被录用"
        notification_send(
            recipients=[user],
            title=f"报名结果：{activity.title} {verdict}",
            body=note or (f"请于 {_fmt(activity.start_at)} 到{activity.place}签到。" if approve else ""),
            url=activity_url(activity),
        )
    return signup
