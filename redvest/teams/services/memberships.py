"""Who is in which team: organisational team (exactly one, DB constraint), activity teams, leaving,
leader succession from the backbone order, and join requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can, require
from redvest.audit.models import AuditAction
from redvest.audit.services import AuditItem, audit_record, audit_record_many
from redvest.core.errors import PermissionDenied
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.errors import (
    AlreadyMember,
    NotAMember,
    PendingRequestExists,
    RequestNotPending,
    TeamInactive,
    VolunteerNotEligible,
)
from redvest.teams.models import (
    Backbone,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipKind,
    Team,
)
from redvest.teams.services._common import (
    FieldErrors,
    clean_text,
    lock_team,
    lock_teams,
    lock_volunteer,
    notify_volunteers,
    team_url,
)
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User


# ---- Leaving and succession --------------------------------------------------------------------


def leader_succeed(*, actor: User | None, team: Team, leaving: Volunteer | None, reason: str) -> Volunteer | None:
    """The first backbone member in order (still a member, not the one leaving) becomes leader at once.

    `team` must be locked by the caller. The new leader leaves the backbone list (they now lead it)
    and is notified; without a backbone the post stays empty and the liaison is told.
    """
    current = Membership.objects.filter(team=team, left_at__isnull=True).values("volunteer_id")
    candidates = Backbone.objects.filter(team=team, volunteer_id__in=current).select_related("volunteer__user")
    if leaving is not None:
        candidates = candidates.exclude(volunteer=leaving)
    successor_row = candidates.order_by("order", "id").first()
    successor = successor_row.volunteer if successor_row is not None else None
    before = {"leader_id": team.leader_id}
    team.leader = successor
    team.save(update_fields=["leader"])
    if successor_row is not None:
        successor_row.delete()
    audit_record(
        actor=actor,
        action="update",
        target=team,
        org=team.org,
        before=before,
        after={"leader_id": team.leader_id},
        reason=reason + ("；骨干顺位接任" if successor else "；无骨干可接任，负责人空缺"),
    )
    if successor is not None:
        notify_volunteers(
            [successor],
            title=f"您已接任「{team.name}」负责人",
            body=f"原负责人{'：' + leaving.name if leaving else ''}离任（{reason}），按骨干梯队顺位由您接任。",
            url=team_url(team),
        )
    elif team.liaison_id is not None:
        notify_volunteers(
            [team.liaison],
            title=f"「{team.name}」负责人空缺",
            body=f"原负责人离任（{reason}），骨干梯队中无人可接任，请尽快确定新的负责人。",
            url=team_url(team),
        )
    return successor


def _after_member_left(*, actor: User | None, team: Team, volunteer: Volunteer, reason: str) -> None:
    """A member left a locked team: drop them from the backbone, the liaison post, and the lead."""
    Backbone.objects.filter(team=team, volunteer=volunteer).delete()
    if team.liaison_id == volunteer.pk:
        team.liaison = None
        team.save(update_fields=["liaison"])
        audit_record(
            actor=actor,
            action="update",
            target=team,
            org=team.org,
            before={"liaison_id": volunteer.pk},
            after={"liaison_id": None},
            reason=f"联络员离队：{reason}",
        )
    if team.leader_id == volunteer.pk:
        leader_succeed(actor=actor, team=team, leaving=volunteer, reason=f"负责人离队：{reason}")


def _close(*, actor: User | None, membership: Membership, reason: str) -> None:
    membership.left_at = timezone.now()
    membership.left_reason = reason[:200]
    membership.save(update_fields=["left_at", "left_reason"])
    audit_record(
        actor=actor,
        action="update",
        target=membership,
        org=membership.team.org,
        before={"left_at": None},
        after={"left_at": membership.left_at.isoformat(), "left_reason": membership.left_reason},
        reason=reason,
    )


# ---- Joining -----------------------------------------------------------------------------------


@transaction.atomic
def membership_assign_org_team(*, actor: User | None, volunteer: Volunteer, team: Team, reason: str = "") -> Membership:
    """Make `team` the volunteer's one organisational team; a previous one is closed, keeping history.

    The caller decides who may do this (registration, an approved request, an admin transfer).
    Raises TeamInactive. Leaving the old team hands its lead to the first backbone member.
    """
    # The volunteer row is the lock that serialises org-team changes of one person: two transfers at
    # once then run one after the other (the second sees the first's result) instead of colliding on
    # the one-current-org-team constraint.
    lock_volunteer(volunteer.pk)
    current = (
        Membership.objects.select_related("team")
        .filter(volunteer=volunteer, kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True)
        .first()
    )
    if current is not None and current.team_id == team.pk:
        return current
    teams = lock_teams(team.pk, *([current.team_id] if current else []))
    team = teams[team.pk]
    if not team.is_active:
        raise TeamInactive()
    if current is not None:
        # Dissolving the old team ends memberships under the team lock alone: read it again now.
        current = Membership.objects.filter(pk=current.pk, left_at__isnull=True).first()
    if current is not None:
        old_team = teams[current.team_id]
        current.team = old_team
        _close(actor=actor, membership=current, reason=reason or f"转入{team.name}")
        _after_member_left(actor=actor, team=old_team, volunteer=volunteer, reason=f"转入{team.name}")
    # An activity membership in the same team becomes the organisational one.
    Membership.objects.filter(
        volunteer=volunteer, team=team, kind=MembershipKind.ACTIVITY, left_at__isnull=True
    ).update(left_at=timezone.now(), left_reason="转为组织关系")
    membership = Membership.objects.create(volunteer=volunteer, team=team, kind=MembershipKind.ORGANISATIONAL)
    audit_record(
        actor=actor,
        action="create",
        target=membership,
        org=team.org,
        before={"team_id": current.team_id} if current else None,
        after={"team_id": team.pk, "kind": "org"},
        reason=reason,
    )
    return membership


@transaction.atomic
def memberships_create_org_bulk(
    *, actor: User | None, volunteers: Sequence[Volunteer], team_ids: Sequence[int], reason: str = ""
) -> list[Membership]:
    """The organisational team of volunteers just written in bulk (the Excel import): `volunteers[i]`
    joins `team_ids[i]`. For new volunteers only (no membership yet, so nothing to close or hand over).
    A constant number of queries whatever the count: the teams locked in one query, the memberships and
    their audit rows (as `membership_assign_org_team` writes them) in bulk inserts of 1,000. The caller
    decides who may do this. Raises TeamInactive when a team was deactivated meanwhile (nothing written)."""
    if len(volunteers) != len(team_ids):
        raise ValueError("one team per volunteer")
    if not volunteers:
        return []
    teams = lock_teams(*team_ids)
    if len(teams) != len(set(team_ids)) or not all(t.is_active for t in teams.values()):
        raise TeamInactive()
    memberships = [
        Membership(volunteer=v, team=teams[team_id], kind=MembershipKind.ORGANISATIONAL)
        for v, team_id in zip(volunteers, team_ids, strict=True)
    ]
    Membership.objects.bulk_create(memberships, batch_size=1000)
    audit_record_many(
        actor=actor,
        action=AuditAction.CREATE,
        items=(AuditItem.of(m, org_id=m.team.org_id, after={"team_id": m.team_id, "kind": "org"}) for m in memberships),
        reason=reason,
    )
    return memberships


def _add_activity(*, actor: User | None, volunteer: Volunteer, team: Team, reason: str) -> Membership:
    """An activity relation with a locked, active team; a current member of any kind is refused."""
    if Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).exists():
        raise AlreadyMember()
    membership = Membership.objects.create(volunteer=volunteer, team=team, kind=MembershipKind.ACTIVITY)
    audit_record(
        actor=actor,
        action="create",
        target=membership,
        org=team.org,
        after={"team_id": team.pk, "kind": "activity"},
        reason=reason,
    )
    return membership


def _check_eligible(volunteer: Volunteer) -> None:
    if volunteer.status != VolunteerStatus.REGISTERED:
        raise VolunteerNotEligible()


@transaction.atomic
def membership_add(*, actor: User, team: Team, volunteer: Volunteer, kind: str, reason: str = "") -> Membership:
    """An admin puts a volunteer into a team: organisational (a transfer if they have one) or activity.

    Needs change rights on both the team and the volunteer. Raises TeamInactive, AlreadyMember,
    VolunteerNotEligible, ValidationFailed (kind, reason).
    """
    errors = FieldErrors()
    if kind not in MembershipKind.values:
        errors.add("kind", "请选择组织关系或活动关系")
    reason = clean_text(reason, field="reason", label="调动说明", max_length=200, errors=errors)
    errors.raise_if_any()
    require(actor, "change", team)
    require(actor, "change", volunteer)
    _check_eligible(volunteer)
    if kind == MembershipKind.ORGANISATIONAL:
        current = Membership.objects.filter(
            volunteer=volunteer, team=team, kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True
        ).exists()
        if current:
            raise AlreadyMember("该志愿者的组织关系已在本队")
        return membership_assign_org_team(
            actor=actor, volunteer=volunteer, team=team, reason=reason or f"调入{team.name}"
        )
    team = lock_team(team.pk)
    if not team.is_active:
        raise TeamInactive()
    return _add_activity(actor=actor, volunteer=volunteer, team=team, reason=reason or "管理员添加")


# ---- Leaving -----------------------------------------------------------------------------------


@transaction.atomic
def membership_leave(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """End one membership: by the member themselves or by whoever may change the team.

    A leaving leader is replaced by the first backbone member. Raises PermissionDenied, NotAMember.
    """
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", label="离队原因", max_length=200, errors=errors)
    errors.raise_if_any()
    lock_volunteer(membership.volunteer_id)  # same lock order as a transfer: volunteer, then team
    team = lock_team(membership.team_id)
    membership = Membership.objects.select_related("volunteer").get(pk=membership.pk)
    own = membership.volunteer.user_id is not None and membership.volunteer.user_id == actor.pk
    if not own and not can(actor, "change", team):
        raise PermissionDenied()
    if membership.left_at is not None:
        raise NotAMember("该队员关系已结束")
    membership.team = team
    reason = reason or ("本人退出" if own else "移出服务队")
    _close(actor=actor, membership=membership, reason=reason)
    _after_member_left(actor=actor, team=team, volunteer=membership.volunteer, reason=reason)
    return membership


@transaction.atomic
def membership_leave_all(
    *, actor: User | None, volunteer: Volunteer, reason: str, keep_under: str | None = None
) -> int:
    """End every current membership of a volunteer (e.g. on deregistration); with `keep_under` (an org path,
    on a transfer) only those of teams outside that subtree. The caller decides who may.

    Teams they led get their backbone successor. Returns the number of memberships ended.
    """
    lock_volunteer(volunteer.pk)
    current = Membership.objects.filter(volunteer=volunteer, left_at__isnull=True)
    if keep_under is not None:
        current = current.exclude(in_subtree_q("team__org__path", keep_under))
    memberships = list(current.order_by("team_id"))
    teams = lock_teams(*[m.team_id for m in memberships])
    for membership in memberships:
        membership.team = teams[membership.team_id]
        _close(actor=actor, membership=membership, reason=reason)
        _after_member_left(actor=actor, team=membership.team, volunteer=volunteer, reason=reason)
    return len(memberships)


# ---- Join requests -----------------------------------------------------------------------------


@transaction.atomic
def join_request_create(
    *, actor: User, team: Team, kind: str, message: str = "", volunteer: Volunteer | None = None
) -> JoinRequest:
    """A volunteer asks to join a team (organisational: a transfer if approved while in another team).

    `volunteer` defaults to the actor's own record; asking for someone else needs change rights on
    them. Raises VolunteerNotEligible, TeamInactive, AlreadyMember, PendingRequestExists, ValidationFailed.
    """
    errors = FieldErrors()
    if kind not in MembershipKind.values:
        errors.add("kind", "请选择组织关系或活动关系")
    message = clean_text(message, field="message", label="申请说明", max_length=200, errors=errors)
    errors.raise_if_any()
    own = Volunteer.objects.filter(user=actor).exclude(status=VolunteerStatus.DEREGISTERED).first()
    if volunteer is None:
        volunteer = own
        if volunteer is None:
            raise VolunteerNotEligible("您还没有志愿者登记，不能申请入队")
    elif own is None or own.pk != volunteer.pk:
        require(actor, "change", volunteer)
    _check_eligible(volunteer)
    team = lock_team(team.pk)
    if not team.is_active:
        raise TeamInactive()
    current = Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).first()
    if current is not None and (kind == MembershipKind.ACTIVITY or current.kind == MembershipKind.ORGANISATIONAL):
        raise AlreadyMember(f"已是该队队员（{current.get_kind_display()}）")
    if JoinRequest.objects.filter(team=team, volunteer=volunteer, status=JoinRequestStatus.PENDING).exists():
        raise PendingRequestExists()
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(team=team, volunteer=volunteer, kind=kind, message=message)
    except IntegrityError as exc:  # a second request raced past the check above
        raise PendingRequestExists() from exc
    audit_record(
        actor=actor,
        action="create",
        target=join_request,
        org=team.org,
        after={"team_id": team.pk, "volunteer_id": volunteer.pk, "kind": kind},
    )
    managers = Volunteer.objects.filter(pk__in=[pk for pk in (team.leader_id, team.liaison_id) if pk]).select_related(
        "user"
    )
    notify_volunteers(
        managers,
        title=f"「{team.name}」有新的入队申请",
        body=f"{volunteer.name}申请以{join_request.get_kind_display()}加入。{message}",
        url=team_url(team),
    )
    return join_request


def _lock_pending(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("team", "team__org", "volunteer", "volunteer__user")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequestStatus.PENDING:
        raise RequestNotPending()
    return locked


def _decide(*, actor: User, join_request: JoinRequest, status: str, note: str) -> JoinRequest:
    before = {"status": join_request.status}
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.decision_note = note
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="update",
        target=join_request,
        org=join_request.team.org,
        before=before,
        after={"status": status, "decision_note": note},
        reason=note,
    )
    return join_request


@transaction.atomic
def join_request_approve(*, actor: User, join_request: JoinRequest, note: str = "") -> JoinRequest:
    """Leader, liaison or org admin approves: the volunteer joins (org relation = transfer, history kept).

    Raises RequestNotPending, PermissionDenied, TeamInactive, VolunteerNotEligible.
    """
    errors = FieldErrors()
    note = clean_text(note, field="note", label="审批意见", max_length=200, errors=errors)
    errors.raise_if_any()
    join_request = _lock_pending(join_request)
    team = join_request.team
    require(actor, "change", team)
    volunteer = join_request.volunteer
    _check_eligible(volunteer)
    if join_request.kind == MembershipKind.ORGANISATIONAL:
        membership_assign_org_team(actor=actor, volunteer=volunteer, team=team, reason=f"入队申请获批，转入{team.name}")
    else:
        team = lock_team(team.pk)
        if not team.is_active:
            raise TeamInactive()
        if not Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).exists():
            _add_activity(actor=actor, volunteer=volunteer, team=team, reason="入队申请获批")
    _decide(actor=actor, join_request=join_request, status=JoinRequestStatus.APPROVED, note=note)
    notify_volunteers(
        [volunteer],
        title=f"您加入「{team.name}」的申请已通过",
        body=note,
        url=team_url(team),
    )
    return join_request


@transaction.atomic
def join_request_reject(*, actor: User, join_request: JoinRequest, note: str) -> JoinRequest:
    """Refuse a pending request with a reason the volunteer is shown. Raises ValidationFailed (note)."""
    errors = FieldErrors()
    note = clean_text(note, field="note", label="拒绝理由", max_length=200, errors=errors, required=True)
    errors.raise_if_any()
    join_request = _lock_pending(join_request)
    require(actor, "change", join_request.team)
    _decide(actor=actor, join_request=join_request, status=JoinRequestStatus.REJECTED, note=note)
    notify_volunteers(
        [join_request.volunteer],
        title=f"您加入「{join_request.team.name}」的申请未通过",
        body=note,
        url=team_url(join_request.team),
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    """The volunteer takes back their own pending request. Raises PermissionDenied, RequestNotPending."""
    join_request = _lock_pending(join_request)
    if join_request.volunteer.user_id != actor.pk:
        raise PermissionDenied("只能撤回本人的申请")
    return _decide(actor=actor, join_request=join_request, status=JoinRequestStatus.WITHDRAWN, note="本人撤回")
