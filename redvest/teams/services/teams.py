"""Teams themselves: create, update, leader and liaison, backbone order, dissolving, the archive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can, can_manage_under, require, scope
from redvest.audit.services import audit_record, diff, snapshot
from redvest.core.errors import Conflict, PermissionDenied
from redvest.core.validation import model_errors
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.errors import NotAMember, TeamHasActiveChildren
from redvest.teams.models import (
    Backbone,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Team,
    TeamDocument,
)
from redvest.teams.selectors import by_id
from redvest.teams.services._common import FieldErrors, as_pk, clean_text, lock_team, notify_volunteers, team_url
from redvest.teams.services.memberships import leader_succeed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from redvest.accounts.models import User

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
TEAM_FIELDS = ["name", "kind", "specialty", "org", "parent", "rules"]


@dataclass(frozen=True)
class TeamData:
    """What a team form or API payload says about a team; references are ids, checked by the service."""

    name: str
    kind: str
    org_id: Any
    specialty: str = ""
    parent_id: Any = None
    rules: str = ""

    @classmethod
    def of(cls, team: Team) -> TeamData:
        return cls(
            name=team.name,
            kind=team.kind,
            org_id=team.org_id,
            specialty=team.specialty,
            parent_id=team.parent_id,
            rules=team.rules,
        )


@dataclass
class _CleanTeam:
    name: str
    kind: str
    specialty: str
    rules: str
    org: OrgNode
    parent: Team | None


def _parent_chain_has(parent: Team, team_id: int) -> bool:
    """Would hanging a team under `parent` close a loop? Walks up from the parent (chains are short)."""
    seen: set[int] = set()
    current: int | None = parent.pk
    while current is not None and current not in seen:
        if current == team_id:
            return True
        seen.add(current)
        current = Team.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def _clean_team(*, actor: User, data: TeamData, team: Team | None) -> _CleanTeam:
    """Check every field, naming each wrong one; the owning org must be one the actor may manage."""
    errors = FieldErrors()
    name, rules = (data.name or "").strip(), (data.rules or "").strip()
    kind, specialty = data.kind or "", (data.specialty or "").strip()
    # The field rules are the model's (Team.clean); this service adds the org, the parent and the name's clash.
    for field, message in model_errors(Team(name=name, kind=kind, specialty=specialty, rules=rules)).items():
        errors.add(field, message)

    org = by_id(OrgNode.objects.all(), data.org_id)
    if org is None:
        errors.add("org", "请选择所属组织")
    elif (team is None or team.org_id != org.pk) and not can_manage_under(actor, org):
        raise PermissionDenied("您无权在该组织下管理服务队", field="org")

    parent: Team | None = None
    if data.parent_id not in (None, ""):
        parent = by_id(scope(actor, "team", Team.objects.select_related("org")), data.parent_id)
        if parent is None:
            errors.add("parent", "上级队伍不存在或您无权查看")
        elif not parent.is_active:
            errors.add("parent", "上级队伍已撤销")
        elif team is not None and _parent_chain_has(parent, team.pk):
            errors.add("parent", "上级队伍不能是本队或本队的下级队伍")
        elif org is not None and not org.path.startswith(parent.org.path):
            errors.add("parent", "上级队伍须属于本队所属组织或其上级组织")

    if org is not None and "name" not in errors:
        clash = Team.objects.filter(org=org, name=name)
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            errors.add("name", "本组织下已有同名服务队")
    if team is not None and org is not None and org.pk != team.org_id:
        outside = team.children.filter(is_active=True).exclude(in_subtree_q("org__path", org.path))
        if outside.exists():
            errors.add("org", "有下级队伍不在新的所属组织范围内，请先调整下级队伍")
    errors.raise_if_any()
    # raise_if_any() has raised when the org is missing.
    return _CleanTeam(name=name, kind=kind, specialty=specialty, rules=rules, org=cast(OrgNode, org), parent=parent)


def _save_unique(instance: Any, **kwargs: Any) -> None:
    """Save under a savepoint so a unique-name race is a clean 409, not a broken transaction."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict("名称已被占用，请换一个名称", field="name") from exc


@transaction.atomic
def team_create(*, actor: User, data: TeamData) -> Team:
    """A new team under an org node the actor may manage. Raises ValidationFailed, PermissionDenied."""
    clean = _clean_team(actor=actor, data=data, team=None)
    team = Team(
        name=clean.name,
        kind=clean.kind,
        specialty=clean.specialty,
        rules=clean.rules,
        org=clean.org,
        parent=clean.parent,
    )
    _save_unique(team)
    audit_record(actor=actor, action="create", target=team, org=team.org, after=snapshot(team, TEAM_FIELDS))
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, data: TeamData) -> Team:
    """Change a team's name, kind, specialty, org, parent or rules (same checks as creating).

    Raises PermissionDenied, ValidationFailed.
    """
    team = lock_team(team.pk)
    require(actor, "change", team)
    clean = _clean_team(actor=actor, data=data, team=team)
    before = snapshot(team, TEAM_FIELDS)
    team.name, team.kind, team.specialty, team.rules = clean.name, clean.kind, clean.specialty, clean.rules
    team.org, team.parent = clean.org, clean.parent
    old, new = diff(before, snapshot(team, TEAM_FIELDS))
    if new:
        _save_unique(team)
        audit_record(actor=actor, action="update", target=team, org=team.org, before=old, after=new)
    return team


def _current_member(team: Team, volunteer_id: Any, *, field: str, label: str) -> Membership:
    pk = as_pk(volunteer_id)
    membership = (
        Membership.objects.filter(team=team, volunteer_id=pk, left_at__isnull=True)
        .select_related("volunteer__user")
        .first()
        if pk
        else None
    )
    if membership is None:
        raise NotAMember(f"{label}必须是本队在册队员", field=field)
    return membership


def _require_active(team: Team) -> None:
    if not team.is_active:
        raise Conflict("该服务队已撤销，不能再修改", code="team_inactive")


@transaction.atomic
def team_set_leader(*, actor: User, team: Team, volunteer_id: Any) -> Team:
    """Appoint the leader (负责人): a current member; they leave the backbone list. Raises NotAMember."""
    team = lock_team(team.pk)
    require(actor, "change", team)
    _require_active(team)
    membership = _current_member(team, volunteer_id, field="leader", label="负责人")
    if team.leader_id == membership.volunteer_id:
        return team
    before = {"leader_id": team.leader_id}
    team.leader = membership.volunteer
    team.save(update_fields=["leader"])
    Backbone.objects.filter(team=team, volunteer=membership.volunteer).delete()
    audit_record(
        actor=actor, action="update", target=team, org=team.org, before=before, after={"leader_id": team.leader_id}
    )
    notify_volunteers([membership.volunteer], title=f"您已被设为「{team.name}」负责人", url=team_url(team))
    return team


@transaction.atomic
def team_set_liaison(*, actor: User, team: Team, volunteer_id: Any) -> Team:
    """Appoint the liaison (联络员), a current member, or clear the post with None. Raises NotAMember."""
    team = lock_team(team.pk)
    require(actor, "change", team)
    _require_active(team)
    before = {"liaison_id": team.liaison_id}
    if volunteer_id in (None, ""):
        team.liaison = None
    else:
        membership = _current_member(team, volunteer_id, field="liaison", label="联络员")
        if team.liaison_id == membership.volunteer_id:
            return team
        team.liaison = membership.volunteer
    team.save(update_fields=["liaison"])
    audit_record(
        actor=actor, action="update", target=team, org=team.org, before=before, after={"liaison_id": team.liaison_id}
    )
    if team.liaison is not None:
        notify_volunteers([team.liaison], title=f"您已被设为「{team.name}」联络员", url=team_url(team))
    return team


@transaction.atomic
def team_leader_step_down(*, actor: User, team: Team, reason: str = "") -> Team:
    """The leader steps down (themselves, or by someone who may change the team); the first backbone
    member takes over at once. Raises PermissionDenied, Conflict when there is no leader."""
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", label="卸任原因", max_length=200, errors=errors)
    errors.raise_if_any()
    team = lock_team(team.pk)
    leader = team.leader
    is_leader = leader is not None and leader.user_id is not None and leader.user_id == actor.pk
    if not is_leader and not can(actor, "change", team):
        raise PermissionDenied()
    _require_active(team)
    if leader is None:
        raise Conflict("本队当前没有负责人", code="no_leader")
    leader_succeed(actor=actor, team=team, leaving=leader, reason=f"负责人卸任{('：' + reason) if reason else ''}")
    return team


@transaction.atomic
def backbone_set(*, actor: User, team: Team, volunteer_ids: list[Any]) -> list[Backbone]:
    """Replace the ordered backbone list (梯次结构): current members, no repeats, not the leader.

    Raises ValidationFailed (volunteers).
    """
    team = lock_team(team.pk)
    require(actor, "change", team)
    _require_active(team)
    errors = FieldErrors()
    ids = [as_pk(v) for v in volunteer_ids]
    if len(set(ids)) != len(ids):
        errors.add("volunteers", "骨干名单中有重复的队员")
    elif team.leader_id is not None and team.leader_id in ids:
        errors.add("volunteers", "负责人无需列入骨干梯队")
    else:
        members = set(
            Membership.objects.filter(team=team, left_at__isnull=True, volunteer_id__in=ids).values_list(
                "volunteer_id", flat=True
            )
        )
        if len(members) != len(ids):
            errors.add("volunteers", "骨干必须是本队在册队员")
    errors.raise_if_any()
    before = list(Backbone.objects.filter(team=team).order_by("order").values_list("volunteer_id", flat=True))
    if before == ids:
        return list(Backbone.objects.filter(team=team).select_related("volunteer").order_by("order"))
    Backbone.objects.filter(team=team).delete()
    rows = Backbone.objects.bulk_create(
        [Backbone(team=team, volunteer_id=pk, order=i) for i, pk in enumerate(ids, start=1)]
    )
    audit_record(
        actor=actor,
        action="update",
        target=team,
        org=team.org,
        before={"backbone": before},
        after={"backbone": ids},
        reason="调整骨干梯队",
    )
    return rows


@transaction.atomic
def team_deactivate(*, actor: User, team: Team, reason: str = "") -> Team:
    """Dissolve a team (撤销): memberships end with the reason, pending requests are refused, the record
    stays. Raises TeamHasActiveChildren, Conflict when already dissolved."""
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", label="撤销原因", max_length=200, errors=errors)
    errors.raise_if_any()
    team = lock_team(team.pk)
    require(actor, "change", team)
    _require_active(team)
    if team.children.filter(is_active=True).exists():
        raise TeamHasActiveChildren()
    ended = Membership.objects.filter(team=team, left_at__isnull=True).update(
        left_at=timezone.now(), left_reason=f"服务队撤销{('：' + reason) if reason else ''}"[:200]
    )
    JoinRequest.objects.filter(team=team, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.REJECTED, decided_by=actor, decided_at=timezone.now(), decision_note="服务队已撤销"
    )
    team.is_active = False
    team.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="update",
        target=team,
        org=team.org,
        before={"is_active": True},
        after={"is_active": False, "memberships_ended": ended},
        reason=reason or "撤销服务队",
    )
    return team


@transaction.atomic
def team_document_upload(*, actor: User, team: Team, title: str, file: UploadedFile | None) -> TeamDocument:
    """Add a document to the team archive (档案). Raises ValidationFailed (title, file)."""
    team = lock_team(team.pk)
    require(actor, "change", team)
    errors = FieldErrors()
    title = clean_text(title, field="title", label="标题", max_length=100, errors=errors, required=True)
    if file is None:
        errors.add("file", "请选择要上传的文件")
    elif not file.size:
        errors.add("file", "文件内容为空")
    elif file.size > MAX_DOCUMENT_BYTES:
        errors.add("file", "文件不能超过20MB")
    errors.raise_if_any()
    document = TeamDocument.objects.create(team=team, title=title, file=file, uploaded_by=actor)
    audit_record(
        actor=actor,
        action="create",
        target=document,
        org=team.org,
        after={"team_id": team.pk, "title": title, "file": document.file.name},
    )
    return document
