from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.errors import Conflict
from redvest.teams.models import Membership, MembershipKind, Team

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.volunteers.models import Volunteer


class TeamInactive(Conflict):
    code = "team_inactive"
    default_message = "该服务队已撤销，不能加入"


@transaction.atomic
def membership_assign_org_team(*, actor: "User | None", volunteer: "Volunteer", team: Team, reason: str = "") -> Membership:
    """Make `team` the volunteer's one organisational team; a previous one is closed, keeping history."""
    if not team.is_active:
        raise TeamInactive()
    current = (
        Membership.objects.select_for_update()
        .filter(volunteer=volunteer, kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True)
        .first()
    )
    if current is not None:
        if current.team_id == team.id:
            return current
        current.left_at = timezone.now()
        current.left_reason = reason or f"转入{team.name}"
        current.save(update_fields=["left_at", "left_reason"])
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
        after={"team_id": team.id, "kind": "org"},
        reason=reason,
    )
    return membership
