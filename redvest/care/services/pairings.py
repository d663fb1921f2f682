"""Pairings of a person with a volunteer or a team, and the visit cadence that sets their due dates."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.accounts.policy import can_administer
from redvest.audit.services import audit_record
from redvest.care.access import may_set_cadence
from redvest.care.models import CareCategory, CarePairing, CareRecipient, PairingStatus, RecipientStatus, VisitCadence
from redvest.care.selectors import cadence_days_for, cadence_table
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.orgs.models import OrgNode
from redvest.volunteers.models import VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.teams.models import Team
    from redvest.volunteers.models import Volunteer


def _first_due(*, recipient: CareRecipient, start: datetime.date, table: dict[str, int] | None = None) -> datetime.date:
    return start + datetime.timedelta(days=cadence_days_for(recipient, table=table))


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    recipient: CareRecipient,
    volunteer: Volunteer | None = None,
    team: Team | None = None,
    started_on: datetime.date | None = None,
) -> CarePairing:
    """Pair a person with one volunteer or one team (call again for one-to-N). Administrators over the
    person pair people and teams of their own subtree; the first visit falls due one cadence after the
    start."""
    recipient = CareRecipient.objects.select_for_update(of=("self",)).select_related("org").get(pk=recipient.pk)
    if not can_administer(actor, recipient.org):
        raise PermissionDenied("您无权为该帮扶对象安排结对")
    if recipient.status != RecipientStatus.ACTIVE:
        raise Conflict("该帮扶对象已结束帮扶，不能再结对")
    if (volunteer is None) == (team is None):
        raise ValidationFailed({"volunteer": "请选择一名志愿者或一支服务队（二选一）"})
    partner_field = "volunteer" if volunteer is not None else "team"
    partner: Any = volunteer if volunteer is not None else team
    if not can_administer(actor, partner.org):
        raise PermissionDenied("所选志愿者或服务队不在您的管理范围内", field=partner_field)
    if volunteer is not None and volunteer.status != VolunteerStatus.REGISTERED:
        raise ValidationFailed({"volunteer": "只能与已注册的志愿者结对"})
    if team is not None and not team.is_active:
        raise ValidationFailed({"team": "该服务队已停用"})
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today + datetime.timedelta(days=30):
        raise ValidationFailed({"started_on": "结对日期不能晚于30天后"})
    if CarePairing.objects.filter(
        recipient=recipient, status=PairingStatus.ACTIVE, **{partner_field: partner}
    ).exists():
        raise Conflict("已与该志愿者或服务队结对", field=partner_field)
    pairing = CarePairing(
        recipient=recipient,
        volunteer=volunteer,
        team=team,
        started_on=started_on,
        next_visit_due=_first_due(recipient=recipient, start=started_on),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise Conflict("已与该志愿者或服务队结对", field=partner_field) from None
    audit_record(
        actor=actor,
        action="create",
        target=pairing,
        org=recipient.org,
        after={"recipient": recipient.pk, partner_field: partner.pk, "started_on": str(started_on)},
    )
    return pairing


def end_pairing(*, actor: User, pairing: CarePairing, reason: str, on: datetime.date, org: OrgNode) -> None:
    pairing.status, pairing.ended_on, pairing.ended_reason = PairingStatus.ENDED, max(on, pairing.started_on), reason
    pairing.save(update_fields=["status", "ended_on", "ended_reason"])
    audit_record(actor=actor, action="update", target=pairing, org=org, after={"status": "ended"}, reason=reason)


@transaction.atomic
def pairing_end(*, actor: User, pairing: CarePairing, reason: str) -> CarePairing:
    """End a pairing with a reason (administrators over the person); its visits stay."""
    pairing = CarePairing.objects.select_for_update(of=("self",)).select_related("recipient__org").get(pk=pairing.pk)
    org = pairing.recipient.org
    if not can_administer(actor, org):
        raise PermissionDenied("您无权解除该结对")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写解除结对的原因"})
    if len(reason) > 200:
        raise ValidationFailed({"reason": "原因不能超过200字"})
    if pairing.status != PairingStatus.ACTIVE:
        raise Conflict("该结对已解除")
    end_pairing(actor=actor, pairing=pairing, reason=reason, on=timezone.localdate(), org=org)
    return pairing


def reschedule(pairings: Any) -> int:
    """Recompute the next due date of active pairings from their last visit (or start) and the cadence
    now in force."""
    table = cadence_table()
    rows = list(
        pairings.filter(status=PairingStatus.ACTIVE)
        .select_related("recipient")
        .only("id", "started_on", "last_visited_on", "next_visit_due", "recipient__category", "recipient__cadence_days")
    )
    for pairing in rows:
        base = pairing.last_visited_on or pairing.started_on
        pairing.next_visit_due = base + datetime.timedelta(days=cadence_days_for(pairing.recipient, table=table))
    CarePairing.objects.bulk_update(rows, ["next_visit_due"], batch_size=500)
    return len(rows)


@transaction.atomic
def cadence_set(*, actor: User, category: str, days: int) -> VisitCadence:
    """Change how often a category is visited; active pairings without a personal override move their
    next due date accordingly."""
    if not may_set_cadence(actor):
        raise PermissionDenied("只有县级管理员可以修改走访周期")
    if category not in CareCategory.values:
        raise ValidationFailed({"category": "帮扶类别无效"})
    if not isinstance(days, int) or not 1 <= days <= 366:
        raise ValidationFailed({"days": "走访周期应在1到366天之间"})
    cadence = VisitCadence.objects.select_for_update(of=("self",)).filter(category=category).first()
    before = cadence.days if cadence is not None else None
    if cadence is None:
        cadence = VisitCadence.objects.create(category=category, days=days, updated_by=actor)
    elif cadence.days != days:
        cadence.days, cadence.updated_by = days, actor
        cadence.save(update_fields=["days", "updated_by", "updated_at"])
    else:
        return cadence
    reschedule(CarePairing.objects.filter(recipient__category=category, recipient__cadence_days__isnull=True))
    audit_record(actor=actor, action="update", target=cadence, before={"days": before}, after={"days": days})
    return cadence
